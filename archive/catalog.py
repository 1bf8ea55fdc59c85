"""The catalog database: a URL → an engine with the schema migrated to the latest revision.

SQLite is the embedded default (WAL journal, foreign keys on, a busy timeout so several processes
can share it); PostgreSQL (``postgresql+psycopg://USER@HOST/DB``) is the shared catalog of an
office with several desks. A URL's password is never stored: ``public_url`` drops it, and libpq
reads it from ``PGPASSWORD`` or a ``.pgpass`` file (``PGPASSFILE``) when connecting.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import sqlite3
import threading
import zlib
from collections.abc import Hashable
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session

from docgen.errors import WorkspaceError

if TYPE_CHECKING:
    from alembic.config import Config

BUSY_TIMEOUT_S = 60
#: Execution option of the engine ``reader_engine`` returns: its transactions start with a plain
#: (deferred) BEGIN, which in WAL mode reads a snapshot and never waits for a writer.
READ_ONLY = "docgen_read_only"
CONNECT_TIMEOUT_S = 10
SUPPORTED = ("sqlite", "postgresql")


def parse_url(url: str) -> URL:
    """A catalog URL, checked: SQLite or PostgreSQL (plain ``postgresql://`` → psycopg 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise WorkspaceError(
            f"数据库地址“{_hide(url)}”无法识别，应形如 postgresql+psycopg://用户@主机/数据库"
        ) from None
    if parsed.get_backend_name() not in SUPPORTED:
        raise WorkspaceError(
            f"不支持的数据库“{parsed.get_backend_name()}”：案件目录可用 SQLite 或 PostgreSQL"
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def public_url(url: str) -> str:
    """The URL without its password: what the settings file keeps and messages show."""
    return parse_url(url)._replace(password=None).render_as_string(hide_password=False)


def _hide(url: str) -> str:
    """Best effort for a URL that does not parse: cut what could be ``user:password@``."""
    if "@" not in url:
        return url
    scheme, sep, _ = url.partition("://")
    return f"{scheme + sep if sep else ''}…@{url.rpartition('@')[2]}"


def create_catalog_engine(url: str | URL) -> Engine:
    parsed = parse_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy issue BEGIN itself so "BEGIN IMMEDIATE" can be used for writers.
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        parsed,
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "docgen"},
    )


def reader_engine(engine: Engine) -> Engine:
    """The same database and pool, for transactions that only read (see ``READ_ONLY``)."""
    return engine.execution_options(**{READ_ONLY: True})


class CommitWatch:
    """``version()``: a token that changes whenever a transaction commits to the catalog, from
    any connection of any process, and stays equal while nothing does — the key of caches over
    catalog data (``Workspace.catalog_version``). Cheap enough to ask on every request.

    SQLite: ``PRAGMA data_version`` on a connection of the watch's own, outside the pool, that
    never writes: its value changes with every commit another connection makes (and every
    other connection is another). PostgreSQL: the current snapshot (``xmin:xmax:running``) —
    two snapshots alike see the same data, and a commit either raises ``xmax`` or takes its
    transaction off the running list — with the server's start time (a restarted or restored
    server starts over). A token is read before the data it keys, so data is never older than
    its token."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0

    def version(self) -> Hashable:
        if self.engine.dialect.name != "sqlite":
            with reader_engine(self.engine).connect() as conn:
                return tuple(conn.execute(_PG_VERSION).one())
        path = self.engine.url.database
        if not path or path == ":memory:":
            return object()  # a private database: equal to nothing, nothing is cached
        with self._lock:
            if self._conn is None or self._pid != os.getpid():
                self._conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                             check_same_thread=False)  # fmt: skip
                self._pid = os.getpid()
            return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None


_PG_VERSION = text("SELECT pg_current_snapshot()::text, pg_postmaster_start_time()")


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    read_only = conn.get_execution_options().get(READ_ONLY)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.isolation_level = None  # transactions are begun by the "begin" listener
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def unreachable(url: str, exc: DBAPIError) -> WorkspaceError:
    """A Chinese message for a catalog server that refused us (no password, no traceback)."""
    full = str(exc.orig or exc).strip()
    reason = full.splitlines()[0].strip() if full else ""
    low = full.lower()  # the server's words follow its lc_messages: English or Chinese
    missing = "does not exist" in low or "不存在" in full
    if "password" in low or "authentication" in low or "认证失败" in full:
        hint = "身份验证失败：口令请通过环境变量 PGPASSWORD 或 .pgpass 文件提供（不写入地址）"
    elif missing and ("database" in low or "数据库" in full):
        hint = "数据库不存在：请先在服务器上建库（createdb）"
    elif missing and ("role" in low or "角色" in full):
        hint = "数据库用户不存在"
    elif "refused" in low or "timeout" in low or "could not translate" in low or "no route" in low:
        hint = "服务器无法连接：请检查主机、端口和服务器是否已启动"
    else:
        hint = "连接失败"
    return WorkspaceError(f"无法连接案件目录数据库 {public_url(url)}：{hint}（{reason}）")


def check_new_catalog(url: str) -> None:
    """Refuse a catalog server we cannot reach, or a database already holding a catalog."""
    engine = create_catalog_engine(url)
    try:
        with engine.connect() as conn:
            taken = inspect(conn).has_table("alembic_version")
    except DBAPIError as exc:
        raise unreachable(url, exc) from None
    finally:
        engine.dispose()
    if taken:
        raise WorkspaceError(
            f"数据库 {public_url(url)} 已有一个 docgen 案件目录（属于另一个工作区）："
            "新工作区请使用一个新建的空数据库"
        )


def serialize_writers(session: Session, name: str) -> None:
    """Let one transaction at a time past this point for ``name`` (e.g. registering cases,
    which checks then inserts): a PostgreSQL advisory lock held until the transaction ends.
    SQLite needs nothing: its writers already take the whole file (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(name.encode()) - (1 << 31)  # a stable signed 32-bit key
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    location = resources.files("docgen.archive").joinpath("migrations")
    cfg.set_main_option("script_location", str(location))
    return cfg


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)


@functools.cache
def script_head() -> str | None:
    """The latest migration's revision, read from the migration files without loading Alembic
    (a third of a command's start-up); None when the files do not name exactly one head, and
    Alembic decides (a test keeps this equal to Alembic's own head)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in resources.files("docgen.archive").joinpath("migrations", "versions").iterdir():
        if not script.name.endswith(".py") or script.name.startswith("_"):
            continue
        found = dict(_REVISION_LINE.findall(script.read_text("utf-8")))
        try:
            revision = ast.literal_eval(found["revision"])
            down = ast.literal_eval(found.get("down_revision", "None"))
        except (KeyError, ValueError, SyntaxError):
            return None
        revisions.add(revision)
        parents.update(down if isinstance(down, tuple | list) else (down,))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_head(engine: Engine) -> bool:
    """The catalog is at the latest migration: one small query, no Alembic import."""
    head = script_head()
    if head is None:
        return False
    with reader_engine(engine).connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return versions == [head]


def migrate(engine: Engine) -> None:
    """Bring the catalog schema to the latest migration (no-op when already there)."""
    if _at_head(engine):
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = _alembic_config()
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with reader_engine(engine).connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # two desks starting at once: one migrates
            conn.execute(text("SELECT pg_advisory_xact_lock(20240601)"))
            if MigrationContext.configure(conn).get_current_revision() == head:
                return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
