import datetime as dt
import json
from pathlib import Path

from docgen.clocks import HolidayCalendar, case_deadlines, handling_deadline, review_deadline

D = dt.date


def test_sixty_days_start_day_not_counted() -> None:
    cal = HolidayCalendar.load()
    # 2024-03-01 + 60 days = 2024-04-30, a Tuesday and a working day.
    assert handling_deadline(cal, D(2024, 3, 1)) == D(2024, 4, 30)


def test_period_ending_on_national_day_moves_to_next_working_day() -> None:
    cal = HolidayCalendar.load()
    # 2024-08-02 + 60 = 2024-10-01 (国庆); the holiday runs to 10-07, so the period ends 10-08.
    assert handling_deadline(cal, D(2024, 8, 2)) == D(2024, 10, 8)


def test_adjusted_weekend_workday_is_a_working_day() -> None:
    cal = HolidayCalendar.load()
    # 2024-09-29 is a Sunday made a working day (调休) before 国庆.
    assert cal.is_workday(D(2024, 9, 29))
    assert handling_deadline(cal, D(2024, 7, 31)) == D(2024, 9, 29)


def test_extension_adds_thirty_days() -> None:
    cal = HolidayCalendar.load()
    assert handling_deadline(cal, D(2024, 3, 1), extended=True) == D(2024, 5, 30)


def test_review_window_is_thirty_days_and_2026_is_known() -> None:
    cal = HolidayCalendar.load()
    # 2026-01-02 + 30 = 2026-02-01 (Sunday) → Monday 2026-02-02.
    assert review_deadline(cal, D(2026, 1, 2)) == D(2026, 2, 2)
    assert not cal.is_workday(D(2026, 10, 1))


def test_workspace_override_file_adds_a_future_year(tmp_path: Path) -> None:
    (tmp_path / "holidays.json").write_text(
        json.dumps({"holidays": ["2027-03-03"], "workdays": ["2027-03-06"]}), "utf-8"
    )
    cal = HolidayCalendar.load(tmp_path)
    assert not cal.is_workday(D(2027, 3, 3))  # a Wednesday declared a holiday
    assert cal.is_workday(D(2027, 3, 6))  # a Saturday made a working day
    assert cal.next_workday_from(D(2027, 3, 3)) == D(2027, 3, 4)


def test_overdue_flag_and_explicit_due_date_wins() -> None:
    cal = HolidayCalendar.load()
    d = case_deadlines(cal, accepted_on=D(2024, 3, 1), due_on=None, extended_due_on=None,
                       closed=False, today=D(2024, 5, 2))  # fmt: skip
    assert d.due == D(2024, 4, 30) and d.overdue and d.days_left == -2
    d = case_deadlines(cal, accepted_on=D(2024, 3, 1), due_on=D(2024, 6, 1),
                       extended_due_on=None, closed=False, today=D(2024, 5, 2))  # fmt: skip
    assert d.due == D(2024, 6, 1) and not d.overdue
    d = case_deadlines(cal, accepted_on=D(2024, 3, 1), due_on=None, extended_due_on=None,
                       closed=True, today=D(2025, 1, 1))  # fmt: skip
    assert not d.overdue
