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
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from archive.catalog import create_catalog_engine, migrate
from archive.documents import recover_batches
from archive.settings import SETTINGS_FILE, Settings
from docgen import caseno
from docgen.clocks import HolidayCalendar
from docgen.errors import ValidationError, WorkspaceError
from docgen.model import AuditEntry, Case, Document

if TYPE_CHECKING:
    from index import SearchIndex

ENV_WORKSPACE = "DOCGEN_WORKSPACE"
CATALOG_FILE = "catalog.sqlite"


@dataclass
class Workspace:
    root: Path
    settings: Settings
    engine: Engine = field(repr=False)
    _sessions: sessionmaker[Session] = field(repr=False)
    _calendar: HolidayCalendar | None = field(default=None, repr=False)
    _index: SearchIndex | None = field(default=None, repr=False)

    # --- creation and discovery -------------------------------------------------------------

    @classmethod
    def init(cls, root: Path, settings: Settings) -> Workspace:
        root = root.resolve()
        if (root / SETTINGS_FILE).exists():
            raise WorkspaceError(f"{root} 已经是一个工作区")
        if root.exists() and any(root.iterdir()):
            raise WorkspaceError(f"目录 {root} 非空，请指定一个新目录或空目录")
        settings.check()
        for sub in ("archive", "index", "templates"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        settings.save(root)
        ws = cls.open(root)
        ws.audit("init", target=settings.org)
        return ws

    @classmethod
    def open(cls, root: Path) -> Workspace:
        root = root.resolve()
        settings = Settings.load(root)
        url = settings.catalog_url or f"sqlite:///{root / CATALOG_FILE}"
        engine = create_catalog_engine(url)
        migrate(engine)
        ws = cls(root, settings, engine, sessionmaker(engine, expire_on_commit=False))
        recover_batches(root, ws.session)  # file writes a crash interrupted
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
        return self.archive_dir / case_no

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
        """A unit of work: committed on success, rolled back on any exception."""
        with self._sessions.begin() as session:
            yield session

    # --- search index (derived data, kept current by the write paths) ------------------------

    def search_index(self) -> SearchIndex:
        if self._index is None:
            from archive.indexing import open_workspace_index

            with self.session() as session:
                self._index = open_workspace_index(self.root, session, self.settings.search_backend)
        return self._index

    def use_search_backend(self, backend: str) -> None:
        """Switch the search backend (the index must then be rebuilt)."""
        self.settings.search_backend = backend
        self.settings.check()
        self.settings.save(self.root)
        self._index = None

    def documents_added(self, documents: list[Document]) -> None:
        """Index documents just committed (called by archive.documents.document_transaction)."""
        if not documents:
            return
        from archive.indexing import index_documents

        ids = [d.id for d in documents]
        ix = self.search_index()
        with self.session() as session:
            docs = session.scalars(
                select(Document)
                .where(Document.id.in_(ids))
                .options(selectinload(Document.case).selectinload(Case.petitioners))
            ).all()
            index_documents(ix, self.root, docs)

    def cases_changed(self, case_nos: list[str]) -> None:
        """Re-index the ledger records of cases just added, imported or edited."""
        if not case_nos:
            return
        from archive.indexing import index_cases

        ix = self.search_index()
        with self.session() as session:
            cases = session.scalars(
                select(Case)
                .where(Case.case_no.in_(case_nos))
                .options(selectinload(Case.petitioners))
            ).all()
            index_cases(ix, cases)

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
