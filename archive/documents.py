"""Storing a case's files: new files + their catalog rows, committed together or not at all.

    with document_transaction(ws) as txn:
        tmp = txn.files.add(ws.case_dir(case_no) / "交办函.pdf")   # a temporary path to write
        write_the_pdf(tmp)
        txn.record(case, tmp, NewDocument(section=2, kind="交办函", title="..."))

Inside the block the files exist only as temporary siblings. When the block ends normally they
are renamed into place, the catalog rows are committed, and the search index is told. On any
error (or if the commit fails) the temporary and already-renamed files are removed and a file
that was replaced is restored, so no half-written file and no catalog row are left behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from archive import atomic
from docgen.model import Case, Document


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


class FileBatch:
    """Files that appear in their folders together, or not at all."""

    def __init__(self) -> None:
        self._pending: dict[Path, Path] = {}  # final path → temporary path
        self._published: list[Path] = []
        self._backups: dict[Path, Path] = {}  # final path → backup of the file it replaced

    def add(self, final: Path) -> Path:
        """Reserve ``final`` and return the temporary path to write its content to."""
        tmp = atomic.reserve_temp(final)
        self._pending[final] = tmp
        return tmp

    def temp_for(self, final: Path) -> Path:
        return self._pending[final]

    def final_for(self, written: Path) -> Path:
        """The final path of a reserved temporary path (``written`` itself if not reserved)."""
        return next((f for f, t in self._pending.items() if t == written), written)

    def publish(self) -> None:
        for final, tmp in self._pending.items():
            if final.exists():
                backup = final.with_name(f".{final.name}.bak")
                final.replace(backup)
                self._backups[final] = backup
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

    def finish(self) -> None:
        for backup in self._backups.values():
            backup.unlink(missing_ok=True)
        self._backups.clear()


@dataclass
class DocumentTransaction:
    session: Session
    files: FileBatch
    root: Path
    added: list[Document] = field(default_factory=list)

    def record(self, case: Case, written: Path, new: NewDocument) -> Document:
        """Catalog a file written to ``files.add(final)``'s temporary path (or already final)."""
        final = self.files.final_for(written)
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
            meta=new.meta,
        )
        self.session.add(doc)
        self.added.append(doc)
        return doc


@contextlib.contextmanager
def document_transaction(ws: Any) -> Iterator[DocumentTransaction]:
    """See the module docstring. ``ws`` is an ``archive.workspace.Workspace``."""
    batch = FileBatch()
    try:
        with ws.session() as session:
            txn = DocumentTransaction(session, batch, ws.root)
            yield txn
            session.flush()
            batch.publish()
    except BaseException:
        batch.undo()
        raise
    batch.finish()
    ws.documents_added(txn.added)
