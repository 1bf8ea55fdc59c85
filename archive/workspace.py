"""A workspace: one folder holding settings, the catalog, a folder per case and the search index.

<root>/docgen.json          settings (机关名称, 发文代字, 全宗号, ...)
<root>/catalog.sqlite       the catalog (unless settings point to another database URL)
<root>/archive/<案件编号>/   the files of one case
<root>/index/               the search index (derived data, rebuildable)
<root>/templates/           optional template overrides
<root>/.pending/            journals and scratch folders of writes in flight (archive.documents)
"""

from __future__ import annotations

import contextlib
import contextvars
import getpass
import grp
import logging
import os
import pwd
import stat
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from docgen import atomic, caseno
from docgen.archive import index_journal
from docgen.archive.catalog import (
    BUSY_TIMEOUT_S,
    CommitWatch,
    check_new_catalog,
    create_catalog_engine,
    migrate,
    public_url,
    reader_engine,
    unreachable,
)
from docgen.archive.documents import recover_batches
from docgen.archive.settings import SETTINGS_FILE, Settings
from docgen.archive.tables import AuditEntry
from docgen.clocks import HolidayCalendar
from docgen.errors import ConflictError, ValidationError, WorkspaceError
from docgen.memo import VersionedMemo
from docgen.model import Document

if TYPE_CHECKING:
    from docgen.archive.indexing import Progress
    from docgen.index import SearchIndex

log = logging.getLogger("docgen.index")
ENV_WORKSPACE = "DOCGEN_WORKSPACE"
CATALOG_FILE = "catalog.sqlite"
#: Bits no workspace file or folder gets, whatever the umask: files are at most 0640 and
#: folders 0750 (the owner writes, the owner's group reads, nobody else gets in).
PRIVATE_UMASK = 0o027
CACHED_VALUES = 512  # how many values ``Workspace.cached`` keeps (least recently used go first)
T = TypeVar("T")


@dataclass
class Workspace:
    root: Path
    settings: Settings
    engine: Engine = field(repr=False)
    _sessions: sessionmaker[Session] = field(repr=False)
    _read_sessions: sessionmaker[Session] = field(repr=False)
    _calendar: HolidayCalendar | None = field(default=None, repr=False)
    _index: SearchIndex | None = field(default=None, repr=False)
    _commits: CommitWatch | None = field(default=None, repr=False)
    _memo: VersionedMemo[Any] = field(default_factory=lambda: VersionedMemo(CACHED_VALUES),
                                      repr=False)  # fmt: skip

    # --- creation and discovery -------------------------------------------------------------

    @classmethod
    def init(cls, root: Path, settings: Settings) -> Workspace:
        root = root.resolve()
        if (root / SETTINGS_FILE).exists():
            raise WorkspaceError(f"{root} 已经是一个工作区")
        if root.exists() and any(root.iterdir()):
            raise WorkspaceError(f"目录 {root} 非空，请指定一个新目录或空目录")
        settings.check()
        from docgen.archive.outputs import check_output  # (it imports this module)

        check_output(None, root)  # not inside another workspace's archive, index, ...
        url = settings.catalog_url
        if url:  # a catalog server: reachable, and not another workspace's catalog
            check_new_catalog(url)
            settings.catalog_url = public_url(url)  # the password stays out of the file
        root.mkdir(parents=True, exist_ok=True)
        keep_private(root)
        for sub in ("archive", "index", "templates"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        settings.save(root)
        ws = cls._open(root, settings, url)
        ws.audit("init", target=settings.org)
        return ws

    @classmethod
    def open(cls, root: Path) -> Workspace:
        root = root.resolve()
        settings = Settings.load(root)
        return cls._open(root, settings, settings.catalog_url)

    @classmethod
    def _open(cls, root: Path, settings: Settings, url: str | None) -> Workspace:
        keep_private(root)
        url = url or f"sqlite:///{root / CATALOG_FILE}"
        engine = create_catalog_engine(url)
        try:
            migrate(engine)
        except DatabaseError as exc:
            engine.dispose()
            if isinstance(exc, OperationalError) and engine.dialect.name != "sqlite":
                raise unreachable(url, exc) from None
            raise WorkspaceError(catalog_problem(exc)) from None
        writers = sessionmaker(engine, expire_on_commit=False)
        event.listen(writers, "after_flush", index_journal.journal_changes)
        ws = cls(root, settings, engine, writers,
                 sessionmaker(reader_engine(engine), expire_on_commit=False),
                 _commits=CommitWatch(engine))  # fmt: skip
        recover_batches(root, ws.session)  # file writes a crash interrupted
        if index_journal.behind(ws):  # index work a crash left undone
            try:
                ws.catch_up_index(block=False)
            except OSError as exc:  # e.g. a reader without write access: the next writer will
                log.warning("检索索引暂未补齐（%s）：下次写入时自动补齐", exc.strerror or exc)
        return ws

    @classmethod
    def find(cls, explicit: Path | None = None, cwd: Path | None = None) -> Workspace:
        """``--workspace`` first, then ``$DOCGEN_WORKSPACE``, then the nearest parent folder."""
        if explicit is not None:
            return cls.open(explicit)
        if os.environ.get(ENV_WORKSPACE):
            return cls.open(Path(os.environ[ENV_WORKSPACE]))
        here = (cwd or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / SETTINGS_FILE).is_file():
                return cls.open(folder)
        raise WorkspaceError(
            "未找到工作区：请用 --workspace/-w 指定，或设置环境变量 DOCGEN_WORKSPACE，"
            "或在工作区目录内运行（新建工作区：docgen init 目录 --org 机关名称）"
        )

    def close(self) -> None:
        if self._commits is not None:
            self._commits.close()
        self._memo.clear()
        self.engine.dispose()

    # --- folders ----------------------------------------------------------------------------

    @property
    def archive_dir(self) -> Path:
        return self.root / "archive"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def case_dir(self, case_no: str) -> Path:
        check_case_no(case_no)
        folder = self.archive_dir / case_no
        if folder.is_symlink() or (
            folder.exists() and folder.resolve().parent != self.archive_dir.resolve()
        ):
            raise WorkspaceError(
                f"案件目录 archive/{case_no} 是符号链接或不在档案目录中：为防止文件写到工作区之外，"
                "请把它换成普通文件夹后重试",
                code="case_dir_symlink",
            )
        return folder

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    @property
    def calendar(self) -> HolidayCalendar:
        if self._calendar is None:
            self._calendar = HolidayCalendar.load(self.root)
        return self._calendar

    # --- catalog ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any exception. A row another
        desk changed since it was read (its version moved on) refuses the whole unit."""
        try:
            with self._sessions.begin() as session:
                yield session
        except StaleDataError:
            raise ConflictError(
                "另一位用户刚刚修改了同一案件，本次修改未保存（没有覆盖对方的修改）："
                "请重新查看（docgen case show）后再改"
            ) from None

    def catalog_version(self) -> Hashable:
        """A token that changes whenever a transaction commits to the catalog — this process's
        or any other's — and stays equal while none does (``catalog.CommitWatch``): one cheap
        query, for caches over catalog data."""
        if self._commits is None:  # a Workspace made by hand
            self._commits = CommitWatch(self.engine)
        return self._commits.version()

    def cached(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, remembered under ``key`` until the next commit to the catalog by anyone
        (``catalog_version``, read before ``make`` runs: the value is never older than the token
        it is kept under). ``key`` names everything else the value depends on (the day, a
        role's view, ...); callers must not change what they are given."""
        return self._memo.get(key, self.catalog_version(), make)

    @contextlib.contextmanager
    def read_session(self) -> Iterator[Session]:
        """A unit of work that only reads: it never waits for a writer (nor blocks one).
        Searches, listings and checks use it; never write in it (use ``session``)."""
        with self._read_sessions.begin() as session:
            yield session

    # --- search index (derived data, kept current by the write paths) ------------------------

    def search_index(self) -> SearchIndex:
        if self._index is None:
            from docgen.archive.indexing import open_workspace_index

            with self.read_session() as session:
                self._index = open_workspace_index(self.root, session, self.settings.search_backend)
        return self._index

    def use_search_backend(self, backend: str) -> None:
        """Switch the search backend (the index must then be rebuilt)."""
        self.settings.search_backend = backend
        self.settings.check()
        self.settings.save(self.root)
        self._index = None

    def catch_up_index(self, *, block: bool = True, progress: Progress | None = None) -> int:
        """Index what the catalog journaled since the index last caught up (see
        archive.index_journal); ``block=False`` skips it when another process is at it."""
        from docgen.archive.indexing import catch_up

        return catch_up(self, block=block, progress=progress)

    def documents_added(self, documents: list[Document]) -> None:
        """Index documents just committed (called by archive.documents.document_transaction):
        their journal entries, with any other work owed."""
        if documents:
            self.catch_up_index()

    def cases_changed(self, case_nos: list[str], progress: Progress | None = None) -> None:
        """Re-index the ledger records of cases just added, imported or edited (``progress``: see
        ``archive.indexing.catch_up``)."""
        if case_nos:
            self.catch_up_index(progress=progress)

    def audit(
        self, action: str, *, target: str | None = None, detail: str | None = None, session=None
    ) -> None:
        """Append to the audit log. Callers pass identifiers and counts only, never personal data."""
        entry = AuditEntry(actor=current_user(), action=action, target=target, detail=detail)
        if session is not None:
            session.add(entry)
            return
        with self.session() as s:
            s.add(entry)


def catalog_problem(exc: BaseException) -> str:
    """The one Chinese message for a catalog database failure that is not the user's input
    (an SQLAlchemy ``DatabaseError`` or a bare ``sqlite3.DatabaseError``; no traceback): busy,
    damaged, connection lost, or another failure. The CLI's last-line handler uses it too."""
    orig = getattr(exc, "orig", None) or exc
    full = str(orig).strip()
    reason = full.splitlines()[0][:120] if full else type(orig).__name__
    low = full.lower()
    if "locked" in low or "busy" in low or getattr(orig, "sqlstate", None) == "55P03":
        return (f"案件目录数据库正忙（其他用户的写入超过 {BUSY_TIMEOUT_S:g} 秒未完成），"
                "本次操作未保存，请稍后重试")  # fmt: skip
    if any(w in low for w in ("malformed", "not a database", "disk image", "corrupt")):
        return (f"目录数据库已损坏，无法读取（{reason}）：请从备份恢复 {CATALOG_FILE}，"
                "恢复后运行 docgen verify 核验")  # fmt: skip
    if isinstance(exc, OperationalError) and "sqlite" not in type(orig).__module__:
        return (
            f"案件目录数据库连接失败或中断，本次操作未保存：{reason}"  # a server restarted or gone
        )
    return f"目录数据库操作失败（{reason}）：请稍后重试；若反复出现，请运行 docgen verify 检查"


def keep_private(root: Path) -> None:
    """Tighten this process's umask by ``PRIVATE_UMASK`` (every file it creates from now on,
    catalog, index, archive, settings, is at most 0640, every folder 0750) and take those bits
    off the workspace folder and its catalog and settings files (a few calls, no tree walk: the
    folder's mode alone keeps other users out of everything inside)."""
    os.umask(atomic.current_umask() | PRIVATE_UMASK)
    for path in (root, root / CATALOG_FILE, root / f"{CATALOG_FILE}-wal",
                 root / f"{CATALOG_FILE}-shm", root / SETTINGS_FILE):  # fmt: skip
        with contextlib.suppress(OSError):  # absent, or not ours to change
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & PRIVATE_UMASK:
                path.chmod(mode & ~PRIVATE_UMASK)


def who_can_read(root: Path) -> str:
    """One Chinese sentence: who can read the workspace's files, from its folder's mode."""
    info = root.stat()
    owner = _name(pwd.getpwuid, info.st_uid)
    group = _name(grp.getgrgid, info.st_gid)
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o007:
        return f"注意：工作区目录对所有用户开放（权限 {mode:o}），其他用户可读取其中的个人信息"
    readers = f"用户 {owner} 可读写" + (
        f"，组 {group} 的成员只可读" if mode & 0o050 == 0o050 else ""
    )
    return f"工作区的数据文件仅{readers}，其他用户无法访问（目录权限 {mode:o}）"


def _name(lookup, ident: int) -> str:  # type: ignore[no-untyped-def]
    try:
        return str(lookup(ident)[0])
    except KeyError:
        return str(ident)


#: The signed-in user of the web app for the request being served (unset in the CLI).
_acting_user: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "acting_user", default=None
)


def acting_as(name: str) -> None:
    """Audit entries (and 立卷人/填发人 defaults) of the current context name this user."""
    _acting_user.set(name)


def current_user() -> str:
    return _acting_user.get() or os.environ.get("DOCGEN_USER") or getpass.getuser()


def check_case_no(case_no: str) -> None:
    """A 案件编号 names a folder: refuse characters a file system or a path would misread."""
    if bad := caseno.problem(case_no):
        raise ValidationError(f"案件编号“{case_no[:70]}”不合规：{bad}")
