"""Case → a plain dict for --json output and text display (personal data masked unless asked)."""

from __future__ import annotations

from typing import Any

from archive.cases import CaseView
from archive.redact import redact_value
from docgen.ledger.fields import FIELDS
from docgen.masking import mask_id_number, mask_phone_number


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
        # 办结时限 is already there: the computed deadline (the ledger's own one when it has it)
        if spec.target == "case" and spec.name not in {"seq", "case_no"} and spec.label not in data:
            data[spec.label] = _free(getattr(c, spec.name), show_personal)
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
    return data


def _free(value: Any, show: bool) -> Any:
    """Free text (诉求, 办理情况, extra columns, ...) may hold IDs, phones and addresses too."""
    return value if show else redact_value(value)


def _shown(value: str | None, masker, show: bool) -> str | None:  # type: ignore[no-untyped-def]
    if not value:
        return None
    return value if show else masker(value)
