"""The life of an issued paper: current papers of a case, void, the 文号 register (发文登记簿),
signed copies, and the date rules a paper's 成文日期 must keep with its case.

A paper is ``current`` until it is revised (the earlier file stays as a ``superseded`` row,
the current row keeps the 文号) or voided (``void``: the row keeps its 文号, so the number is
never issued again). Every check and the dossier read current papers only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from docgen.archive.tables import ReportNumber
from docgen.clocks import HolidayCalendar, handling_deadline
from docgen.errors import NotFoundError, ValidationError
from docgen.model import CURRENT, VOID, Case, Document
from docgen.papers.registry import PaperType, find_type, kinds_where

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace
_DOC_NO = re.compile(r"^(?P<code>.*)〔(?P<year>\d{4})〕(?P<n>\d+)号$")


def served_by(session: Session, doc: Document) -> Document | None:
    """The current 送达回证 of the case recording that ``doc`` was served (its 送达文书 names the
    paper or its 文号, and it has a 送达时间), if any: a served paper is no longer corrected."""
    receipts = session.scalars(
        select(Document).where(Document.case_id == doc.case_id, Document.kind.in_(kinds_where("service_receipt")),
                               Document.state == CURRENT)
    ).all()  # fmt: skip
    for r in receipts:
        meta = r.meta or {}
        served = str(meta.get("送达文书", ""))
        if meta.get("送达时间") and (doc.kind in served or (doc.doc_no and doc.doc_no in served)):
            return r
    return None


def split_doc_no(doc_no: str) -> tuple[str, int, int] | None:
    """某信交〔2024〕5号 → ("某信交", 2024, 5); None for a number of another shape."""
    m = _DOC_NO.match(doc_no)
    return (m["code"], int(m["year"]), int(m["n"])) if m else None


def current_papers(session: Session, case: Case, kind: str) -> list[Document]:
    """The case's current documents of ``kind`` that are papers of its own (not signed copies)."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.case_id == case.id, Document.kind == kind,
                   Document.state == CURRENT, Document.signed_of_id.is_(None))
            .order_by(Document.id)
        )
    )  # fmt: skip


def refuse_remake(session: Session, case: Case, kind: str) -> None:
    """Refuse a second current paper of ``kind`` for ``case``, naming the one it has."""
    existing = current_papers(session, case, kind)
    if existing:
        names = "、".join(paper_ref(d) for d in existing)
        ref = paper_ref(existing[-1])
        raise ValidationError(
            f"案件 {case.case_no} 已有{kind}：{names}。更正请用 docgen paper revise {ref}，"
            f"作废请用 docgen paper void {ref} --reason 原因，确需再发一份请加 --new",
            code="paper_exists",
        )


def cases_with_current(session: Session, kind: str) -> set[int]:
    """Ids of the cases that already have a current paper of ``kind`` (for batches)."""
    return set(
        session.scalars(
            select(Document.case_id).where(
                Document.kind == kind, Document.state == CURRENT, Document.signed_of_id.is_(None)
            )
        )
    )


_DOC_ID = re.compile(r"^(?:文档)?(\d+)$")


def paper_ref(doc: Document) -> str:
    """How a clerk names a paper: its 文号, or “文档N” for a paper without one (送达回证 …)."""
    return doc.doc_no or f"文档{doc.id}"


def get_issued(session: Session, ref: str) -> Document:
    """The paper named ``ref`` — its 文号, or “文档N” for one without — NotFoundError otherwise."""
    ref = ref.strip()
    doc = session.scalar(
        select(Document).where(Document.doc_no == ref).options(selectinload(Document.case))
    )
    if doc is None and (m := _DOC_ID.match(ref)):
        doc = session.get(Document, int(m[1]))
        if doc is not None and (doc.signed_of_id or doc.state == "superseded" or doc.section == 0):
            doc = None
    if doc is None:
        raise NotFoundError(
            f"文号“{ref}”不存在（可用 docgen numbers 查看发文登记；无文号的文书写作 文档N）"
        )
    return doc


def void_paper(ws: Workspace, ref: str, reason: str) -> Document:
    """作废: the paper stays in the catalog and the register with its number and reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("作废须说明原因：--reason 原因")
    with ws.session() as session:
        doc = get_issued(session, ref)
        doc_no = paper_ref(doc)
        if doc.state == VOID:
            raise ValidationError(f"{doc_no} 已作废（原因：{doc.void_reason}），不能再次作废")
        doc.state = VOID
        doc.void_reason = reason
        ws.audit("paper-void", target=doc.case.case_no, detail=f"{doc.kind} {doc_no}：{reason}",
                 session=session)  # fmt: skip
        session.flush()
        session.expunge(doc)
    return doc


@dataclass(frozen=True)
class RegisterRow:
    doc_no: str
    date: dt.date | None
    kind: str
    title: str
    case_no: str
    state: str  # 有效 / 已更正 / 作废
    reason: str | None
    version: int

    def as_dict(self) -> dict[str, Any]:
        return {"文号": self.doc_no, "成文日期": self.date.isoformat() if self.date else None,
                "文书": self.kind, "题名": self.title, "案件编号": self.case_no,
                "状态": self.state, "作废原因": self.reason, "版本": self.version}  # fmt: skip


def register_state(doc: Document) -> str:
    if doc.state == VOID:
        return "作废"
    return "已更正" if doc.version > 1 else "有效"


def doc_register(
    session: Session, *, code: str | None = None, year: int | None = None
) -> list[RegisterRow]:
    """The 文号 register (发文登记簿) in number order: 代字, then year, then sequence number."""
    rows = session.execute(
        select(Document, Case.case_no).join(Case, Document.case_id == Case.id)
        .where(Document.doc_no.is_not(None), Document.signed_of_id.is_(None))
    ).all()  # fmt: skip
    out = []
    for doc, case_no in rows:
        parts = split_doc_no(doc.doc_no)
        if code is not None and (parts is None or parts[0] != code):
            continue
        if year is not None and (parts is None or parts[1] != year):
            continue
        key = parts if parts else (doc.doc_no, 0, 0)
        out.append((key, RegisterRow(doc.doc_no, doc.doc_date, doc.kind, doc.title, case_no,
                                     register_state(doc), doc.void_reason, doc.version)))  # fmt: skip
    for rep in session.scalars(select(ReportNumber)):  # reports to the 联席办: no case
        parts = split_doc_no(rep.doc_no)
        if (code is not None and (parts is None or parts[0] != code)) or (
            year is not None and (parts is None or parts[1] != year)
        ):
            continue
        out.append((parts or (rep.doc_no, 0, 0), RegisterRow(
            rep.doc_no, rep.doc_date, rep.kind, rep.title, "", "有效", None, rep.made)))  # fmt: skip
    return [row for _key, row in sorted(out, key=lambda item: item[0])]


def date_problems(
    case: Case, kind: str | PaperType, day: dt.date, calendar: HolidayCalendar
) -> list[str]:
    """Why ``day`` cannot be the 成文日期 of a ``kind`` paper of ``case`` (empty: it can). The
    rules follow the type's declared properties (``before_acceptance``, ``extension``, ``reply``)."""
    paper = kind if isinstance(kind, PaperType) else find_type(kind)
    if paper is None:
        return []
    problems = []
    if case.accepted_on and day < case.accepted_on and not paper.before_acceptance:
        problems.append(f"成文日期 {day:%Y-%m-%d} 早于受理日期 {case.accepted_on:%Y-%m-%d}")
    if paper.extension and case.accepted_on:
        original = case.due_on or handling_deadline(calendar, case.accepted_on)
        if day > original:
            problems.append(
                f"{paper.name}的成文日期 {day:%Y-%m-%d} 晚于原办结时限 {original:%Y-%m-%d}"
                "（延期须在期限届满前告知）"
            )
    if paper.reply and case.closed_on and day > case.closed_on:
        problems.append(f"答复的成文日期 {day:%Y-%m-%d} 晚于办结日期 {case.closed_on:%Y-%m-%d}")
    return problems
