"""Case → a plain dict for --json output and text display (personal data masked unless asked)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.archive.cases import CaseView
from docgen.archive.timeline import case_timeline
from docgen.ledger.fields import FIELDS
from docgen.masking import mask_id_number, mask_phone_number, redact_value
from docgen.model import SUPERSEDED, VOID, Case, Document


def case_dict(v: CaseView, *, show_personal: bool = False, full: bool = False) -> dict[str, Any]:
    c = v.case
    data: dict[str, Any] = {
        "案件编号": c.case_no,
        "信访人": "、".join(p.name for p in c.petitioners),
        "问题类别": c.category,
        "责任单位": c.unit,
        "包案领导": c.leader_name,
        "状态": c.status,
        "办结时限": v.deadlines.due,
        "超期": v.deadlines.overdue,
        "剩余天数": v.deadlines.days_left,
    }
    if not full:
        return data
    for spec in FIELDS:
        if spec.target == "case" and spec.name not in {"seq", "case_no"}:
            data[spec.label] = _free(getattr(c, spec.name), show_personal)
    data["办结时限"] = v.deadlines.due  # in force: the ledger's, else computed (延期 included)
    data["归类"] = c.category_group
    data["标志"] = c.flag_labels
    data["信访人详情"] = [
        {
            "姓名": p.name,
            "身份证号": _shown(p.id_number, mask_id_number, show_personal),
            "电话": _shown(p.phone, mask_phone_number, show_personal),
            "住址": p.address if show_personal else ("（已隐藏）" if p.address else None),
        }
        for p in c.petitioners
    ]
    data["回访记录"] = [
        {"日期": f.visited_on, "方式": f.method, "回访人": _free(f.visitors, show_personal),
         "态度": f.attitude}
        for f in c.follow_ups
    ]  # fmt: skip
    data["附加信息"] = _free(c.extra or {}, show_personal)
    data["版本"] = c.version  # for docgen case edit --if-version (another desk's edit is refused)
    return data


def _free(value: Any, show: bool) -> Any:
    """Free text (诉求, 办理情况, extra columns, ...) may hold IDs, phones and addresses too."""
    return value if show else redact_value(value)


def case_papers(session: Session, case: Case) -> list[dict[str, Any]]:
    """The case's documents (dossiers aside) with their 状态, oldest first."""
    docs = session.scalars(
        select(Document).where(Document.case_id == case.id, Document.section != 0)
        .order_by(Document.doc_date, Document.id)
    ).all()  # fmt: skip
    out = []
    for d in docs:
        if d.signed_of_id is not None:
            state = "签字件"
        elif d.state == VOID:
            state = f"作废（{d.void_reason}）"
        elif d.state == SUPERSEDED:
            state = f"旧版（第{d.version}版）"
        else:
            state = "有效" if d.version == 1 else f"有效（第{d.version}版，已更正）"
        number = d.doc_no or (d.meta or {}).get("文号") or (d.meta or {}).get("签字件")
        out.append({"文书": d.kind, "文号": number, "成文日期": d.doc_date, "状态": state,
                    "题名": d.title, "文件": d.path})  # fmt: skip
    return out


def case_detail(session: Session, v: CaseView, *, show_personal: bool = False) -> dict[str, Any]:
    """``case_dict(full=True)`` plus the timeline and the papers with their 状态."""
    data = case_dict(v, show_personal=show_personal, full=True)
    data["时间线"] = [e.as_dict() for e in case_timeline(session, v.case)]
    data["文书"] = case_papers(session, v.case)
    return data


def _shown(value: str | None, masker, show: bool) -> str | None:  # type: ignore[no-untyped-def]
    if not value:
        return None
    return value if show else masker(value)
