"""Workspace + day → ``CaseRow``s: the cases on record at the end of the day, with their status
as of it (``archive.timeline``), 责任单位 through the alias table and the 办结时限 in force."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen import gcpause
from docgen.archive.ledger_io import load_vocabularies
from docgen.archive.timeline import status_rows_as_of
from docgen.clocks import HolidayCalendar, case_deadlines
from docgen.errors import ValidationError
from docgen.model import Case, Petitioner, leader_label
from docgen.reports.stats import CaseRow

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

SIX_SEPARATIONS = ("cross_region", "cross_department", "cross_industry",
                   "person_household_separated", "person_matter_separated",
                   "person_matter_household_separated")  # fmt: skip


def month_end(month: str) -> dt.date:
    """``2024-06`` → 2024-06-30; a clear Chinese error for anything else."""
    try:
        year, mon = (int(p) for p in month.strip().split("-"))
        return dt.date(year, mon, _calendar.monthrange(year, mon)[1])
    except (ValueError, TypeError):
        raise ValidationError(
            f"月份“{month}”无效：请写成 年-月，如 2024-06", code="bad_month"
        ) from None


ROW_NAMES = (
    "id", "case_no", "registered_on", "accepted_on", "assigned_on", "created_at", "due_on",
    "extended_due_on", "extension_approved", "category", "category_group", "unit", "leader_name",
    "leader_post", "source", "demand", "stability_measures", "repeat_visit", "group_visit",
    "provincial_group_visit", "provincial_visit", "beijing_visit", "beijing_abnormal_visit",
    "abnormal_visit", *SIX_SEPARATIONS)  # fmt: skip
ROW_COLUMNS = tuple(getattr(Case, name) for name in ROW_NAMES)


def on_record(case: Any, day: dt.date) -> bool:
    """积案 on record on ``day``: registered (or accepted, or assigned) on or before it; a case
    with none of these dates counts from the day it entered the catalog."""
    known = [d for d in (case.registered_on, case.accepted_on, case.assigned_on) if d]
    first = min(known) if known else case.created_at.date()
    return first <= day


#: A case with none of these set has no 重点 label (``focus_labels`` needs one of them).
FOCUS_COLUMNS = ("repeat_visit", "beijing_visit", *SIX_SEPARATIONS)


def focus_labels(c: Any) -> tuple[str, ...]:
    labels = []
    group = c.group_visit or c.provincial_group_visit
    if c.repeat_visit and (c.provincial_group_visit or (c.provincial_visit and group)):
        labels.append("重复赴省集体访")
    if c.repeat_visit and (c.beijing_abnormal_visit or (c.beijing_visit and c.abnormal_visit)):
        labels.append("重复进京非正常访")
    if c.beijing_visit and c.group_visit:
        labels.append("进京集体访")
    if any(getattr(c, f) for f in SIX_SEPARATIONS):
        labels.append("三跨三分离")
    return tuple(labels)


def case_rows(
    session: Session, day: dt.date, calendar: HolidayCalendar, units: Any,
    previous: dt.date | None = None,
) -> list[CaseRow]:  # fmt: skip
    """Every case on record on ``day`` as a CaseRow; ``previous`` (the end of the month before)
    tells which were already 化解 then (本期化解 = 化解 by ``day`` but not by ``previous``)."""
    now = status_rows_as_of(session, day)
    before = status_rows_as_of(session, previous) if previous else {}
    # plain rows of the columns a report reads (Core, not ORM objects: 10,000 cases load in a
    # fraction); a unit's full name, a leader's label and a 办结时限 worked out once per distinct
    # value
    db = session.connection()
    names: dict[int, list[str]] = {}
    for case_id, name in db.execute(
        select(Petitioner.case_id, Petitioner.name).order_by(Petitioner.case_id, Petitioner.seq)
    ).all():
        names.setdefault(case_id, []).append(name)
    unit_names: dict[str, str] = {}
    leaders: dict[tuple[str | None, str | None], str] = {}
    dues: dict[tuple[Any, ...], Any] = {}
    rows = []
    focus_at = [ROW_NAMES.index(name) for name in FOCUS_COLUMNS]
    for c in db.execute(select(*ROW_COLUMNS)).all():
        if not on_record(c, day):
            continue
        unit = unit_names.get(c.unit or "")
        if unit is None:
            unit = unit_names[c.unit or ""] = (units.lookup(c.unit) if c.unit else "") or ""
        leader = leaders.get((c.leader_post, c.leader_name))
        if leader is None:
            leader = leaders[(c.leader_post, c.leader_name)] = leader_label(c.leader_post,
                                                                            c.leader_name)  # fmt: skip
        status = now[(c.id, c.case_no)]
        dates = (c.accepted_on, c.due_on, c.extended_due_on if c.extension_approved else None)
        due = dues.get(dates, dues)
        if due is dues:  # the 办结时限 in force, worked out once per distinct set of dates
            due = dues[dates] = case_deadlines(
                calendar, accepted_on=dates[0], due_on=dates[1], extended_due_on=dates[2],
                closed=False, today=day,
            ).due  # fmt: skip
        rows.append(CaseRow(
            case_no=c.case_no,
            petitioners="、".join(names.get(c.id, ())),
            category=c.category or "",
            group=c.category_group or "",
            unit=unit,
            leader=leader,
            source=c.source or "",
            status=status,
            registered_on=c.registered_on,
            due=due,
            demand=c.demand or "",
            measures=c.stability_measures or "",
            focus=focus_labels(c) if any(c[k] for k in focus_at) else (),
            resolved_before=before.get((c.id, c.case_no)) == "已化解",
        ))  # fmt: skip
    return rows


def workspace_rows(ws: Workspace, day: dt.date, previous: dt.date | None = None) -> list[CaseRow]:
    units = load_vocabularies(ws)["unit"]
    with ws.read_session() as session, gcpause.paused():  # thousands of rows: no full collections
        return case_rows(session, day, ws.calendar, units, previous)
