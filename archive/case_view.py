"""Case → a plain dict for --json output and text display (personal data masked unless asked)."""

from __future__ import annotations

from typing import Any

from archive.cases import CaseView
from docgen import idnumber
from docgen.ledger.fields import FIELDS

_PHONE_KEEP = 3


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:_PHONE_KEEP] + "*" * (len(digits) - 7) + digits[-4:]


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
            data[spec.label] = getattr(c, spec.name)
    data["归类"] = c.category_group
    data["标志"] = c.flag_labels
    data["信访人详情"] = [
        {
            "姓名": p.name,
            "身份证号": _shown(p.id_number, idnumber.mask, show_personal),
            "电话": _shown(p.phone, mask_phone, show_personal),
            "住址": p.address if show_personal else ("（已隐藏）" if p.address else None),
        }
        for p in c.petitioners
    ]
    data["回访记录"] = [
        {"日期": f.visited_on, "方式": f.method, "回访人": f.visitors, "态度": f.attitude}
        for f in c.follow_ups
    ]
    data["附加信息"] = c.extra or {}
    data["版本"] = c.version  # for docgen case edit --if-version (another desk's edit is refused)
    return data


def _shown(value: str | None, masker, show: bool) -> str | None:  # type: ignore[no-untyped-def]
    if not value:
        return None
    return value if show else masker(value)
