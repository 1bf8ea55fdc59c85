"""Catalog → search index: cases and stored documents become ``index.IndexDoc``s.

Text comes from the file itself: .docx through python-docx (paragraphs and tables), PDFs with a
text layer through pypdf; a scan without text is indexed by its metadata and marked so.
``catch_up`` indexes what the catalog journaled (``archive.index_journal``): called by the write
paths after their commit and by ``Workspace.open`` after a crash; ``rebuild_workspace_index``
recreates the whole index.

What is indexed (``INDEXED``, one rule for rebuild, catch-up and verify's ``index_gap``): every
case record and every filed document except dossiers (their text repeats the papers bound in them)
and superseded versions of a revised paper (the current row, with the 文号 and id, holds the new
file). A voided paper stays findable, its title marked “（作废）”.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from docgen import gcpause, locks
from docgen.archive.dossier.check import DOSSIER_SECTION
from docgen.archive.index_journal import (
    GAP_WINDOW,
    applied,
    applied_state,
    awaited,
    case_key,
    document_key,
    journal_head,
    save_applied,
)
from docgen.archive.ocr_queue import ocr_text
from docgen.archive.tables import IndexJournalEntry
from docgen.index import IndexDoc, SearchError, SearchIndex, open_index
from docgen.model import SUPERSEDED, VOID, Case, Document
from docgen.safezip import check_word_zip

Progress = Callable[[int, int, str], None]  # (done, total, stage), as docgen.archive.papers's
INDEX_STAGE = "更新索引"

log = logging.getLogger("docgen.index")

#: 信访 terms that jieba should keep whole, on top of the catalog's unit names and places.
DOMAIN_TERMS = (
    "信访", "信访人", "信访事项", "积案", "包案", "包案领导", "交办函", "督办函", "查办报告",
    "处理意见书", "答复意见书", "息诉罢访", "稳控", "回访", "送达回证", "复查", "复核",
    "拖欠工资", "社会保险", "征收补偿", "安置补助费", "维修资金", "最低生活保障",
)  # fmt: skip

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace
REBUILD_NEEDED = "检索索引需要重建（文件已保存），请运行：docgen index rebuild"
#: The documents the index holds (see the module docstring).
INDEXED = (Document.section != DOSSIER_SECTION) & (Document.state != SUPERSEDED)
VOID_MARK = "（作废）"


def text_of(path: Path) -> str:
    """Plain text of a stored file ('' for images and PDFs without a text layer)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            from docx import Document as DocxDocument

            check_word_zip(path, "文件")
            doc = DocxDocument(str(path))
            parts = [p.text for p in doc.paragraphs]
            for table in doc.tables:
                for row in table.rows:
                    parts.extend(cell.text for cell in row.cells)
            return "\n".join(p for p in parts if p)
        if suffix == ".pdf":
            from pypdf import PdfReader

            return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages).strip()
    except Exception as exc:  # a damaged file must not stop the archive write
        log.warning("无法提取文件文字（%s）：%s", path.name, type(exc).__name__)
    return ""


def case_doc(case: Case) -> IndexDoc:
    """A case's ledger record as one searchable document."""
    people = case.petitioners
    text = "\n".join(
        t
        for t in (
            "、".join(p.name for p in people),
            case.form,
            case.demand,
            case.facts,
            case.unit,
            case.locality,
            case.leader_name,
            case.resolution_measures,
            case.stability_measures,
            case.remarks,
            "、".join(p.address or "" for p in people),
        )
        if t
    )
    return IndexDoc(
        doc_id=f"case:{case.case_no}",
        case_no=case.case_no,
        kind="台账",
        title=f"{case.case_no} {'、'.join(p.name for p in people)} {case.category}",
        text=text,
        date=case.registered_on or case.accepted_on,
        category=case.category or "",
        unit=case.unit or "",
        leader=case.leader_name or "",
        status=case.status or "",
        flags=tuple(case.flag_labels),
        id_numbers=tuple(p.id_number for p in people if p.id_number),
        phones=tuple(p.phone for p in people if p.phone),
        persons=tuple(p.name for p in people if p.name),
        dates=case_dates(case),
    )


def case_dates(case: Case) -> dict[str, dt.date]:
    """The case's named dates for ``--date-field`` (``archive.filters.DATE_FIELD_NAMES``)."""
    days = {"registered": case.registered_on, "accepted": case.accepted_on,
            "assigned": case.assigned_on}  # fmt: skip
    return {name: day for name, day in days.items() if day}


def document_doc(root: Path, doc: Document, case: Case) -> IndexDoc:
    source = root / doc.meta.get("docx", doc.path) if doc.meta else root / doc.path
    read = ocr_text(root / "index", doc)
    text = read if read is not None else text_of(source)
    people = case.petitioners
    return IndexDoc(
        doc_id=f"doc:{doc.id}",
        case_no=case.case_no,
        kind=doc.kind,
        section=doc.section,
        title=doc.title + (VOID_MARK if doc.state == VOID else ""),
        text=text,
        date=doc.doc_date,
        category=case.category or "",
        unit=case.unit or "",
        leader=case.leader_name or "",
        status=case.status or "",
        flags=tuple(case.flag_labels),
        doc_number=doc.doc_no or "",
        id_numbers=tuple(p.id_number for p in people if p.id_number),
        phones=tuple(p.phone for p in people if p.phone),
        path=doc.path,
        has_text=bool(text),
        ocr=read is not None,
        persons=tuple(p.name for p in people if p.name),
        dates=case_dates(case) | ({"written": doc.doc_date} if doc.doc_date else {}),
    )


def dictionary_words(session: Session) -> list[str]:
    units = session.scalars(select(Case.unit).distinct()).all()
    places = session.scalars(select(Case.locality).distinct()).all()
    return [w for w in (*DOMAIN_TERMS, *units, *places) if w]


def open_workspace_index(root: Path, session: Session, backend: str) -> SearchIndex:
    return open_index(root / "index", backend=backend, dictionary_words=dictionary_words(session))


def _reported(
    docs: Iterable[IndexDoc], total: int, progress: Progress | None
) -> Iterator[IndexDoc]:
    """``docs`` (``total`` of them) one by one, telling ``progress`` how many the index has
    taken."""
    if progress:
        progress(0, total, INDEX_STAGE)
    for done, doc in enumerate(docs, start=1):
        yield doc
        if progress:
            progress(done, total, INDEX_STAGE)


def iter_all(session: Session, root: Path, batch: int = 500) -> Iterator[IndexDoc]:
    """Every case record and every stored document, lazily, in bounded batches."""
    last = 0
    while True:
        cases = session.scalars(
            select(Case)
            .where(Case.id > last)
            .order_by(Case.id)
            .limit(batch)
            .options(selectinload(Case.petitioners))
        ).all()
        if not cases:
            return
        docs = session.scalars(
            select(Document)
            .where(Document.case_id.in_([c.id for c in cases]), INDEXED)
            .order_by(Document.id)
        ).all()
        by_case: dict[int, list[Document]] = {}
        for doc in docs:
            by_case.setdefault(doc.case_id, []).append(doc)
        for case in cases:
            yield case_doc(case)
            for doc in by_case.get(case.id, []):
                yield document_doc(root, doc, case)
        last = cases[-1].id
        session.expunge_all()


def count_indexable(session: Session) -> int:
    cases = session.scalar(select(func.count()).select_from(Case)) or 0
    return cases + (session.scalar(select(func.count()).select_from(Document).where(INDEXED)) or 0)


def rebuild_workspace_index(ws: Workspace, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the archive, holding the catalog write lock meanwhile.

    ``progress`` receives the number of documents done so far.
    """
    ix = ws.search_index()
    with _catch_up_lock(ws, block=True), ws.session() as session:
        last = journal_head(session)
        present = session.scalars(
            select(IndexJournalEntry.id).where(IndexJournalEntry.id > last - GAP_WINDOW)
        ).all()
        done = ix.rebuild(iter_all(session, ws.root), progress=progress)
        # the rebuild read everything committed up to ``last``; ids missing below it may commit late
        save_applied(ws, last, awaited(last, (), 0, present))
        return done


# --- the journal of index work owed (issue: a crash between commit and indexing) ---------------
#
# Every catalog session notes, in its own transaction, which case records and documents it
# changed (``journal_changes``, an ``after_flush`` hook). ``catch_up`` indexes what was journaled
# after the id the index folder records in JOURNAL_STATE, then records the new id. Writers call
# it right after their commit; ``Workspace.open`` calls it without waiting when the catalog's
# journal is ahead of the index (one indexed ``max(id)`` query and one small file read), so a
# crash between a commit and its indexing is repaired by the next command.

CATCH_UP_LOCK = ".catch-up.lock"  # in the index folder: held while catching up
CATCH_UP_BATCH = 500  # records loaded, built and let go at a time while catching up
PRUNE_EVERY = 1000  # a writer drops caught-up journal rows each time this many more are applied


@contextlib.contextmanager
def _catch_up_lock(ws: Workspace, *, block: bool) -> Iterator[bool]:
    ws.index_dir.mkdir(parents=True, exist_ok=True)
    path = ws.index_dir / CATCH_UP_LOCK
    if block:
        with locks.exclusive(path):
            yield True
        return
    with locks.try_exclusive(path) as held:
        yield held  # False: another process is catching up (and will do this work too)


def catch_up(ws: Workspace, *, block: bool = True, progress: Progress | None = None) -> int:
    """Index every case record and document journaled since the index last caught up (add what
    the catalog holds, delete what it no longer does); → how many entries were applied.
    ``block=False``: return at once when another process is catching up. ``progress(done,
    total, "更新索引")`` follows the records as the index takes them."""
    with _catch_up_lock(ws, block=block) as locked:
        if not locked:
            return 0
        start, gaps = applied_state(ws)
        with ws.read_session() as session:
            rows = session.execute(
                select(IndexJournalEntry.id, IndexJournalEntry.doc_id)
                .where((IndexJournalEntry.id > start) | IndexJournalEntry.id.in_(gaps))
                .order_by(IndexJournalEntry.id)
            ).all()
            if not rows:
                return 0
            keys = {k for _, k in rows}
            case_nos = {k.removeprefix("case:") for k in keys if k.startswith("case:")}
            doc_ids = {int(k.removeprefix("doc:")) for k in keys if k.startswith("doc:")}
            held_cases = _in_chunks(session, select(Case.case_no), Case.case_no, sorted(case_nos))
            held_docs = _in_chunks(
                session, select(Document.id).where(INDEXED), Document.id, sorted(doc_ids)
            )
        loaded_cases: set[str] = set()
        loaded_docs: set[int] = set()
        try:
            ix = ws.search_index()
            if held_cases or held_docs:
                with ws.read_session() as session, gcpause.paused():  # see gcpause
                    found = _journaled(
                        session, ws.root, held_cases, held_docs, loaded_cases, loaded_docs
                    )
                    ix.add(_reported(found, len(held_cases) + len(held_docs), progress))
            gone_docs = [document_key(i) for i in sorted(doc_ids - loaded_docs)]
            if gone_docs:
                ix.delete(gone_docs)
            for case_no in sorted(case_nos - loaded_cases):
                ix.delete_case(case_no)
        except SearchError as exc:  # derived data: a failure never undoes an archive write
            log.warning("%s（%s）", REBUILD_NEEDED, exc.message)
            return 0
        head = max(start, rows[-1][0])
        save_applied(ws, head, awaited(head, gaps, start, [i for i, _ in rows]))
    if block and start // PRUNE_EVERY != head // PRUNE_EVERY:
        prune_journal(ws)
    return len(rows)


def _in_chunks(session: Session, query: Any, column: Any, values: list[Any]) -> list[Any]:
    """``query``'s values whose ``column`` is one of ``values``, asked ``CATCH_UP_BATCH`` at a
    time (a bound number of parameters however many were journaled), in ``values``' order."""
    found: set[Any] = set()
    for start in range(0, len(values), CATCH_UP_BATCH):
        found.update(
            session.scalars(query.where(column.in_(values[start : start + CATCH_UP_BATCH])))
        )
    return [v for v in values if v in found]


def _journaled(
    session: Session,
    root: Path,
    case_nos: list[str],
    doc_ids: list[int],
    loaded_cases: set[str],
    loaded_docs: set[int],
) -> Iterator[IndexDoc]:
    """The index documents of ``case_nos`` and ``doc_ids`` (in that order), loaded
    ``CATCH_UP_BATCH`` at a time and let go once built, so memory stays flat however many
    were journaled; what was found is noted in ``loaded_cases``/``loaded_docs`` (the rest was
    deleted meanwhile)."""
    for start in range(0, len(case_nos), CATCH_UP_BATCH):
        cases = session.scalars(
            select(Case)
            .where(Case.case_no.in_(case_nos[start : start + CATCH_UP_BATCH]))
            .order_by(Case.case_no)
            .options(selectinload(Case.petitioners))
        ).all()
        built = [case_doc(c) for c in cases]
        loaded_cases.update(c.case_no for c in cases)
        del cases
        session.expunge_all()
        yield from built
    for start in range(0, len(doc_ids), CATCH_UP_BATCH):
        docs = session.scalars(
            select(Document)
            .where(Document.id.in_(doc_ids[start : start + CATCH_UP_BATCH]), INDEXED)
            .order_by(Document.id)
            .options(selectinload(Document.case).selectinload(Case.petitioners))
        ).all()
        built = [document_doc(root, d, d.case) for d in docs]
        loaded_docs.update(d.id for d in docs)
        del docs
        session.expunge_all()
        yield from built


def prune_journal(ws: Workspace) -> None:
    """Drop journal rows the index has caught up with, below the window where late-committing
    entries are still awaited (a writer's short transaction)."""
    done = applied(ws) - GAP_WINDOW
    if done > 0:
        with ws.session() as session:
            session.execute(delete(IndexJournalEntry).where(IndexJournalEntry.id <= done))


def index_gap(ws: Workspace) -> tuple[list[str], list[str]]:
    """(catalog entries missing from the index, index entries the catalog no longer has)."""
    with ws.read_session() as session:
        wanted = {case_key(n) for n in session.scalars(select(Case.case_no))}
        wanted |= {document_key(i) for i in session.scalars(select(Document.id).where(INDEXED))}
    held = set(ws.search_index().doc_ids())
    return sorted(wanted - held), sorted(held - wanted)


def hit_dict(h: Any) -> dict[str, Any]:
    """A search hit as the CLI's --json and the web app's /api/search give it."""
    return {"案件编号": h.case_no, "题名": h.title, "类型": h.kind, "日期": h.date, "路径": h.path,
            "摘要": h.snippet, "高亮": h.highlights, "得分": round(h.score, 3)}  # fmt: skip
