"""Storing a case's files: new files + their catalog rows, committed together or not at all.

    with document_transaction(ws) as txn:
        tmp = txn.files.add(ws.case_dir(case_no) / "交办函.pdf")   # a temporary path to write
        write_the_pdf(tmp)
        txn.record(case, tmp, NewDocument(section=2, kind="交办函", title="..."))

Inside the block the files exist only as temporary siblings. When the block ends normally they
are renamed into place, the catalog rows are committed, and the search index is told. On any
error (or if the commit fails) the temporary and already-renamed files are removed and a file
that was replaced is restored, so no half-written file and no catalog row are left behind.

A crash (power cut, ``kill -9``) cannot run that clean-up, so each batch keeps a journal in
``<root>/.pending/`` while it lives; the next ``Workspace.open`` finishes any batch whose process
died: back to the previous files when its rows did not commit, forward when they did.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from docgen import atomic, locks
from docgen.archive import index_journal
from docgen.archive.faults import crash_point
from docgen.archive.tables import FileBatchMark
from docgen.model import DOCX_SHA256, Case, Document, utcnow

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace


@dataclass
class NewDocument:
    section: int  # 六有 section 1–6
    kind: str  # paper type or attachment kind
    title: str  # 题名
    doc_no: str | None = None  # 文号
    author: str | None = None  # 责任者
    doc_date: dt.date | None = None
    pages: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


PENDING_DIR = ".pending"  # under the workspace root: journals of the file batches in flight
SCRATCH_PREFIX = "scratch-"
BUILDING_PREFIX = ".new-scratch-"  # a scratch folder before its lock is held
BUILDING_KEPT = dt.timedelta(hours=1)  # an unlocked one older than this was left by a crash
log = logging.getLogger("docgen.recovery")
MARK_KEPT = dt.timedelta(days=7)  # how long a committed batch keeps its FileBatchMark


class FileBatch:
    """Files that appear in their folders together, or not at all, even across a crash.

    With a journal folder, a live batch holds an exclusive lock on ``<token>.lock`` there and
    keeps ``<token>.json`` listing its temporary files and, before the first rename, every
    rename it is about to make. A batch whose process died (its lock is free) is finished by
    ``recover_batches``: rolled forward if the catalog holds its ``FileBatchMark`` (written in
    the same transaction as its rows), else rolled back, so the previous files come back.
    """

    def __init__(self, journal_dir: Path | None = None) -> None:
        self.token = uuid.uuid4().hex
        self._journal_dir = journal_dir
        self._lock: contextlib.ExitStack | None = None  # holds the journal's lock
        self._pending: dict[Path, Path] = {}  # final path → temporary path
        self._published: list[Path] = []
        self._backups: dict[Path, Path] = {}  # final path → backup of the file it replaced

    def add(self, final: Path) -> Path:
        """Reserve ``final`` and return the temporary path to write its content to."""
        return self.add_many([final])[0]

    def add_many(self, finals: list[Path]) -> list[Path]:
        """``add`` for several files with one journal write (the journal names every temporary
        path before any of them exists, as with ``add``)."""
        tags = []
        for final in finals:
            tags.append(f"{self.token}-{len(self._pending)}")
            self._pending[final] = atomic.temp_name(final, tags[-1])
        self._journal({})
        return [
            atomic.reserve_temp(final, tag=tag) for final, tag in zip(finals, tags, strict=True)
        ]

    def temp_for(self, final: Path) -> Path:
        return self._pending[final]

    def written(self, final: Path) -> Path:
        """Where ``final``'s content is now: its temporary path while pending, else itself."""
        return self._pending.get(final, final)

    def final_for(self, written: Path) -> Path:
        """The final path of a reserved temporary path (``written`` itself if not reserved)."""
        return next((f for f, t in self._pending.items() if t == written), written)

    def publish(self) -> None:
        backups = {final: final.with_name(f".{final.name}.{self.token}.bak")
                   for final in self._pending if final.exists()}  # fmt: skip
        self._journal(backups, publishing=True)
        for final, tmp in self._pending.items():
            if final in backups:
                final.replace(backups[final])
                self._backups[final] = backups[final]
                crash_point("publish-after-backup")
            atomic.publish(tmp, final)
            self._published.append(final)
        self._pending.clear()

    def undo(self) -> None:
        for tmp in self._pending.values():
            tmp.unlink(missing_ok=True)
        for final in self._published:
            final.unlink(missing_ok=True)
        for final, backup in self._backups.items():
            backup.replace(final)
        self._pending.clear()
        self._published.clear()
        self._backups.clear()
        self._close_journal()

    def finish(self) -> None:
        for backup in self._backups.values():
            backup.unlink(missing_ok=True)
        self._backups.clear()
        self._close_journal()

    # --- the journal ------------------------------------------------------------------------

    def _journal(self, backups: dict[Path, Path], *, publishing: bool = False) -> None:
        if self._journal_dir is None:
            return
        if self._lock is None:
            self._journal_dir.mkdir(parents=True, exist_ok=True)
            self._lock = contextlib.ExitStack()
            self._lock.enter_context(locks.exclusive(self._journal_dir / f"{self.token}.lock"))
        root = self._journal_dir.parent
        moves = [{"final": _relative(final, root), "tmp": _relative(tmp, root),
                  "backup": _relative(backups[final], root) if final in backups else None}
                 for final, tmp in self._pending.items()]  # fmt: skip
        record = {"token": self.token, "publishing": publishing, "moves": moves}
        atomic.write_text(self._journal_dir / f"{self.token}.json", json.dumps(record))

    def _close_journal(self) -> None:
        if self._lock is None:
            return
        assert self._journal_dir is not None
        (self._journal_dir / f"{self.token}.json").unlink(missing_ok=True)
        (self._journal_dir / f"{self.token}.lock").unlink(missing_ok=True)
        self._lock.close()  # releases the lock, after the files are gone
        self._lock = None


@dataclass
class DocumentTransaction:
    session: Session
    files: FileBatch
    root: Path
    added: list[Document] = field(default_factory=list)

    def record(self, case: Case, written: Path, new: NewDocument) -> Document:
        """Catalog a file written to ``files.add(final)``'s temporary path (or already final)."""
        final = self.files.final_for(written)
        meta = dict(new.meta)
        if meta.get("docx") and DOCX_SHA256 not in meta:  # the editable .docx beside a paper
            meta[DOCX_SHA256] = sha256_file(self.files.written(self.root / meta["docx"]))
        doc = Document(
            case=case,
            section=new.section,
            kind=new.kind,
            doc_no=new.doc_no,
            title=new.title,
            author=new.author,
            doc_date=new.doc_date,
            pages=new.pages,
            sha256=sha256_file(written),
            path=final.resolve().relative_to(self.root).as_posix(),
            meta=meta,
        )
        self.session.add(doc)
        self.added.append(doc)
        return doc


@contextlib.contextmanager
def file_transaction(ws: Workspace) -> Iterator[tuple[Session, FileBatch]]:
    """A catalog session and a journaled ``FileBatch`` that commit together: the files are
    renamed into place just before the commit, put back if it fails, and a crash anywhere is
    finished by ``recover_batches`` on the next start. ``ws``: an ``archive.workspace.Workspace``.
    """
    batch = FileBatch(ws.root / PENDING_DIR)
    try:
        with ws.session() as session:
            yield session, batch
            session.add(FileBatchMark(token=batch.token))
            # Marks only matter until recovery has run, which every Workspace.open does first.
            session.execute(delete(FileBatchMark).where(FileBatchMark.at < utcnow() - MARK_KEPT))
            session.flush()
            batch.publish()
            crash_point("publish-before-commit")
    except BaseException:
        batch.undo()
        raise
    crash_point("commit-before-finish")
    batch.finish()


@contextlib.contextmanager
def document_transaction(ws: Workspace, *, index: bool = True) -> Iterator[DocumentTransaction]:
    """See the module docstring. ``index=False`` leaves the search index alone (the dossier
    repeats text its items already index)."""
    with index_journal.writing(ws):
        with file_transaction(ws) as (session, batch):
            txn = DocumentTransaction(session, batch, ws.root)
            yield txn
        if index:
            ws.documents_added(txn.added)


@contextlib.contextmanager
def scratch_dir(ws: Workspace) -> Iterator[Path]:
    """A private folder for intermediate files (on the workspace's file system, so they can be
    hard-linked into place), removed at the end; one whose process was killed is removed by
    the next ``recover_batches`` (its lock is free then)."""
    folder = ws.root / PENDING_DIR
    folder.mkdir(parents=True, exist_ok=True)
    # Made under a name recovery does not sweep, locked, and only then renamed to scratch-*:
    # a sweeper never sees a scratch folder whose lock is not yet held (issue 19, item 15).
    building = Path(tempfile.mkdtemp(prefix=BUILDING_PREFIX, dir=folder))
    with locks.exclusive(building / ".lock"):
        path = folder / (SCRATCH_PREFIX + building.name.removeprefix(BUILDING_PREFIX))
        building.rename(path)
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)


# --- crash recovery --------------------------------------------------------------------------


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def recover_batches(root: Path, session_scope: Any) -> int:
    """Finish the file batches whose process died; → how many. ``session_scope`` is the
    workspace's ``session`` (a context manager yielding a committed-on-exit session)."""
    folder = root / PENDING_DIR
    if not folder.is_dir():
        return 0
    done = 0
    for scratch in folder.glob(f"{SCRATCH_PREFIX}*"):
        with contextlib.suppress(OSError), locks.try_exclusive(scratch / ".lock") as free:
            if free:  # its process is gone
                shutil.rmtree(scratch, ignore_errors=True)
    stale = time.time() - BUILDING_KEPT.total_seconds()
    for building in folder.glob(f"{BUILDING_PREFIX}*"):  # killed between mkdtemp and rename
        with contextlib.suppress(OSError):
            if building.stat().st_mtime < stale:
                shutil.rmtree(building, ignore_errors=True)
    for journal in sorted(folder.glob("*.json")):
        lock_path = journal.with_suffix(".lock")
        with locks.try_exclusive(lock_path) as free:
            if not free:
                continue  # alive: its process still holds the lock
            if journal.exists():
                record = _read_journal(journal)
                if record is None:
                    continue
                with session_scope() as session:
                    committed = session.get(FileBatchMark, record["token"]) is not None
                _finish_batch(root, record, committed)
                journal.unlink()
                done += 1
            lock_path.unlink(missing_ok=True)
    return done


def _read_journal(journal: Path) -> dict[str, Any] | None:
    """A journal's record, or None (with a warning naming the file) when it cannot be read: the
    files it would list are left for a person to check, and every command still works."""
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
        if isinstance(record, dict) and {"token", "publishing", "moves"} <= record.keys():
            return record
        problem = "内容不完整"
    except (OSError, ValueError) as exc:
        problem = type(exc).__name__
    log.warning(
        "中断写入的日志 %s 无法读取（%s），未自动恢复：请核对后删除该文件", journal, problem
    )
    return None


def _finish_batch(root: Path, record: dict[str, Any], committed: bool) -> None:
    """Roll an interrupted batch forward (its rows committed) or back (they did not)."""
    for move in reversed(record["moves"]):
        final, tmp = root / move["final"], root / move["tmp"]
        backup = root / move["backup"] if move["backup"] else None
        if committed:
            tmp.unlink(missing_ok=True)
            if backup is not None:
                backup.unlink(missing_ok=True)
            continue
        if tmp.exists():
            tmp.unlink()  # never renamed into place
        elif record["publishing"] and backup is None:
            final.unlink(missing_ok=True)  # a new file whose rows never committed
        if backup is not None and backup.exists():
            backup.replace(final)  # the previous file comes back
