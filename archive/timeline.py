"""A case's timeline: its dated events, and what its status was on a given day.

Events are read from the rows that record them, so they never disagree with the case:
the case's own dates (登记, 受理, 交办, 办结), its papers (交办函 → 交办, 督办函 → 督办,
延期告知书 → 延期, 处理意见书 → 答复, 送达回证 → 送达, 领导包案通知 → 包案, 协议书 → 化解,
作废 and 更正 included), its 回访 (``case visit``, with the 回访记录 paper linked to it) and the
``CaseEvent`` rows for what nothing else records: status changes, with who and when.

``status_as_of`` answers “what was the status on D” from the status changes (the reports read
it): the last change on or before D, else the status before the first change, else today's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.ledger.parse import parse_date
from docgen.model import CURRENT, SUPERSEDED, VOID, Case, CaseEvent, Document

STATUS = "状态"
PAPER_EVENTS = {
    "交办函": "交办", "督办函": "督办", "领导包案通知": "包案", "包案会商纪要": "包案",
    "延期告知书": "延期", "处理意见书": "答复", "不予受理告知书": "答复", "受理告知书": "受理",
    "送达回证": "送达", "息诉罢访协议书": "化解", "查办报告": "查办", "回访记录": "回访",
}  # fmt: skip


@dataclass(frozen=True)
class Event:
    day: dt.date
    kind: str  # 登记 / 受理 / 交办 / 包案 / 督办 / 延期 / 答复 / 送达 / 回访 / 办结 / 化解 / 状态 …
    text: str
    who: str | None = None
    doc_no: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A date, not its ISO text: text output writes 2024年10月8日, --json writes ISO."""
        return {"日期": self.day, "事件": self.kind, "说明": self.text,
                "经办人": self.who, "文号": self.doc_no}  # fmt: skip


def current_actor() -> str:
    from docgen.archive.workspace import current_user

    return current_user()


def record_status_change(
    session: Session, case: Case, old: str | None, new: str, *,
    day: dt.date | None = None, actor: str | None = None, detail: str | None = None,
) -> CaseEvent | None:  # fmt: skip
    """Log a status change (any status string); None when the status did not change."""
    if old == new:
        return None
    event = CaseEvent(case_id=case.id, kind=STATUS, day=day or dt.date.today(), status_from=old,
                      status_to=new, actor=actor or current_actor(), detail=detail)  # fmt: skip
    session.add(event)
    return event


def record_event(
    session: Session, case: Case, kind: str, detail: str, *,
    day: dt.date | None = None, actor: str | None = None,
) -> CaseEvent:  # fmt: skip
    """Log a dated event no other row records (e.g. 包案 when the 包案领导 changes)."""
    event = CaseEvent(case_id=case.id, kind=kind, day=day or dt.date.today(), detail=detail,
                      actor=actor or current_actor())  # fmt: skip
    session.add(event)
    return event


def _served_day(doc: Document) -> dt.date | None:
    value = (doc.meta or {}).get("送达时间")
    if not value:
        return doc.doc_date
    try:
        return parse_date(str(value))
    except ValueError:
        return doc.doc_date


def case_timeline(session: Session, case: Case) -> list[Event]:
    """Every dated event of ``case``, oldest first."""
    events: list[Event] = []
    for day, kind in ((case.registered_on, "登记"), (case.accepted_on, "受理"),
                      (case.assigned_on, "交办"), (case.closed_on, "办结")):  # fmt: skip
        if day:
            events.append(Event(day, kind, f"{kind}日期"))
    if case.extension_approved and case.extended_due_on:
        events.append(Event(case.extended_due_on, "延期", "经批准延期后的办结时限"))
    docs = session.scalars(
        select(Document).where(Document.case_id == case.id, Document.state != SUPERSEDED)
    ).all()
    linked = {f.document_id for f in case.follow_ups if f.document_id}
    for d in docs:
        if d.section == 0 or d.doc_date is None or d.id in linked:
            continue
        if d.signed_of_id is not None:
            events.append(Event(d.doc_date, "签收", f"附加签字件：{d.title}"))
            continue
        kind = PAPER_EVENTS.get(d.kind, "文书")
        day = _served_day(d) if d.kind == "送达回证" else d.doc_date
        state = "（已作废：" + (d.void_reason or "") + "）" if d.state == VOID else ""
        version = f"（第{d.version}版）" if d.version > 1 and d.state == CURRENT else ""
        events.append(Event(day or d.doc_date, kind, f"{d.kind}{version}{state}", d.author,
                            d.doc_no))  # fmt: skip
    by_id = {d.id: d for d in docs}
    for f in case.follow_ups:
        paper = by_id.get(f.document_id) if f.document_id else None
        text = "回访" + "".join(f"，{v}" for v in (f.method, f.attitude) if v)
        events.append(Event(f.visited_on, "回访", text + ("，有回访记录" if paper else ""),
                            f.visitors, paper.doc_no if paper else None))  # fmt: skip
    for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)):
        if e.kind == STATUS:
            text = f"状态 {e.status_from or '—'} → {e.status_to}" + (
                f"（{e.detail}）" if e.detail else ""
            )
        else:
            text = e.detail or e.kind
        events.append(Event(e.day, e.kind, text, e.actor))
    papers = {(e.kind, e.day) for e in events if e.doc_no}
    events = [
        e
        for e in events
        if e.doc_no or not e.text.endswith("日期") or (e.kind, e.day) not in papers
    ]  # a 交办函 of that day tells the 交办 itself
    order = {k: i for i, k in enumerate(("登记", "受理", "交办", "包案", "督办", "延期"))}
    return sorted(events, key=lambda e: (e.day, order.get(e.kind, 99)))


def status_as_of(session: Session, case: Case, day: dt.date) -> str:
    """The status ``case`` had at the end of ``day``."""
    changes = session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == STATUS)
        .order_by(CaseEvent.day, CaseEvent.id)
    ).all()
    before = [c for c in changes if c.day <= day]
    if before:
        return before[-1].status_to or case.status
    if changes:
        return changes[0].status_from or case.status
    return case.status


def statuses_as_of(session: Session, day: dt.date) -> dict[str, str]:
    """``status_as_of`` for every case at once (案件编号 → status), for reports over a date."""
    out = dict(session.execute(select(Case.case_no, Case.status)).all())
    first: dict[str, str | None] = {}
    last: dict[str, str] = {}
    rows = session.execute(
        select(Case.case_no, CaseEvent.day, CaseEvent.status_from, CaseEvent.status_to)
        .join(Case, CaseEvent.case_id == Case.id)
        .where(CaseEvent.kind == STATUS)
        .order_by(CaseEvent.day, CaseEvent.id)
    ).all()  # fmt: skip
    for case_no, when, before, after in rows:
        first.setdefault(case_no, before)
        if when <= day and after:
            last[case_no] = after
    for case_no, before in first.items():
        out[case_no] = last.get(case_no) or before or out[case_no]
    return out


def _visit_day(doc: Document) -> dt.date | None:
    try:
        return parse_date(str((doc.meta or {}).get("回访日期", "")))
    except ValueError:
        return None


def link_visits(session: Session, case: Case) -> int:
    """Pair the case's 回访 (``case visit``) with its current 回访记录 papers of the same day, in
    whichever order they were recorded; → how many pairs were made."""
    session.flush()
    papers = session.scalars(
        select(Document).where(Document.case_id == case.id, Document.kind == "回访记录",
                               Document.state == CURRENT, Document.signed_of_id.is_(None))
        .order_by(Document.id)
    ).all()  # fmt: skip
    taken = {f.document_id for f in case.follow_ups if f.document_id}
    free = [(d, _visit_day(d)) for d in papers if d.id not in taken]
    linked = 0
    for visit in case.follow_ups:
        if visit.document_id is not None:
            continue
        for n, (doc, day) in enumerate(free):
            if day == visit.visited_on:
                visit.document_id = doc.id
                del free[n]
                linked += 1
                break
    return linked
