"""Case rows as of a day → the figures of a 统计表: totals, 化解率 and counts per dimension.

The definitions (积案, 化解, 办结, 超期, the denominator of 化解率) are written once here and in
``docs/statistics.md``; everything that prints a figure reads it from ``MonthlyFigures``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from docgen.vocab import CATEGORIES, CLOSED_STATUSES, ENDED_STATUSES, GROUPS, STATUSES

RESOLVED_STATUS = "已化解"  # 化解: the petitioner 息诉罢访 (the ledger's 已化解 and its synonyms)
UNASSIGNED = "（未填）"  # a dimension value the case does not have
#: 重点 flags the campaign counts, attribute → label.
FOCUS_FLAGS: dict[str, str] = {
    "repeat_provincial_group": "重复赴省集体访",
    "repeat_beijing_abnormal": "重复进京非正常访",
    "beijing_group": "进京集体访",
    "three_cross": "三跨三分离",
}
GROUP_LABELS = {"组织人事": "组织人事问题类", "民生": "民生问题类", "其它遗留": "其它遗留问题类"}
SOURCE_LABELS = {"中央": "中央交办", "省": "省交办", "市": "市交办", "区": "区交办",
                 "本级排查": "本级排查"}  # fmt: skip


@dataclass(frozen=True)
class CaseRow:
    """One case as it stood at the end of the report's day (the 明细 sheet's row)."""

    case_no: str
    petitioners: str
    category: str
    group: str
    unit: str  # the full name through the alias table
    leader: str
    source: str
    status: str  # as of the day
    registered_on: dt.date | None
    due: dt.date | None  # 办结时限 in force
    demand: str = ""
    measures: str = ""  # 稳控措施
    focus: tuple[str, ...] = ()  # FOCUS_FLAGS labels
    resolved_before: bool = False  # already 已化解 at the end of the previous month

    @property
    def resolved(self) -> bool:
        return self.status == RESOLVED_STATUS

    @property
    def closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def overdue_on(self, day: dt.date) -> bool:
        return self.status not in ENDED_STATUSES and self.due is not None and self.due < day

    def days_left(self, day: dt.date) -> int | None:
        if self.status in ENDED_STATUSES or self.due is None:
            return None
        return (self.due - day).days


@dataclass(frozen=True)
class Tally:
    """One row of a 统计表: a dimension value and its figures."""

    name: str
    total: int = 0
    resolved: int = 0  # 累计化解
    resolved_this_month: int = 0  # 本期化解
    closed: int = 0  # 办结 (化解 included)
    open: int = 0  # 未办结
    overdue: int = 0

    @property
    def rate(self) -> float:
        """化解率 in %, one decimal: 已化解 / 积案总数 (0 when there is none)."""
        return round(100.0 * self.resolved / self.total, 1) if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"名称": self.name, "积案数": self.total, "累计化解": self.resolved,
                "本期化解": self.resolved_this_month, "办结": self.closed, "未办结": self.open,
                "超期": self.overdue, "化解率": self.rate}  # fmt: skip


COLUMNS = ("积案数", "累计化解", "本期化解", "办结", "未办结", "超期", "化解率（%）")


def tally(name: str, rows: Iterable[CaseRow], day: dt.date) -> Tally:
    rows = list(rows)
    resolved = sum(r.resolved for r in rows)
    return Tally(
        name,
        total=len(rows),
        resolved=resolved,
        resolved_this_month=sum(r.resolved and not r.resolved_before for r in rows),
        closed=sum(r.closed for r in rows),
        open=sum(not r.closed for r in rows),
        overdue=sum(r.overdue_on(day) for r in rows),
    )


@dataclass(frozen=True)
class MonthlyFigures:
    """Everything the 统计表 and the 月报 print, for the cases on record at the end of ``day``."""

    day: dt.date
    org_name: str
    total: Tally
    dimensions: dict[str, list[Tally]]  # 归类 / 问题类别 / 责任单位 / 包案领导 / 来源 / 状态
    focus: list[tuple[str, int]]
    rows: list[CaseRow] = field(default_factory=list)

    @property
    def overdue_rows(self) -> list[CaseRow]:
        return [r for r in self.rows if r.overdue_on(self.day)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "截至": self.day.isoformat(),
            "合计": self.total.as_dict(),
            **{k: [t.as_dict() for t in v] for k, v in self.dimensions.items()},
            "重点案件": dict(self.focus),
            "超期案件": [r.case_no for r in self.overdue_rows],
        }


def _by(rows: list[CaseRow], key: Callable[[CaseRow], str], day: dt.date,
        order: Iterable[str] = (), keep_empty: bool = False) -> list[Tally]:  # fmt: skip
    groups: dict[str, list[CaseRow]] = {}
    for r in rows:
        groups.setdefault(key(r) or UNASSIGNED, []).append(r)
    names = [n for n in order if keep_empty or n in groups]
    names += sorted(n for n in groups if n not in names)
    return [tally(n, groups.get(n, []), day) for n in names]


def monthly_figures(rows: Iterable[CaseRow], day: dt.date, org_name: str = "") -> MonthlyFigures:
    """The 统计表's figures over ``rows`` (the cases on record on ``day``, statuses as of it)."""
    rows = sorted(rows, key=lambda r: r.case_no)
    dims = {
        "归类": _by(rows, lambda r: GROUP_LABELS.get(r.group, r.group), day,
                  GROUP_LABELS.values(), keep_empty=True),
        "问题类别": _by(rows, lambda r: r.category, day, CATEGORIES[:-len(GROUPS)]),
        "责任单位": _by(rows, lambda r: r.unit, day),
        "包案领导": _by(rows, lambda r: r.leader, day),
        "来源": _by(rows, lambda r: SOURCE_LABELS.get(r.source, r.source), day,
                  SOURCE_LABELS.values(), keep_empty=True),
        "状态": _by(rows, lambda r: r.status, day, STATUSES),
    }  # fmt: skip
    focus = [(label, sum(label in r.focus for r in rows)) for label in FOCUS_FLAGS.values()]
    return MonthlyFigures(day, org_name, tally("合计", rows, day), dims, focus, rows)
