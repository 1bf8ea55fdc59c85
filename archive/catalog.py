"""The catalog database: a URL → an engine with the schema migrated to the latest revision.

SQLite is the embedded default (WAL journal, foreign keys on, a busy timeout so several processes
can share it); any SQLAlchemy URL (e.g. PostgreSQL) works the same way.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event

BUSY_TIMEOUT_S = 60
#: Execution option of the engine ``reader_engine`` returns: its transactions start with a plain
#: (deferred) BEGIN, which in WAL mode reads a snapshot and never waits for a writer.
READ_ONLY = "docgen_read_only"


def create_catalog_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy issue BEGIN itself so "BEGIN IMMEDIATE" can be used for writers.
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def reader_engine(engine: Engine) -> Engine:
    """The same database and pool, for transactions that only read (see ``READ_ONLY``)."""
    return engine.execution_options(**{READ_ONLY: True})


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


def _alembic_config() -> Config:
    cfg = Config()
    location = resources.files("archive").joinpath("migrations")
    cfg.set_main_option("script_location", str(location))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the catalog schema to the latest migration (no-op when already there)."""
    cfg = _alembic_config()
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with reader_engine(engine).connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
