"""信访 clocks: case dates → deadlines (办结时限, 延期, 复查/复核 windows) and the overdue flag.

Rules (信访工作条例 arts. 34–36; 民法典 arts. 201, 203):
- a period counts calendar days and the start day is not counted;
- a period whose last day is a rest day (statutory holiday or weekend not made a working day by
  调休) ends on the next working day;
- 办结: 60 days from 受理; an approved extension adds at most 30 days to that period;
- 复查/复核: 30 days to ask, 30 days to answer.

Working days come from the ``chinese_calendar`` package (State Council notices, 调休 included),
overridden by the bundled ``data/holidays.json`` and by a workspace's own ``holidays.json`` for
years the package does not know yet. For a year nobody knows, Saturdays and Sundays are rest days.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import chinese_calendar

HANDLING_DAYS = 60
EXTENSION_DAYS = 30
REVIEW_DAYS = 30  # 复查/复核: both to request and to answer

_HOLIDAYS_FILE = "holidays.json"


@dataclass
class HolidayCalendar:
    """Rest days and 调休 working days, on top of chinese_calendar's knowledge."""

    extra_holidays: set[dt.date] = field(default_factory=set)
    extra_workdays: set[dt.date] = field(default_factory=set)
    _known: dict[dt.date, bool] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, workspace_dir: Path | None = None) -> HolidayCalendar:
        cal = cls()
        bundled = resources.files("docgen.data").joinpath(_HOLIDAYS_FILE).read_text("utf-8")
        cal.merge(json.loads(bundled))
        if workspace_dir is not None and (workspace_dir / _HOLIDAYS_FILE).is_file():
            cal.merge(json.loads((workspace_dir / _HOLIDAYS_FILE).read_text("utf-8")))
        return cal

    def merge(self, data: dict[str, list[str]]) -> None:
        self.extra_holidays |= {dt.date.fromisoformat(d) for d in data.get("holidays", [])}
        self.extra_workdays |= {dt.date.fromisoformat(d) for d in data.get("workdays", [])}
        self._known.clear()

    def is_workday(self, day: dt.date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: dt.date) -> bool:
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5

    def next_workday_from(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def period_end(self, start: dt.date, days: int) -> dt.date:
        """Last day of a period of ``days`` days starting after ``start`` (start day not counted)."""
        return self.next_workday_from(start + dt.timedelta(days=days))


@dataclass(frozen=True)
class Deadlines:
    due: dt.date | None  # 办结时限 in force (extended when an extension is approved)
    original_due: dt.date | None
    overdue: bool
    days_left: int | None  # negative when overdue; None for closed or unaccepted cases


def handling_deadline(
    calendar: HolidayCalendar, accepted_on: dt.date, *, extended: bool = False
) -> dt.date:
    days = HANDLING_DAYS + (EXTENSION_DAYS if extended else 0)
    return calendar.period_end(accepted_on, days)


def review_deadline(calendar: HolidayCalendar, received_on: dt.date) -> dt.date:
    """Last day to ask for 复查 (or 复核), or for the organ to answer one."""
    return calendar.period_end(received_on, REVIEW_DAYS)


def due_dates(
    calendar: HolidayCalendar,
    *,
    accepted_on: dt.date | None,
    due_on: dt.date | None,
    extended_due_on: dt.date | None,
) -> tuple[dt.date | None, dt.date | None]:
    """(办结时限, 延期后的办结时限) of a case: the ledger's dates win over the computed 60 / 90 days
    from 受理; both None for a case not yet accepted."""
    if accepted_on is None:
        return due_on, extended_due_on
    due = due_on or handling_deadline(calendar, accepted_on)
    return due, extended_due_on or handling_deadline(calendar, accepted_on, extended=True)


def case_deadlines(
    calendar: HolidayCalendar,
    *,
    accepted_on: dt.date | None,
    due_on: dt.date | None,
    extended_due_on: dt.date | None,
    closed: bool,
    today: dt.date,
) -> Deadlines:
    """Deadlines for one case. An explicit 办结时限 from the ledger wins over the computed one."""
    original = due_dates(calendar, accepted_on=accepted_on, due_on=due_on, extended_due_on=None)[0]
    due = extended_due_on or original
    if due is None or closed:
        return Deadlines(due, original, False, None)
    left = (due - today).days
    return Deadlines(due, original, left < 0, left)
