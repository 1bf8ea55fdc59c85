"""Demo step: the June 月报 (统计表 + 月报) and the stage-2 progress report to the 联席办."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.archive.reports.monthly import make_monthly, summary_sentence
from docgen.archive.reports.progress import make_progress, progress_lines

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

DEMO_MONTH = "2024-06"
DEMO_STAGE, DEMO_AS_OF = 2, dt.date(2024, 7, 10)


def demo_reports(ws: Workspace, out_dir: Path, echo: Callable[[str], None]) -> None:
    monthly = make_monthly(ws, DEMO_MONTH, out_dir)
    echo(f"    6月月报（{monthly.doc_no}，签发人 {monthly.signer or '未设'}）：")
    echo(f"      {summary_sentence(monthly.figures)}")
    for path in monthly.files:
        echo(f"      {path}")
    progress = make_progress(ws, DEMO_STAGE, DEMO_AS_OF, out_dir)
    echo(f"    第{DEMO_STAGE}次进展报告：")
    for line in progress_lines(progress):
        echo(f"      {line}")
    for path in progress.files:
        echo(f"      {path}")
