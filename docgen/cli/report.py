"""docgen report: the 月报 (统计表 + 月报 paper), the four progress reports, the 督办 and 包案
overviews."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from docgen.cli.options import (
    DocgenCommand,
    DocgenGroup,
    date_option,
    emit,
    handle_errors,
    json_option,
    open_workspace,
    shown,
    workspace_option,
)

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

OUT = click.Path(path_type=Path, file_okay=False)


@click.group("report", cls=DocgenGroup)
def report_group() -> None:
    """统计报表：月报统计表与月报、四次进展报告、督查督办情况、领导包案情况。"""


SET = click.option("--set", "pairs", multiple=True, metavar="字段=值",
                   help="填写只能由人写的部分或签发人（如 经验做法=…、签发人=…），可多次使用")  # fmt: skip


@report_group.command("monthly", cls=DocgenCommand)
@click.option(
    "--month", required=True, metavar="年-月", help="统计月份，如 2024-06（截至该月最后一天）"
)
@click.option("--out", "out_dir", required=True, type=OUT, metavar="目录", help="输出目录")
@click.option("--set", "pairs", multiple=True, metavar="签发人=姓名",
              help="月报的签发人（默认取工作区设置；都没有时不印签发人）")  # fmt: skip
@workspace_option
@json_option
@handle_errors
def monthly_command(month: str, out_dir: Path, pairs: tuple[str, ...],
                    workspace_path: Path | None, as_json: bool) -> None:  # fmt: skip
    """月报：信访积案排查化解情况统计表（.xlsx，含图表和明细）和月报（.docx + PDF）。"""
    from docgen.archive.reports.monthly import make_monthly, summary_sentence

    result = make_monthly(open_workspace(workspace_path), month, out_dir, values=pairs)

    def text() -> None:
        click.echo(f"{summary_sentence(result.figures)}文号：{result.doc_no}")
        for path in result.files:
            click.echo(f"已生成：{path}")

    emit(result.as_dict(), as_json, text)


@report_group.command("progress", cls=DocgenCommand)
@click.option("--stage", required=True, metavar="1|2|3|4",
              help="第几次进展报告：1 实施方案落实（6月10日前）、2 工作进展（7月10日前）、"
                   "3 化解情况（8月20日前）、4 总结材料（11月1日前）")  # fmt: skip
@date_option("--as-of", "as_of", required=True, metavar="日期", help="统计截至日期，如 2024-07-10")
@click.option("--out", "out_dir", required=True, type=OUT, metavar="目录", help="输出目录")
@SET
@workspace_option
@json_option
@handle_errors
def progress_command(stage: str, as_of: dt.date, out_dir: Path, pairs: tuple[str, ...],
                     workspace_path: Path | None, as_json: bool) -> None:  # fmt: skip
    """进展报告：报联席办的四次进展报告（.docx + PDF）及附件（排查登记表、稳控措施表等 .xlsx）。"""
    from docgen.archive.reports.progress import make_progress, progress_lines

    result = make_progress(open_workspace(workspace_path), stage, as_of, out_dir, pairs)

    def text() -> None:
        for line in progress_lines(result):
            click.echo(line)
        for path in result.files:
            click.echo(f"已生成：{path}")

    emit(result.as_dict(), as_json, text)


def _overview(rows: list[dict[str, Any]], columns: tuple[str, ...], title: str, out: Path | None,
              as_json: bool, ws: Workspace) -> None:  # fmt: skip
    from docgen.archive.reports.overviews import write_overview

    if out is not None:
        write_overview(ws, rows, columns, title, out)

    def text() -> None:
        click.echo(title)
        click.echo("  ".join(columns))
        for r in rows:
            click.echo("  ".join(shown(r[c]) if r[c] is not None else "—" for c in columns))
        click.echo(f"共 {len(rows)} 条" + (f"，已写入：{out}" if out else ""))

    emit(rows, as_json, text)


def overview_options(f):  # type: ignore[no-untyped-def]
    """The options of the overview tables (supervision, leaders)."""
    f = handle_errors(f)
    f = json_option(f)
    f = workspace_option(f)
    f = click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
                     metavar="文件.xlsx", help="同时写入 .xlsx 表格")(f)  # fmt: skip
    return date_option("--as-of", "as_of", metavar="日期", help="统计截至日期（默认今天）")(f)


@report_group.command("supervision", cls=DocgenCommand)
@overview_options
def supervision_command(as_of: dt.date | None, out: Path | None, workspace_path: Path | None,
                        as_json: bool) -> None:  # fmt: skip
    """督查督办情况：发函督办的案件、督办日期、答复日期和是否超期。"""
    from docgen.archive.reports.overviews import SUPERVISION_COLUMNS, supervision_rows

    ws = open_workspace(workspace_path)
    rows = supervision_rows(ws, as_of or dt.date.today())
    _overview(rows, SUPERVISION_COLUMNS, "督查督办情况表", out, as_json, ws)


@report_group.command("leaders", cls=DocgenCommand)
@overview_options
def leaders_command(as_of: dt.date | None, out: Path | None, workspace_path: Path | None,
                    as_json: bool) -> None:  # fmt: skip
    """领导包案情况：每位包案领导的案件、状态和剩余天数（半年销号清单）。"""
    from docgen.archive.reports.overviews import LEADER_COLUMNS, leader_rows

    ws = open_workspace(workspace_path)
    rows = leader_rows(ws, as_of or dt.date.today())
    _overview(rows, LEADER_COLUMNS, "领导包案情况表", out, as_json, ws)
