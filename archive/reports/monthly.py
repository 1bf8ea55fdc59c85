"""Workspace + month → the 月报: the 统计表 .xlsx and the 月报 .docx + PDF, as of the month's
last day (a case resolved in July counts as unresolved in June's report, whenever it is made)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.archive.outputs import check_output
from docgen.archive.reports.rows import month_end, workspace_rows
from docgen.papers.context import cn_date
from docgen.reports.paper import Figure, ReportPaper, Table, write_report
from docgen.reports.stats import COLUMNS, MonthlyFigures, Tally, monthly_figures
from docgen.reports.workbook import write_workbook

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

ADDRESSEE = "联席办"  # 主送: the 信访工作联席会议办公室


@dataclass(frozen=True)
class ReportFiles:
    figures: MonthlyFigures
    files: list[Path]

    def as_dict(self) -> dict[str, Any]:
        return {**self.figures.as_dict(), "文件": [str(p) for p in self.files]}


def monthly_figures_for(ws: Workspace, month: str) -> MonthlyFigures:
    day = month_end(month)
    previous = day.replace(day=1) - dt.timedelta(days=1)
    return monthly_figures(workspace_rows(ws, day, previous), day, ws.settings.org)


def summary_sentence(f: MonthlyFigures) -> str:
    t = f.total
    return (
        f"截至{cn_date(f.day)}，共排查信访积案{t.total}件，已化解{t.resolved}件，"
        f"化解率{t.rate:.1f}%；已办结{t.closed}件，未办结{t.open}件，其中超期{t.overdue}件。"
        f"本月化解{t.resolved_this_month}件。"
    )


def _table(tallies: list[Tally]) -> Table:
    rows = [(t.name, t.total, t.resolved, t.resolved_this_month, t.closed, t.open, t.overdue,
             t.rate) for t in tallies]  # fmt: skip
    return Table(("项目", *COLUMNS), rows)


def _ranking(f: MonthlyFigures) -> str:
    units = [t for t in f.dimensions["责任单位"] if t.total]
    if not units:
        return "本月无责任单位积案。"
    best = max(units, key=lambda t: (t.rate, t.total))
    worst = min(units, key=lambda t: (t.rate, -t.total))
    return (f"按责任单位，化解率最高的是{best.name}（{best.rate:.1f}%），"
            f"最低的是{worst.name}（{worst.rate:.1f}%）。")  # fmt: skip


def monthly_paper(f: MonthlyFigures, month_label: str) -> ReportPaper:
    t = f.total
    focus = "、".join(f"{label}{n}件" for label, n in f.focus)
    overdue = f.overdue_rows
    blocks: list[Any] = [
        ("Body", summary_sentence(f)),
        ("Heading 1", "一、总体情况"),
        ("Body", "本月统计的积案按归类分："
         + "，".join(f"{x.name}{x.total}件（已化解{x.resolved}件）" for x in f.dimensions["归类"])
         + f"。重点案件中，{focus}。"),
        _table([t, *f.dimensions["归类"]]),
        Figure("group", "图1　按归类积案与化解情况", tuple(f.dimensions["归类"])),
        ("Heading 1", "二、按问题类别"),
        _table(f.dimensions["问题类别"]),
        Figure("category", "图2　按问题类别积案与化解情况", tuple(f.dimensions["问题类别"])),
        ("Heading 1", "三、按责任单位"),
        ("Body", _ranking(f)),
        _table(f.dimensions["责任单位"]),
        ("Heading 1", "四、按来源（交办层级）"),
        _table(f.dimensions["来源"]),
        ("Heading 1", "五、超期未办结案件"),
        ("Body", f"截至{cn_date(f.day)}，超过办结时限仍未办结的积案{len(overdue)}件"
         + ("：" + "、".join(f"{r.case_no}（{r.unit or '未填单位'}）" for r in overdue[:30])
            + ("等" if len(overdue) > 30 else "") + "。" if overdue else "。")),
    ]  # fmt: skip
    return ReportPaper(
        org_mark=f.org_name, doc_no="", signer="", addressee=ADDRESSEE,
        title=f"关于{month_label}信访积案排查化解情况的报告",
        blocks=blocks, sender=f.org_name, date_text=cn_date(f.day),
        attachments=(f"{month_label}信访积案排查化解情况统计表",),
    )  # fmt: skip


def make_monthly(ws: Workspace, month: str, out_dir: Path, typesetter: Any = None) -> ReportFiles:
    """Write 统计表 .xlsx, 月报 .docx and PDF into ``out_dir``; → the figures and the files."""
    f = monthly_figures_for(ws, month)
    label = f"{f.day.year}年{f.day.month}月"
    out_dir = Path(out_dir)
    names = [f"{label}信访积案排查化解情况统计表.xlsx", f"{label}月报.docx", f"{label}月报.pdf"]
    paths = [out_dir / n for n in names]
    for p in paths:
        check_output(ws, p)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_workbook(f, paths[0], f"{label}信访积案排查化解情况统计表")
    write_report(monthly_paper(f, label), paths[1], paths[2], typesetter)
    return ReportFiles(f, paths)
