"""Workspace + month → the 月报: the 统计表 .xlsx and the 月报 .docx + PDF, as of the month's
last day (a case resolved in July counts as unresolved in June's report, whenever it is made)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen import gcpause
from docgen.archive.reports.issue import (
    figures_as_of,
    number_report,
    report_values,
    signer_of,
    staged_outputs,
)
from docgen.archive.reports.rows import month_end
from docgen.background import Background
from docgen.dates import cn_date
from docgen.reports.paper import ReportPaper, write_report
from docgen.reports.stats import MonthlyFigures
from docgen.reports.wording import ADDRESSEE, SIGNER_KEY, monthly_blocks, summary_sentence
from docgen.reports.workbook import write_workbook

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

__all__ = ["ReportFiles", "make_monthly", "monthly_figures_for", "summary_sentence"]
MONTHLY_KEYS = (SIGNER_KEY,)


@dataclass(frozen=True)
class ReportFiles:
    figures: MonthlyFigures
    files: list[Path]
    doc_no: str = ""
    signer: str = ""
    to_fill: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**self.figures.as_dict(), "文号": self.doc_no, "签发人": self.signer or None,
                "待填写": self.to_fill, "文件": [str(p) for p in self.files]}  # fmt: skip


def monthly_figures_for(ws: Workspace, month: str) -> MonthlyFigures:
    day = month_end(month)
    return figures_as_of(ws, day, day.replace(day=1) - dt.timedelta(days=1))


def monthly_title(month_label: str) -> str:
    return f"关于{month_label}信访积案排查化解情况的报告"


def monthly_paper(f: MonthlyFigures, month_label: str, doc_no: str = "",
                  signer: str = "") -> ReportPaper:  # fmt: skip
    return ReportPaper(
        org_mark=f.org_name, doc_no=doc_no, signer=signer, addressee=ADDRESSEE,
        title=monthly_title(month_label),
        blocks=monthly_blocks(f), sender=f.org_name, date_text=cn_date(f.day),
        attachments=(f"{month_label}信访积案排查化解情况统计表",),
    )  # fmt: skip


def make_monthly(ws: Workspace, month: str, out_dir: Path, typesetter: Any = None,
                 values: Iterable[str] = ()) -> ReportFiles:  # fmt: skip
    """Write 统计表 .xlsx, 月报 .docx and PDF into ``out_dir``; → the figures and the files.
    The 月报 keeps its 文号 when made again for the same month. The files appear together or,
    when either part fails, none does (the first failure is raised)."""
    day = month_end(month)
    given = report_values(values, MONTHLY_KEYS, "月报")
    with gcpause.paused():  # 10,000 case rows and the PDF's boxes: no full collections meanwhile
        f = monthly_figures_for(ws, month)
        label = f"{f.day.year}年{f.day.month}月"
        names = [f"{label}信访积案排查化解情况统计表.xlsx", f"{label}月报.docx", f"{label}月报.pdf"]
        signer = signer_of(ws, given)
        with staged_outputs(ws, out_dir, names) as temps:
            doc_no = number_report(ws, f"月报:{day:%Y-%m}", "月报", monthly_title(label), day)
            # the 统计表 is written on the second core while this process typesets the 月报
            with Background(write_workbook, f, temps[0], f"{label}信访积案排查化解情况统计表",
                            what="统计表"):  # fmt: skip
                paper = monthly_paper(f, label, doc_no, signer)
                write_report(paper, temps[1], temps[2], typesetter)
    return ReportFiles(f, [Path(out_dir) / n for n in names], doc_no, signer)
