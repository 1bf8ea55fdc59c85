"""Figures → the words and tables of the reports to the 联席办: the 月报 and the four dated
progress reports (``STAGES``), as ``ReportPaper`` blocks. Every figure is read from one
``MonthlyFigures``; the parts only a person can write are ``Blank`` blocks, filled by ``--set``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from docgen.dates import cn_date
from docgen.reports.paper import Blank, Block, Figure, ReportPaper, Table
from docgen.reports.stats import COLUMNS, UNASSIGNED, MonthlyFigures, Tally

ADDRESSEE = "联席办"  # 主送: the 信访工作联席会议办公室
SIGNER_KEY = "签发人"  # the --set key every report takes


def summary_sentence(f: MonthlyFigures) -> str:
    t = f.total
    return (
        f"截至{cn_date(f.day)}，共排查信访积案{t.total}件，已化解{t.resolved}件，"
        f"化解率{t.rate:.1f}%；已办结{t.closed}件，未办结{t.open}件，其中超期{t.overdue}件。"
    )


def stats_table(tallies: list[Tally], dimension: str) -> Table:
    rows = [(t.name, t.total, t.resolved, t.resolved_this_month, t.closed, t.open, t.overdue,
             t.rate) for t in tallies]  # fmt: skip
    return Table((dimension, *COLUMNS), rows, f"按{dimension}统计")


def dim_table(f: MonthlyFigures, dimension: str, with_total: bool = False) -> Table:
    """The table of one dimension of ``f`` (its 合计 row first with ``with_total``)."""
    tallies = f.dimensions[dimension]
    return stats_table([f.total, *tallies] if with_total else tallies, dimension)


def ranking(f: MonthlyFigures) -> str:
    units = [t for t in f.dimensions["责任单位"] if t.total]
    if not units:
        return "暂无责任单位积案。"
    best = max(units, key=lambda t: (t.rate, t.total))
    worst = min(units, key=lambda t: (t.rate, -t.total))
    return (f"按责任单位，化解率最高的是{best.name}（{best.rate:.1f}%），"
            f"最低的是{worst.name}（{worst.rate:.1f}%）。")  # fmt: skip


def groups_sentence(f: MonthlyFigures) -> str:
    focus = "、".join(f"{label}{n}件" for label, n in f.focus)
    return ("按归类分：" + "，".join(f"{x.name}{x.total}件（已化解{x.resolved}件）"
                                 for x in f.dimensions["归类"]) + f"。重点案件中，{focus}。")  # fmt: skip


def overdue_sentence(f: MonthlyFigures) -> str:
    overdue = f.overdue_rows
    if not overdue:
        return f"截至{cn_date(f.day)}，没有超过办结时限仍未办结的积案。"
    names = "、".join(f"{r.case_no}（{r.unit or '未填单位'}）" for r in overdue[:30])
    more = "等" if len(overdue) > 30 else ""
    return f"截至{cn_date(f.day)}，超过办结时限仍未办结的积案{len(overdue)}件：{names}{more}。"


def leaders_sentence(f: MonthlyFigures) -> str:
    leaders = [t for t in f.dimensions["包案领导"] if t.name != UNASSIGNED]
    cases = sum(t.total for t in leaders)
    resolved = sum(t.resolved for t in leaders)
    closed = sum(t.closed for t in leaders)
    missing = f.total.total - cases
    text = (f"{len(leaders)}位领导包案（包查）积案{cases}件，已办结{closed}件，"
            f"其中已化解{resolved}件")  # fmt: skip
    return text + (
        f"；尚未明确包案领导的{missing}件。" if missing else "；每件积案均已明确包案领导。"
    )


ASSIGNED_SOURCES = ("省交办", "市交办", "区交办")


def assigned_sentence(f: MonthlyFigures) -> str:
    """办结 of the cases 省/市/区 assigned (the campaign's “县交办的信访积案 xx% 办结”)."""
    parts = []
    for t in f.dimensions["来源"]:
        if t.name in ASSIGNED_SOURCES:
            rate = round(100.0 * t.closed / t.total, 1) if t.total else 0.0
            parts.append(f"{t.name}{t.total}件，已办结{t.closed}件（办结率{rate:.1f}%），"
                         f"已化解{t.resolved}件")  # fmt: skip
    return "；".join(parts) + "。"


def monthly_blocks(f: MonthlyFigures) -> list[Block]:
    t = f.total
    return [
        ("Body", summary_sentence(f) + f"本月化解{t.resolved_this_month}件。"),
        ("Heading 1", "一、总体情况"),
        ("Body", "本月统计的积案" + groups_sentence(f)),
        dim_table(f, "归类", True),
        Figure("group", "图1　按归类积案与化解情况", tuple(f.dimensions["归类"])),
        ("Heading 1", "二、按问题类别"),
        dim_table(f, "问题类别"),
        Figure("category", "图2　按问题类别积案与化解情况", tuple(f.dimensions["问题类别"])),
        ("Heading 1", "三、按责任单位"),
        ("Body", ranking(f)),
        dim_table(f, "责任单位"),
        ("Heading 1", "四、按来源（交办层级）"),
        dim_table(f, "来源"),
        ("Heading 1", "五、超期未办结案件"),
        ("Body", overdue_sentence(f)),
    ]


# --- the four dated progress reports --------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One of the four progress reports the campaign asks for, by its 报送 date."""

    number: int
    due: tuple[int, int]  # (month, day) it is due by
    title: str
    blanks: tuple[str, ...]  # the parts only a person can write: the --set keys
    attachments: tuple[str, ...]  # attachment names (ATTACHMENT_KINDS keys)
    blocks: Callable[[MonthlyFigures, Callable[[str], Blank], dt.date | None], list[Block]]

    @property
    def keys(self) -> tuple[str, ...]:
        return (*self.blanks, SIGNER_KEY)

    def previous_day(self, day: dt.date) -> dt.date | None:
        """The day the previous stage's report counted to (本期化解 is counted since then)."""
        if self.number == 1:
            return None
        month, mday = STAGES[self.number - 1].due
        prev = dt.date(day.year, month, mday)
        return prev if prev < day else None


def _since(f: MonthlyFigures, previous: dt.date | None) -> str:
    if previous is None:
        return ""
    return f"其中{cn_date(previous)}以来化解{f.total.resolved_this_month}件。"


def _stage1(f: MonthlyFigures, blank: Callable[[str], Blank], prev: dt.date | None) -> list[Block]:
    del prev
    return [
        ("Body", "按照信访积案化解工作实施方案的要求，现将实施方案落实情况报告如下。"),
        ("Heading 1", "一、传达部署情况"),
        blank("传达部署情况"),
        ("Heading 1", "二、实施方案的方法和步骤"),
        blank("方法步骤"),
        ("Heading 1", "三、积案化解台帐建立情况"),
        ("Body", f"已建立积案化解台帐（见附件）。{summary_sentence(f)}积案{groups_sentence(f)}"),
        dim_table(f, "归类", True),
        dim_table(f, "问题类别"),
        ("Heading 1", "四、领导包查和交办案件办结情况"),
        ("Body", leaders_sentence(f)),
        ("Body", assigned_sentence(f)),
        dim_table(f, "来源"),
        dim_table(f, "包案领导"),
    ]


def _stage2(f: MonthlyFigures, blank: Callable[[str], Blank], prev: dt.date | None) -> list[Block]:
    return [
        ("Body", "现将信访积案化解工作进展情况报告如下。"),
        ("Heading 1", "一、排查情况"),
        ("Body", f"{summary_sentence(f)}积案{groups_sentence(f)}排查登记情况见附件1。"),
        dim_table(f, "归类", True),
        Figure("group", "图1　按归类积案与化解情况", tuple(f.dimensions["归类"])),
        dim_table(f, "问题类别"),
        ("Heading 1", "二、领导包案、包查情况"),
        ("Body", leaders_sentence(f)),
        dim_table(f, "包案领导"),
        ("Heading 1", "三、积案化解情况"),
        (
            "Body",
            f"截至{cn_date(f.day)}，已化解积案{f.total.resolved}件，化解率{f.total.rate:.1f}%。"
            + _since(f, prev)
            + ranking(f),
        ),
        dim_table(f, "责任单位"),
        (
            "Body",
            f"尚未化解的积案{f.total.total - f.total.resolved}件，逐案落实的稳控措施见附件2。",
        ),
        ("Heading 1", "四、采取的措施"),
        blank("采取的措施"),
        ("Heading 1", "五、经验做法"),
        blank("经验做法"),
    ]


def _stage3(f: MonthlyFigures, blank: Callable[[str], Blank], prev: dt.date | None) -> list[Block]:
    return [
        ("Body", "现将信访积案化解情况报告如下。"),
        ("Heading 1", "一、积案化解进展"),
        ("Body", summary_sentence(f) + _since(f, prev) + assigned_sentence(f)),
        dim_table(f, "来源", True),
        ("Body", ranking(f)),
        dim_table(f, "责任单位"),
        ("Heading 1", "二、存在问题"),
        ("Body", overdue_sentence(f)),
        blank("存在问题"),
        ("Heading 1", "三、意见建议"),
        blank("意见建议"),
        ("Heading 1", "四、经验做法"),
        blank("经验做法"),
    ]


def _stage4(f: MonthlyFigures, blank: Callable[[str], Blank], prev: dt.date | None) -> list[Block]:
    del prev
    return [
        ("Body", "现将信访积案化解工作总结如下。"),
        ("Heading 1", "一、基本情况"),
        ("Body", f"{summary_sentence(f)}积案{groups_sentence(f)}{assigned_sentence(f)}"),
        dim_table(f, "归类", True),
        Figure("group", "图1　按归类积案与化解情况", tuple(f.dimensions["归类"])),
        dim_table(f, "来源"),
        ("Heading 1", "二、主要做法和成效"),
        blank("主要做法和成效"),
        ("Body", leaders_sentence(f) + ranking(f)),
        dim_table(f, "责任单位"),
        ("Heading 1", "三、存在问题"),
        ("Body", overdue_sentence(f)),
        blank("存在问题"),
        ("Heading 1", "四、下一步工作打算"),
        blank("下一步工作打算"),
    ]


STAGES: dict[int, Stage] = {
    1: Stage(1, (6, 10), "关于信访积案化解工作实施方案落实情况的报告",
             ("传达部署情况", "方法步骤"), ("积案化解台帐",), _stage1),
    2: Stage(2, (7, 10), "关于信访积案化解工作进展情况的报告",
             ("采取的措施", "经验做法"), ("排查登记表", "未解决案件稳控措施表"), _stage2),
    3: Stage(3, (8, 20), "关于信访积案化解情况的报告", ("存在问题", "意见建议", "经验做法"),
             ("积案化解情况表", "未解决案件稳控措施表"), _stage3),
    4: Stage(4, (11, 1), "关于信访积案化解工作的总结报告",
             ("主要做法和成效", "存在问题", "下一步工作打算"),
             ("信访积案排查化解情况统计表", "排查登记表"), _stage4),
}  # fmt: skip


def progress_paper(stage: Stage, f: MonthlyFigures, values: Mapping[str, str], *, doc_no: str,
                   signer: str) -> ReportPaper:  # fmt: skip
    """The stage's report over ``f``; ``values`` are the clerk's words by blank label."""

    def blank(label: str) -> Blank:
        return Blank(label, values.get(label) or None)

    return ReportPaper(
        org_mark=f.org_name, doc_no=doc_no, signer=signer, addressee=ADDRESSEE,
        title=stage.title, blocks=stage.blocks(f, blank, stage.previous_day(f.day)),
        sender=f.org_name, date_text=cn_date(f.day), attachments=stage.attachments,
    )  # fmt: skip


def unfilled(paper: ReportPaper) -> list[str]:
    """Labels of the places still left for the clerk, in paper order."""
    return [b.label for b in paper.blocks if isinstance(b, Blank) and not b.text]


def describe_stages() -> dict[str, Any]:
    return {str(n): f"{s.title}（{s.due[0]}月{s.due[1]}日前报送）" for n, s in STAGES.items()}
