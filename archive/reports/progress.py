"""Workspace + stage + day → one of the four dated progress reports to the 联席办: the paper
(.docx + PDF, 文号, 签发人, the figures as of the day, marked places for what only a person can
write) and its attachments (.xlsx) beside it, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.archive.reports.issue import (
    figures_as_of,
    number_report,
    report_values,
    signer_of,
    staged_outputs,
)
from docgen.dates import cn_date
from docgen.errors import ValidationError
from docgen.reports.paper import write_report
from docgen.reports.registers import (
    MEASURES_COLUMNS,
    REGISTER_COLUMNS,
    WIDTHS,
    measures_rows,
    register_rows,
)
from docgen.reports.stats import MonthlyFigures
from docgen.reports.wording import STAGES, Stage, progress_paper, summary_sentence, unfilled
from docgen.reports.workbook import write_table, write_workbook

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

KIND = "进展报告"


def _register(f: MonthlyFigures, out: Path, title: str) -> None:
    write_table(out, title, REGISTER_COLUMNS, register_rows(f), WIDTHS)


def _measures(f: MonthlyFigures, out: Path, title: str) -> None:
    write_table(out, title, MEASURES_COLUMNS, measures_rows(f), WIDTHS)


def _statistics(f: MonthlyFigures, out: Path, title: str) -> None:
    write_workbook(f, out, title)


#: attachment name → its writer (figures, path, sheet title)
ATTACHMENT_WRITERS: dict[str, Callable[[MonthlyFigures, Path, str], None]] = {
    "积案化解台帐": _register,
    "排查登记表": _register,
    "积案化解情况表": _register,
    "未解决案件稳控措施表": _measures,
    "信访积案排查化解情况统计表": _statistics,
}


@dataclass(frozen=True)
class ProgressFiles:
    stage: Stage
    figures: MonthlyFigures
    doc_no: str
    signer: str
    to_fill: list[str]
    files: list[Path] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"阶段": self.stage.number, "题名": self.stage.title, "文号": self.doc_no,
                "签发人": self.signer or None, "待填写": self.to_fill,
                **self.figures.as_dict(), "文件": [str(p) for p in self.files]}  # fmt: skip


def get_stage(stage: str | int) -> Stage:
    try:
        return STAGES[int(str(stage).strip())]
    except (ValueError, KeyError):
        choices = "；".join(
            f"{n}：{s.title}（{s.due[0]}月{s.due[1]}日前）" for n, s in STAGES.items()
        )
        raise ValidationError(f"报告阶段“{stage}”无效，可选 1、2、3、4（{choices}）",
                              code="bad_stage") from None  # fmt: skip


def check_day(day: dt.date, today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    if day > today:
        raise ValidationError(f"统计截至日期 {day:%Y-%m-%d} 晚于今天（{today:%Y-%m-%d}）：进展报告"
                              "只能统计已经过去的日子", code="bad_as_of")  # fmt: skip
    return day


def progress_names(stage: Stage, day: dt.date) -> list[str]:
    base = f"{day:%Y%m%d}第{stage.number}次进展报告"
    return [f"{base}.docx", f"{base}.pdf",
            *(f"{base}_附件{n}_{name}.xlsx" for n, name in enumerate(stage.attachments, 1))]  # fmt: skip


def make_progress(ws: Workspace, stage: str | int, day: dt.date, out_dir: Path,
                  values: Iterable[str] = (), typesetter: Any = None) -> ProgressFiles:  # fmt: skip
    """Write the stage's report (.docx + PDF) and its attachments into ``out_dir``. The report
    keeps its 文号 when made again for the same stage and year (the clerk's words filled in)."""
    s = get_stage(stage)
    check_day(day)
    given = report_values(values, s.keys, f"第{s.number}次进展报告")
    f = figures_as_of(ws, day, s.previous_day(day))
    signer = signer_of(ws, given)
    names = progress_names(s, day)
    with staged_outputs(ws, out_dir, names) as temps:
        doc_no = number_report(ws, f"{KIND}{s.number}:{day.year}", KIND, s.title, day)
        paper = progress_paper(s, f, given, doc_no=doc_no, signer=signer)
        for n, name in enumerate(s.attachments):
            ATTACHMENT_WRITERS[name](f, temps[2 + n], name)
        write_report(paper, temps[0], temps[1], typesetter)
    return ProgressFiles(s, f, doc_no, signer, unfilled(paper), [Path(out_dir) / n for n in names])


def progress_lines(result: ProgressFiles) -> list[str]:
    """What the CLI and the demo print about a made report."""
    f = result.figures
    lines = [f"{result.stage.title}（{result.doc_no}，截至{cn_date(f.day)}）",
             summary_sentence(f)]  # fmt: skip
    if result.to_fill:
        keys = "、".join(result.to_fill)
        lines.append(f"待填写 {len(result.to_fill)} 处（已用黄色标出）：{keys}；"
                     f"用 --set {result.to_fill[0]}=… 填写后重新生成，文号不变")  # fmt: skip
    if not result.signer:
        lines.append("未设签发人：文号一行不印“签发人：”；用 --set 签发人=… 指定")
    return lines
