"""Case rows as of a day → the rows of the progress reports' attachments: the 排查登记表 (every
case, its status as of the day) and the 未解决案件稳控措施表 (every case not 化解 on the day, its
稳控措施 from the catalog, else a cell left to fill). 信访人 masked as in exports (张某某)."""

from __future__ import annotations

from docgen.masking import mask_name, redact_text
from docgen.reports.stats import GROUP_LABELS, SOURCE_LABELS, MonthlyFigures
from docgen.reports.workbook import TO_FILL

REGISTER_COLUMNS = ("序号", "案件编号", "信访人", "归类", "问题类别", "来源", "责任单位",
                    "包案领导", "登记日期", "办结时限", "状态（截至统计日）", "是否超期",
                    "重点")  # fmt: skip
MEASURES_COLUMNS = ("序号", "案件编号", "信访人", "问题类别", "责任单位", "包案领导",
                    "状态（截至统计日）", "主要诉求", "稳控措施")  # fmt: skip
WIDTHS = {"序号": 6, "信访人": 12, "责任单位": 24, "主要诉求": 36, "稳控措施": 40, "重点": 20,
          "状态（截至统计日）": 14}  # fmt: skip


def masked_names(petitioners: str) -> str:
    return "、".join(mask_name(n) for n in petitioners.split("、") if n.strip())


def register_rows(f: MonthlyFigures) -> list[list[object]]:
    return [
        [n, r.case_no, masked_names(r.petitioners), GROUP_LABELS.get(r.group, r.group),
         r.category, SOURCE_LABELS.get(r.source, r.source), r.unit, r.leader, r.registered_on,
         r.due, r.status, "是" if r.overdue_on(f.day) else "否", "、".join(r.focus)]
        for n, r in enumerate(f.rows, start=1)
    ]  # fmt: skip


def measures_rows(f: MonthlyFigures) -> list[list[object]]:
    unresolved = [r for r in f.rows if not r.resolved]
    return [
        [n, r.case_no, masked_names(r.petitioners), r.category, r.unit, r.leader, r.status,
         redact_text(r.demand).text, r.measures.strip() or TO_FILL]
        for n, r in enumerate(unresolved, start=1)
    ]  # fmt: skip
