"""Workspace → the 督办 overview (cases 督办函 went out for, with dates and answers) and the
包案 overview (each leader's cases, status and days left: the 半年销号 list), as tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from docgen.archive.outputs import check_output
from docgen.archive.reports.rows import workspace_rows
from docgen.model import CURRENT, Case, Document
from docgen.reports.workbook import write_table

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

SUPERVISION_COLUMNS = ("案件编号", "责任单位", "督办文号", "督办日期", "办结时限", "答复日期",
                       "状态", "是否超期")  # fmt: skip
LEADER_COLUMNS = ("包案领导", "案件编号", "信访人", "问题类别", "责任单位", "状态", "办结时限",
                  "剩余天数")  # fmt: skip
ANSWER_KINDS = ("查办报告", "处理意见书", "不予受理告知书")


def supervision_rows(ws: Workspace, day: dt.date) -> list[dict[str, Any]]:
    rows = {r.case_no: r for r in workspace_rows(ws, day)}
    out = []
    with ws.read_session() as session:
        docs = session.execute(
            select(Case.case_no, Document.kind, Document.doc_no, Document.doc_date)
            .join(Case, Document.case_id == Case.id)
            .where(Document.state == CURRENT, Document.signed_of_id.is_(None),
                   Document.kind.in_(("督办函", *ANSWER_KINDS)))
            .order_by(Document.doc_date, Document.id)
        ).all()  # fmt: skip
    answers: dict[str, list[dt.date]] = {}
    for case_no, kind, _no, when in docs:
        if kind in ANSWER_KINDS and when:
            answers.setdefault(case_no, []).append(when)
    for case_no, kind, doc_no, when in docs:
        if kind != "督办函" or case_no not in rows or (when and when > day):
            continue
        r = rows[case_no]
        answer = next((a for a in answers.get(case_no, []) if when is None or a >= when), None)
        out.append(dict(zip(SUPERVISION_COLUMNS, (
            case_no, r.unit, doc_no, when, r.due, answer if answer and answer <= day else None,
            r.status, "是" if r.overdue_on(day) else "否"), strict=True)))  # fmt: skip
    return out


def leader_rows(ws: Workspace, day: dt.date) -> list[dict[str, Any]]:
    rows = sorted(workspace_rows(ws, day), key=lambda r: (r.leader or "～", r.case_no))
    return [dict(zip(LEADER_COLUMNS, (r.leader or "（未定包案领导）", r.case_no, r.petitioners,
                                      r.category, r.unit, r.status, r.due, r.days_left(day)),
                     strict=True)) for r in rows]  # fmt: skip


def write_overview(ws: Workspace, rows: list[dict[str, Any]], columns: tuple[str, ...], title: str,
                   out: Path) -> Path:  # fmt: skip
    check_output(ws, out)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    return write_table(out, title, columns, [[r[c] for c in columns] for r in rows])
