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
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, selectinload

from docgen import caseno, chars
from docgen.archive.catalog import serialize_writers
from docgen.caseno import natural_key
from docgen.clocks import Deadlines, HolidayCalendar, case_deadlines
from docgen.errors import ConflictError, NotFoundError, ValidationError
from docgen.model import Case, CaseEvent, FollowUp, Petitioner, utcnow
from docgen.vocab import ATTITUDES, ENDED_STATUSES, FLAGS, units_named

if TYPE_CHECKING:  # the ledger's parsing rules load where a ledger is read
    from docgen.ledger.parse import CaseRecord

UPSERT_BATCH = 1000
CASES_LOCK = "cases"  # serialize_writers name for registering cases (import, add)


@dataclass(frozen=True)
class UpsertCounts:
    created: int
    updated: int
    created_nos: frozenset[str] = frozenset()


def upsert_records(session: Session, records: Sequence[CaseRecord]) -> UpsertCounts:
    """Insert new cases and update existing ones (matched by 案件编号); petitioners are replaced."""
    created: set[str] = set()
    updated = 0
    serialize_writers(session, CASES_LOCK)  # check-then-insert: one import at a time
    for start in range(0, len(records), UPSERT_BATCH):
        new, u = _upsert_batch(session, records[start : start + UPSERT_BATCH])
        created |= new
        updated += u
    return UpsertCounts(len(created), updated, frozenset(created))


def _upsert_batch(session: Session, records: Sequence[CaseRecord]) -> tuple[set[str], int]:
    numbers = [r.case_no for r in records]
    found = session.execute(
        select(Case.case_no, Case.id, Case.version).where(Case.case_no.in_(numbers))
    ).all()
    existing = {no: case_id for no, case_id, _ in found}
    versions = {no: version for no, _, version in found}  # checked and bumped by the UPDATE
    now = utcnow()
    new = [r for r in records if r.case_no not in existing]
    old = [r for r in records if r.case_no in existing]
    ids: dict[str, int] = dict(existing)
    if new:
        rows = [_case_row(r, now, created=True) for r in new]
        result = session.execute(insert(Case).returning(Case.case_no, Case.id), rows)
        ids.update(dict(result.all()))
    if old:
        rows = [{"id": existing[r.case_no], "version": versions[r.case_no],
                 **_case_row(r, now, created=False)} for r in old]  # fmt: skip
        _log_imported_status(session, rows)
        session.execute(update(Case), rows)
        session.execute(delete(Petitioner).where(Petitioner.case_id.in_(existing.values())))
    petitioners = [{"case_id": ids[r.case_no], **p} for r in records for p in r.petitioners]
    if petitioners:
        session.execute(insert(Petitioner), petitioners)
    return {r.case_no for r in new}, len(old)


def _log_imported_status(session: Session, rows: list[dict[str, Any]]) -> None:
    """A ledger import that changes a case's status logs the change on its timeline."""
    from docgen.archive.timeline import current_actor

    wanted = {row["id"]: row["status"] for row in rows if row.get("status")}
    before = dict(session.execute(select(Case.id, Case.status).where(Case.id.in_(wanted))).all())
    changed = [(cid, before[cid], new) for cid, new in wanted.items() if before.get(cid) != new]
    if changed:
        actor, today = current_actor(), dt.date.today()
        session.execute(insert(CaseEvent), [
            {"case_id": cid, "kind": "状态", "day": today, "status_from": old, "status_to": new,
             "actor": actor, "detail": "台账导入", "at": utcnow()} for cid, old, new in changed
        ])  # fmt: skip


_DEFAULTS: dict[str, Any] = {name: False for name in (*FLAGS, "extension_approved")}


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
    if flt.unit:  # as written, or through a short name (区人社局 finds 区人力资源和社会保障局)
        stmt = stmt.where(
            or_(
                Case.unit.icontains(flt.unit, autoescape=True), Case.unit.in_(units_named(flt.unit))
            )
        )
    if flt.leader:
        stmt = stmt.where(Case.leader_name.icontains(flt.leader, autoescape=True))
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


def cases_version(session: Session) -> tuple[Any, ...]:
    """What changes whenever the cases table does (every write sets ``updated_at``; inserts and
    deletes change the count): the key of caches over the ledger. Two scalar subqueries, each
    answered from an index (a joint aggregate would scan the table)."""
    return tuple(session.execute(select(
        select(func.count()).select_from(Case).scalar_subquery(),
        select(func.max(Case.updated_at)).scalar_subquery(),
    )).one())  # fmt: skip


def _ordered_ids(
    session: Session, calendar: HolidayCalendar, flt: CaseFilter, today: dt.date
) -> list[int]:
    """Ids of the selected cases in natural 案件编号 order, remembered per filter until the cases
    table changes (every write sets ``updated_at``; inserts and deletes change the count)."""
    key = (str(session.get_bind().url), flt, today if flt.overdue else None,
           cases_version(session))  # fmt: skip
    with _ORDER_LOCK:
        if key in _ORDER_CACHE:
            _ORDER_CACHE.move_to_end(key)
            return _ORDER_CACHE[key]
    columns = [Case.id, Case.case_no]
    if flt.overdue:
        columns += [Case.accepted_on, Case.due_on, Case.extended_due_on, Case.extension_approved,
                    Case.status]  # fmt: skip
        stmt = _filtered(select(*columns), flt).where(Case.status.not_in(ENDED_STATUSES))
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
        closed=c.status in ENDED_STATUSES,
        today=today or dt.date.today(),
    )


def view(case: Case, calendar: HolidayCalendar, today: dt.date | None = None) -> CaseView:
    return CaseView(case, _deadlines(calendar, case, today))


def get_case(
    session: Session, case_no: str, *, for_update: bool = False, full: bool = False
) -> Case:
    """A case with its petitioners and follow-ups; ``full``: its documents and timeline events
    too (what its page shows, in one query per table); ``for_update`` locks its row until the
    transaction ends (PostgreSQL: another desk editing it waits; SQLite locks the file anyway)."""
    case_no = caseno.clean(case_no)
    stmt = select(Case).with_for_update() if for_update else select(Case)
    loads = [selectinload(Case.petitioners), selectinload(Case.follow_ups)]
    if full:
        loads += [selectinload(Case.documents), selectinload(Case.events)]
    case = session.scalar(stmt.where(Case.case_no == case_no).options(*loads))
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
    serialize_writers(session, CASES_LOCK)  # check-then-insert: one desk at a time
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
    effective: dt.date | None = None,
    actor: str | None = None,
    expected_version: int | None = None,
) -> Case:
    """Change a case's fields; a status change is logged on the timeline as of ``effective``
    (default today), with who made it. ``expected_version``: the version the clerk saw (``case
    show``); if another desk has changed the case since, nothing is written and ConflictError
    says so."""
    from docgen.archive.timeline import record_event, record_status_change

    if "case_no" in values:
        raise ValidationError("案件编号不能修改")
    if expected_version is None:  # a case this session read before: the version it saw then
        seen = [c.version for c in session.identity_map.values()
                if isinstance(c, Case) and c.case_no == case_no]  # fmt: skip
        expected_version = seen[0] if seen else None
    case = get_case(session, case_no, for_update=True)  # locked and re-read (latest version)
    if expected_version is not None and case.version != expected_version:
        raise ConflictError(
            f"案件 {case_no} 已被他人修改（您看到的是第 {expected_version} 版，现在是第 "
            f"{case.version} 版），本次修改未保存：请重新查看（docgen case show）后再改"
        )
    old_status, old_leader = case.status, case.leader_name
    apply_changes(case, values, person)
    case.updated_at = utcnow()  # the case row is written (and its version bumped) every time
    if "status" in values:
        record_status_change(session, case, old_status, case.status, day=effective, actor=actor)
    if "leader_name" in values and case.leader_name != old_leader:
        record_event(session, case, "包案", f"包案领导 {old_leader or '—'} → {case.leader_name or '—'}",
                     day=effective, actor=actor)  # fmt: skip
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
    for label, value, cap in (("回访人", visitors, 500), ("回访内容", content, 20_000)):
        if value and (bad := chars.problem(value, one_line=label == "回访人")):
            raise ValidationError(f"“{label}”{bad}")
        if value and len(value) > cap:
            raise ValidationError(f"“{label}”过长（{len(value)} 字，最多 {cap} 字）")
    case = get_case(session, case_no)
    from docgen.archive.timeline import link_visits

    visit = FollowUp(
        visited_on=visited_on, method=method, visitors=visitors, attitude=attitude, content=content
    )
    case.follow_ups.append(visit)
    link_visits(session, case)  # with the 回访记录 paper of that day, if one was made first
    return visit
