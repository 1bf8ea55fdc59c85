"""What every report to the 联席办 shares: the figures as of a day (one computation for the 月报
and the progress reports), the clerk's ``--set`` values checked against the keys a report takes,
its 文号 (kept per report and period) and 签发人, and writing its files all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from docgen import chars
from docgen.archive.numbering import report_doc_no
from docgen.archive.outputs import check_output
from docgen.archive.reports.rows import workspace_rows
from docgen.archive.settings import signer_problem
from docgen.atomic import publish, reserve_temp
from docgen.errors import ValidationError
from docgen.pairs import parse_pairs
from docgen.reports.stats import MonthlyFigures, monthly_figures
from docgen.reports.wording import SIGNER_KEY

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

MAX_TEXT_CHARS = 20000  # as a paper's long field (docgen.papers.registry)
REPORT_CODE_SUFFIX = "报"  # 代字 of the office's reports: the workspace's 代字 + 报


def figures_as_of(ws: Workspace, day: dt.date, previous: dt.date | None = None) -> MonthlyFigures:
    """The figures of every report: the cases on record on ``day``, statuses as of it;
    本期化解 counted since ``previous``."""
    return monthly_figures(workspace_rows(ws, day, previous), day, ws.settings.org)


def report_values(pairs: Iterable[str] | Mapping[str, str], keys: Sequence[str],
                  what: str) -> dict[str, str]:  # fmt: skip
    """``--set 名=值`` pairs → values, refusing (in one message) names ``what`` does not take,
    refused characters and over-long text."""
    values = dict(pairs) if isinstance(pairs, Mapping) else parse_pairs(pairs)
    problems = []
    unknown = [k for k in values if k not in keys]
    if unknown:
        problems.append(f"{what}没有可填写的“{'”“'.join(unknown)}”；可填写：{'、'.join(keys)}")
    for key, value in values.items():
        if key == SIGNER_KEY:
            bad = signer_problem(value.strip())
        elif len(value) > MAX_TEXT_CHARS:
            bad = f"“{key}”过长（{len(value)} 字，最多 {MAX_TEXT_CHARS} 字）"
        else:
            bad = (f"“{key}”" + b) if (b := chars.problem(value)) else None
        if bad and key in keys:
            problems.append(bad)
    if problems:
        raise ValidationError("\n".join(problems), code="bad_report_value")
    return {k: v.strip() if k == SIGNER_KEY else v for k, v in values.items()}


def signer_of(ws: Workspace, values: Mapping[str, str]) -> str:
    """签发人: the clerk's ``--set 签发人=…``, else the workspace setting, else "" (no line)."""
    return values.get(SIGNER_KEY) or ws.settings.signer


def number_report(ws: Workspace, key: str, kind: str, title: str, day: dt.date) -> str:
    """The report's 文号, allocated the first time it is made and reprinted after (committed
    before the files are written: a failed render keeps the number for the next attempt)."""
    with ws.session() as session:
        doc_no, new = report_doc_no(session, key, ws.settings.code + REPORT_CODE_SUFFIX,
                                    kind=kind, title=title, day=day)  # fmt: skip
        ws.audit("report", target=doc_no, detail=f"{key}{'（新号）' if new else '（重新生成）'}",
                 session=session)  # fmt: skip
    return doc_no


@contextmanager
def staged_outputs(ws: Workspace, out_dir: Path, names: Sequence[str]) -> Iterator[list[Path]]:
    """Temporary paths beside ``out_dir/name`` for each name; every file replaces its target only
    when all were written (a failure leaves the folder as it was). → the temporary paths."""
    targets = [Path(out_dir) / n for n in names]
    for p in targets:
        check_output(ws, p)
    created = not Path(out_dir).exists()
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    temps: list[Path] = []
    done = False
    try:
        temps.extend(reserve_temp(p) for p in targets)
        yield temps
        for tmp, target in zip(temps, targets, strict=True):
            publish(tmp, target)
        done = True
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        if created and not done and not any(Path(out_dir).iterdir()):
            Path(out_dir).rmdir()
