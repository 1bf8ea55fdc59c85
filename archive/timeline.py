"""A case's timeline: its dated events, and what its status was on a given day.

Events are read from the rows that record them, so they never disagree with the case:
the case's own dates (登记, 受理, 交办, 办结), its papers (交办函 → 交办, 督办函 → 督办,
延期告知书 → 延期, 处理意见书 → 答复, 送达回证 → 送达, 领导包案通知 → 包案, 协议书 → 化解,
作废 and 更正 included), its 回访 (``case visit``, with the 回访记录 paper linked to it) and the
``CaseEvent`` rows for what nothing else records: status changes, with who and when.

``status_as_of`` answers “what was the status on D” from the status changes (the reports read
it): the last change on or before D, else the status before the first change, else today's
(a case imported as closed with a later 办结日期 was 办理中 before it). One query with an index on
(case, kind, day, id) answers it for every case: a seek in the index and one row read per case,
however many events each has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, inspect, select
from sqlalchemy.orm import Session, aliased

from docgen.model import CURRENT, SUPERSEDED, VOID, Case, CaseEvent, Document
from docgen.papers.registry import find_type, kinds_where
from docgen.vocab import CLOSED_STATUSES

STATUS = "状态"
OPEN_STATUS = "办理中"  # what a case closed later was on an earlier day (see _as_of)


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


def _recorded_day(text: str) -> dt.date:
    """A date a clerk wrote on a paper, read by the ledger's rules (loaded only when there is
    one: the ledger's parsing costs a command that reads none 0.01 s)."""
    from docgen.ledger.parse import parse_date

    return parse_date(text)


def _served_day(doc: Document) -> dt.date | None:
    value = (doc.meta or {}).get("送达时间")
    if not value:
        return doc.doc_date
    try:
        return _recorded_day(str(value))
    except ValueError:
        return doc.doc_date


def case_timeline(session: Session, case: Case) -> list[Event]:
    """Every dated event of ``case``, oldest first. A case read with its documents and events
    (``get_case(full=True)``) is told from them; else they are queried."""
    events: list[Event] = []
    for day, kind in ((case.registered_on, "登记"), (case.accepted_on, "受理"),
                      (case.assigned_on, "交办"), (case.closed_on, "办结")):  # fmt: skip
        if day:
            events.append(Event(day, kind, f"{kind}日期"))
    if case.extension_approved and case.extended_due_on:
        events.append(Event(case.extended_due_on, "延期", "经批准延期后的办结时限"))
    loaded = inspect(case).unloaded.isdisjoint({"documents", "events"})  # get_case(full=True)
    if loaded:
        docs = sorted((d for d in case.documents if d.state != SUPERSEDED), key=lambda d: d.id)
    else:
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
        declared = find_type(d.kind)
        kind = (declared.event if declared else "") or "文书"
        day = _served_day(d) if declared and declared.service_receipt else d.doc_date
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
    logged = (
        sorted(case.events, key=lambda e: e.id)
        if loaded
        else session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
    )
    for e in logged:
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


def _deciding(day: dt.date, column, *, after: bool):  # type: ignore[no-untyped-def]
    """``column`` of the status change that decides a case's status on ``day`` — its last change
    on or before the day, or its first after it — as a subquery correlated to ``Case``: one seek
    in the ``ix_case_events_status`` index per case, however many events a case has."""
    order = (CaseEvent.day, CaseEvent.id) if after else (CaseEvent.day.desc(), CaseEvent.id.desc())
    when = CaseEvent.day > day if after else CaseEvent.day <= day
    return (
        select(column)
        .where(CaseEvent.case_id == Case.id, CaseEvent.kind == STATUS, when)
        .order_by(*order)
        .limit(1)
        .correlate(Case)
        .scalar_subquery()
    )


def _as_of(
    day: dt.date, status: str, closed_on: dt.date | None, last: str | None, first: str | None,
    has_changes: bool,
) -> str:  # fmt: skip
    """The rule of ``status_as_of``: the last change on or before ``day``, else the status before
    the first change after it, else today's status — except that a case closed (办结/化解) on a
    later 办结日期 with no recorded change (a ledger import) was still 办理中 on ``day``."""
    if last:
        return last
    if has_changes:
        return first or status
    if status in CLOSED_STATUSES and closed_on is not None and closed_on > day:
        return OPEN_STATUS
    return status


def statuses_as_of(
    session: Session, day: dt.date, case_ids: Iterable[int] | None = None
) -> dict[str, str]:
    """``status_as_of`` for every case at once (案件编号 → status), for reports over a date."""
    return {case_no: s for (_id, case_no), s in status_rows_as_of(session, day, case_ids).items()}


def status_rows_as_of(
    session: Session, day: dt.date, case_ids: Iterable[int] | None = None
) -> dict[tuple[int, str], str]:
    """(case id, 案件编号) → the status on ``day``, in one query: per case, the id of the change
    that decides (its last on or before the day, else its first after it: the second seek only
    for a case with none before) from the index alone, then that one change's row by its key.
    So the work per case is the same however many events it has, but for the index's depth."""
    change = aliased(CaseEvent)
    deciding = func.coalesce(
        _deciding(day, CaseEvent.id, after=False), _deciding(day, CaseEvent.id, after=True)
    )
    on_or_before = change.day <= day
    stmt = select(
        Case.id, Case.case_no, Case.status, Case.closed_on, change.id,
        case((on_or_before, change.status_to)), case((on_or_before, None), else_=change.status_from),
    ).outerjoin(change, change.id == deciding)  # fmt: skip
    if case_ids is not None:
        stmt = stmt.where(Case.id.in_(list(case_ids)))
    out: dict[tuple[int, str], str] = {}
    unsure = []  # a last change that names no status (nothing writes one): the rule needs more
    for cid, case_no, status, closed_on, change_id, to, before in session.execute(stmt):
        if to or change_id is None or before is not None:
            out[(cid, case_no)] = _as_of(day, status, closed_on, to, before, change_id is not None)
        else:
            unsure.append((cid, case_no, status, closed_on, to))
    if unsure:
        later = {cid: (first, n) for cid, first, n in session.execute(select(
            Case.id, _deciding(day, CaseEvent.status_from, after=True),
            _deciding(day, CaseEvent.id, after=True),
        ).where(Case.id.in_([u[0] for u in unsure])))}  # fmt: skip
        for cid, case_no, status, closed_on, to in unsure:
            first, n = later.get(cid, (None, None))
            has = to is not None or n is not None
            out[(cid, case_no)] = _as_of(day, status, closed_on, to, first, has)
    return out


def status_as_of(session: Session, case: Case, day: dt.date) -> str:
    """The status ``case`` had at the end of ``day``."""
    return next(iter(status_rows_as_of(session, day, [case.id]).values()), case.status)


def _visit_day(doc: Document) -> dt.date | None:
    try:
        return _recorded_day(str((doc.meta or {}).get("回访日期", "")))
    except ValueError:
        return None


def link_visits(session: Session, case: Case) -> int:
    """Pair the case's 回访 (``case visit``) with its current 回访记录 papers of the same day, in
    whichever order they were recorded; → how many pairs were made."""
    session.flush()
    papers = session.scalars(
        select(Document).where(Document.case_id == case.id, Document.kind.in_(kinds_where("records_visit")),
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
