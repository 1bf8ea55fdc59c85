"""Catalog → search index: cases and stored documents become ``index.IndexDoc``s.

Text comes from the file itself: .docx through python-docx (paragraphs and tables), PDFs with a
text layer through pypdf; a scan without text is indexed by its metadata and marked so. Called
from the write paths (ledger import, case add/edit, document_transaction) and by the rebuild.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from docgen.model import Case, Document
from index import IndexDoc, SearchError, SearchIndex, open_index

log = logging.getLogger("docgen.index")

#: 信访 terms that jieba should keep whole, on top of the catalog's unit names and places.
DOMAIN_TERMS = (
    "信访", "信访人", "信访事项", "积案", "包案", "包案领导", "交办函", "督办函", "查办报告",
    "处理意见书", "答复意见书", "息诉罢访", "稳控", "回访", "送达回证", "复查", "复核",
    "拖欠工资", "社会保险", "征收补偿", "安置补助费", "维修资金", "最低生活保障",
)  # fmt: skip
REBUILD_NEEDED = "检索索引需要重建（文件已保存），请运行：docgen index rebuild"


def text_of(path: Path) -> str:
    """Plain text of a stored file ('' for images and PDFs without a text layer)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            from docx import Document as DocxDocument

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
    )


def document_doc(root: Path, doc: Document, case: Case) -> IndexDoc:
    source = root / doc.meta.get("docx", doc.path) if doc.meta else root / doc.path
    text = text_of(source)
    people = case.petitioners
    return IndexDoc(
        doc_id=f"doc:{doc.id}",
        case_no=case.case_no,
        kind=doc.kind,
        section=doc.section,
        title=doc.title,
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
    )


def dictionary_words(session: Session) -> list[str]:
    units = session.scalars(select(Case.unit).distinct()).all()
    places = session.scalars(select(Case.locality).distinct()).all()
    return [w for w in (*DOMAIN_TERMS, *units, *places) if w]


def open_workspace_index(root: Path, session: Session, backend: str) -> SearchIndex:
    return open_index(root / "index", backend=backend, dictionary_words=dictionary_words(session))


def index_cases(ix: SearchIndex, cases: Iterable[Case]) -> None:
    _safely(lambda: ix.add([case_doc(c) for c in cases]))


def index_documents(ix: SearchIndex, root: Path, docs: Iterable[Document]) -> None:
    _safely(lambda: ix.add([document_doc(root, d, d.case) for d in docs]))


def _safely(action) -> None:  # type: ignore[no-untyped-def]
    """The index is derived data: a failure to update it never undoes an archive write."""
    try:
        action()
    except SearchError as exc:
        log.warning("%s（%s）", REBUILD_NEEDED, exc.message)


def iter_all(session: Session, root: Path, batch: int = 500) -> Iterator[IndexDoc]:
    """Every case record and every stored document, lazily, in bounded batches."""
    last = 0
    while True:
        cases = session.scalars(
            select(Case)
            .where(Case.id > last)
            .order_by(Case.id)
            .limit(batch)
            .options(selectinload(Case.petitioners), selectinload(Case.documents))
        ).all()
        if not cases:
            return
        for case in cases:
            yield case_doc(case)
            for doc in case.documents:
                yield document_doc(root, doc, case)
        last = cases[-1].id
        session.expunge_all()


def count_indexable(session: Session) -> int:
    cases = session.scalar(select(func.count()).select_from(Case)) or 0
    return cases + (session.scalar(select(func.count()).select_from(Document)) or 0)


def rebuild_workspace_index(ws, progress: Callable[[int], None] | None = None) -> int:  # type: ignore[no-untyped-def]
    """Rebuild the whole index from the archive, holding the catalog write lock meanwhile.

    ``progress`` receives the number of documents done so far.
    """
    ix = ws.search_index()
    with ws.session() as session:
        return ix.rebuild(iter_all(session, ws.root), progress=progress)


def hit_dict(h: Any) -> dict[str, Any]:
    """A search hit as the CLI's --json and the web app's /api/search give it."""
    return {"案件编号": h.case_no, "题名": h.title, "类型": h.kind, "日期": h.date, "路径": h.path,
            "摘要": h.snippet, "高亮": h.highlights, "得分": round(h.score, 3)}  # fmt: skip
