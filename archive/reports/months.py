"""Workspace + today → the months a report can be asked for: from the month the first case went
on record to this month, and the default one (the latest month in which anything was dated)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from docgen.archive.workspace import Workspace
from docgen.model import Case, CaseEvent, Document


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def report_months(ws: Workspace, today: dt.date) -> tuple[list[str], str]:
    """→ (the months with cases on record, newest first; the default month). A workspace
    without cases offers this month only. Dates after ``today`` (a 办结时限) do not count."""
    this_month = month_key(today)
    with ws.read_session() as session:
        dated = [Case.registered_on, Case.accepted_on, Case.assigned_on, Case.closed_on]
        firsts = session.execute(select(*(func.min(c) for c in dated[:3]),
                                        func.min(Case.created_at))).one()  # fmt: skip
        lasts = [session.scalar(select(func.max(c)).where(c <= today)) for c in dated]
        lasts.append(session.scalar(select(func.max(CaseEvent.day)).where(CaseEvent.day <= today)))
        lasts.append(session.scalar(select(func.max(Document.doc_date))
                                    .where(Document.doc_date <= today)))  # fmt: skip
    known = [d.date() if isinstance(d, dt.datetime) else d for d in firsts if d is not None]
    if not known:
        return [this_month], this_month
    first = min(known)
    months = []
    year, month = today.year, today.month
    while (year, month) >= (first.year, first.month):
        months.append(month_key(dt.date(year, month, 1)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    latest = max((d for d in lasts if d is not None), default=today)
    default = month_key(latest) if month_key(latest) in months else this_month
    return months or [this_month], default
