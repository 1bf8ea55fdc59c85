"""Case operations on the catalog: upsert validated ledger records, list/filter, show, add, edit.

Upserts go through bulk Core statements (thousands of rows a second) inside the caller's
transaction, so an import is all-or-nothing: a process killed half-way leaves the catalog as it was.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, selectinload

from docgen.caseno import natural_key
from docgen.clocks import Deadlines, HolidayCalendar, case_deadlines
from docgen.errors import NotFoundError, ValidationError
from docgen.ledger.parse import CaseRecord
from docgen.model import Case, FollowUp, Petitioner, utcnow
from docgen.vocab import ATTITUDES, CLOSED_STATUSES, FLAGS

UPSERT_BATCH = 1000


@dataclass(frozen=True)
class UpsertCounts:
    created: int
    updated: int


def upsert_records(session: Session, records: Sequence[CaseRecord]) -> UpsertCounts:
    """Insert new cases and update existing ones (matched by 案件编号); petitioners are replaced."""
    created = updated = 0
    for start in range(0, len(records), UPSERT_BATCH):
        c, u = _upsert_batch(session, records[start : start + UPSERT_BATCH])
        created += c
        updated += u
    return UpsertCounts(created, updated)


def _upsert_batch(session: Session, records: Sequence[CaseRecord]) -> tuple[int, int]:
    numbers = [r.case_no for r in records]
    existing = dict(
        session.execute(select(Case.case_no, Case.id).where(Case.case_no.in_(numbers))).all()
    )
    now = utcnow()
    new = [r for r in records if r.case_no not in existing]
    old = [r for r in records if r.case_no in existing]
    ids: dict[str, int] = dict(existing)
    if new:
        rows = [_case_row(r, now, created=True) for r in new]
        result = session.execute(insert(Case).returning(Case.case_no, Case.id), rows)
        ids.update(dict(result.all()))
    if old:
        rows = [{"id": existing[r.case_no], **_case_row(r, now, created=False)} for r in old]
        session.execute(update(Case), rows)
        session.execute(delete(Petitioner).where(Petitioner.case_id.in_(existing.values())))
    petitioners = [{"case_id": ids[r.case_no], **p} for r in records for p in r.petitioners]
    if petitioners:
        session.execute(insert(Petitioner), petitioners)
    return len(new), len(old)


_DEFAULTS: dict[str, Any] = {
    name: False
    for name in (
        "repeat_visit",
        "group_visit",
        "provincial_group_visit",
        "beijing_abnormal_visit",
        "cross_region",
        "cross_department",
        "cross_industry",
        "person_household_separated",
        "person_matter_separated",
        "person_matter_household_separated",
        "extension_approved",
    )
}


def _case_row(record: CaseRecord, now: dt.datetime, *, created: bool) -> dict[str, Any]:
    row: dict[str, Any] = {**_DEFAULTS, "head_count": 1, "status": "办理中"}
    row.update({k: v for k, v in record.case.items() if v is not None})
    if not record.case.get("head_count"):
        row["head_count"] = max(1, len(record.petitioners))
    row["extra"] = record.extra
    row["updated_at"] = now
    if created:
        row["created_at"] = now
    return row


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    category: str | None = None
    unit: str | None = None
    leader: str | None = None
    overdue: bool = False
    case_nos: tuple[str, ...] = ()
    group: str | None = None  # 归类 (category_group)
    flag: str | None = None  # a vocab.FLAGS column name


@dataclass(frozen=True)
class CaseView:
    case: Case
    deadlines: Deadlines


def _filtered(stmt, flt: CaseFilter):  # type: ignore[no-untyped-def]
    if flt.status:
        stmt = stmt.where(Case.status == flt.status)
    if flt.category:
        stmt = stmt.where(Case.category == flt.category)
    if flt.unit:
        stmt = stmt.where(Case.unit.contains(flt.unit))
    if flt.leader:
        stmt = stmt.where(Case.leader_name.contains(flt.leader))
    if flt.case_nos:
        stmt = stmt.where(Case.case_no.in_(flt.case_nos))
    if flt.group:
        stmt = stmt.where(Case.category_group == flt.group)
    if flt.flag:
        if flt.flag not in FLAGS:
            raise ValidationError(f"标志“{flt.flag}”无效，可选：{'、'.join(FLAGS.values())}")
        stmt = stmt.where(getattr(Case, flt.flag).is_(True))
    return stmt


def list_cases(
    session: Session, calendar: HolidayCalendar, flt: CaseFilter, today: dt.date | None = None
) -> list[CaseView]:
    """Every case the filter selects, in natural 案件编号 order (XF2024-9 before XF2024-10)."""
    stmt = _filtered(select(Case).options(selectinload(Case.petitioners)), flt)
    cases = sorted(session.scalars(stmt), key=lambda c: natural_key(c.case_no))
    views = [view(c, calendar, today) for c in cases]
    if flt.overdue:
        views = [v for v in views if v.deadlines.overdue]
    return views


@dataclass(frozen=True)
class CasePage:
    total: int
    views: list[CaseView]


def page_cases(
    session: Session,
    calendar: HolidayCalendar,
    flt: CaseFilter,
    page: int,
    size: int,
    today: dt.date | None = None,
) -> CasePage:
    """One page of ``list_cases``: numbers (and deadlines when filtering on 超期) of every
    selected case, whole rows only for the page's cases."""
    ordered = _ordered_ids(session, calendar, flt, today or dt.date.today())
    chosen = ordered[(page - 1) * size : page * size]
    cases = {c.id: c for c in session.scalars(
        select(Case).where(Case.id.in_(chosen)).options(selectinload(Case.petitioners)))}  # fmt: skip
    return CasePage(len(ordered), [view(cases[i], calendar, today) for i in chosen])


_ORDER_CACHE: OrderedDict[tuple[Any, ...], list[int]] = OrderedDict()
_ORDER_CACHE_SIZE = 32
_ORDER_LOCK = threading.Lock()


def _ordered_ids(
    session: Session, calendar: HolidayCalendar, flt: CaseFilter, today: dt.date
) -> list[int]:
    """Ids of the selected cases in natural 案件编号 order, remembered per filter until the cases
    table changes (every write sets ``updated_at``; inserts and deletes change the count)."""
    version = tuple(session.execute(select(func.count(Case.id), func.max(Case.updated_at))).one())
    key = (str(session.get_bind().url), flt, today if flt.overdue else None, version)
    with _ORDER_LOCK:
        if key in _ORDER_CACHE:
            _ORDER_CACHE.move_to_end(key)
            return _ORDER_CACHE[key]
    columns = [Case.id, Case.case_no]
    if flt.overdue:
        columns += [Case.accepted_on, Case.due_on, Case.extended_due_on, Case.extension_approved,
                    Case.status]  # fmt: skip
        stmt = _filtered(select(*columns), flt).where(Case.status.not_in(CLOSED_STATUSES))
        rows = [r for r in session.execute(stmt) if _deadlines(calendar, r, today).overdue]
    else:
        rows = list(session.execute(_filtered(select(*columns), flt)))
    rows.sort(key=lambda r: natural_key(r.case_no))
    ids = [r.id for r in rows]
    with _ORDER_LOCK:
        _ORDER_CACHE[key] = ids
        while len(_ORDER_CACHE) > _ORDER_CACHE_SIZE:
            _ORDER_CACHE.popitem(last=False)
    return ids


def _deadlines(calendar: HolidayCalendar, c: Any, today: dt.date | None) -> Deadlines:
    return case_deadlines(
        calendar,
        accepted_on=c.accepted_on,
        due_on=c.due_on,
        extended_due_on=c.extended_due_on if c.extension_approved else None,
        closed=c.status in CLOSED_STATUSES,
        today=today or dt.date.today(),
    )


def view(case: Case, calendar: HolidayCalendar, today: dt.date | None = None) -> CaseView:
    return CaseView(case, _deadlines(calendar, case, today))


def get_case(session: Session, case_no: str) -> Case:
    case = session.scalar(
        select(Case)
        .where(Case.case_no == case_no)
        .options(selectinload(Case.petitioners), selectinload(Case.follow_ups))
    )
    if case is None:
        raise NotFoundError(f"案件编号“{case_no}”不存在（可用 docgen case list 查看）")
    return case


def apply_changes(case: Case, changes: dict[str, Any], petitioner: dict[str, Any] | None) -> None:
    """Set validated field values on a case; ``petitioner`` fields change the first petitioner."""
    for name, value in changes.items():
        setattr(case, name, value)
    if petitioner:
        if not case.petitioners:
            case.petitioners.append(Petitioner(seq=1, name=petitioner.get("name") or ""))
        for name, value in petitioner.items():
            setattr(case.petitioners[0], name, value)


REQUIRED_ON_ADD = (
    ("case_no", "案件编号"),
    ("name", "信访人"),
    ("category", "问题类别"),
    ("demand", "诉求"),
    ("unit", "责任单位"),
)


def add_case(session: Session, values: dict[str, Any], person: dict[str, Any]) -> Case:
    """Register one case from validated values; refuses a missing field or a taken 案件编号."""
    given = values | person
    missing = [label for name, label in REQUIRED_ON_ADD if not given.get(name)]
    if missing:
        raise ValidationError(f"缺少必填字段：{'、'.join(missing)}")
    if session.scalar(select(Case.id).where(Case.case_no == values["case_no"])) is not None:
        raise ValidationError(f"案件编号“{values['case_no']}”已存在，修改请用 docgen case edit")
    case = Case(**{**_DEFAULTS, "head_count": 1, "status": "办理中", **values})
    case.petitioners.append(Petitioner(seq=1, **person))
    session.add(case)
    return case


def edit_case(
    session: Session,
    case_no: str,
    values: dict[str, Any],
    person: dict[str, Any],
    *,
    expected_version: dt.datetime | None = None,
) -> Case:
    """Change fields; with ``expected_version`` (the ``updated_at`` the editor saw) refuse when
    someone else changed the case meanwhile."""
    if "case_no" in values:
        raise ValidationError("案件编号不能修改")
    case = get_case(session, case_no)
    if expected_version is not None and case.updated_at != expected_version:
        raise ValidationError(
            f"案件 {case_no} 在您打开后已被他人修改（{case.updated_at:%Y-%m-%d %H:%M:%S}），"
            "请重新打开后再修改"
        )
    apply_changes(case, values, person)
    return case


def add_follow_up(
    session: Session,
    case_no: str,
    *,
    visited_on: dt.date,
    method: str | None,
    visitors: str | None,
    attitude: str | None,
    content: str | None,
) -> FollowUp:
    """Record a 回访 (follow-up visit) on a case."""
    if attitude is not None and attitude not in ATTITUDES:
        raise ValidationError(f"回访态度“{attitude}”无效，可选：{'、'.join(ATTITUDES)}")
    case = get_case(session, case_no)
    visit = FollowUp(
        visited_on=visited_on, method=method, visitors=visitors, attitude=attitude, content=content
    )
    case.follow_ups.append(visit)
    return visit
