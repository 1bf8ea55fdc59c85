"""docgen dossier check|build: the 六有 completeness check and the archival PDF dossier."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docgen.cli.options import (
    DocgenGroup,
    emit,
    handle_errors,
    json_option,
    open_workspace,
    workspace_option,
)


@click.group("dossier", cls=DocgenGroup)
def dossier_group() -> None:
    """六有卷宗：完整性检查与组卷。"""


@dossier_group.command("check")
@click.argument("case_no")
@workspace_option
@json_option
@handle_errors
def check_command(case_no: str, workspace_path: Path | None, as_json: bool) -> None:
    """检查案件的六有材料是否齐全（有缺失时退出码为 1）。"""
    from archive.dossier.build import check_workspace_case

    report = check_workspace_case(open_workspace(workspace_path), case_no)
    emit(report.to_dict(), as_json, lambda: click.echo("\n".join(report.lines())))
    sys.exit(report.exit_code)


@dossier_group.command("build")
@click.argument("case_no")
@click.option("--allow-incomplete", is_flag=True, help="材料不全也组卷（备考表中注明缺失）")
@click.option("--archive-stamp", is_flag=True, help="在每件首页加盖归档章")
@click.option("--filer", help="立卷人（默认：当前用户）")
@click.option("--checker", default="", help="检查人（默认留空，手签）")
@workspace_option
@json_option
@handle_errors
def build_command(case_no: str, allow_incomplete: bool, archive_stamp: bool, filer: str | None,
                  checker: str, workspace_path: Path | None, as_json: bool) -> None:  # fmt: skip
    """组卷：封面、卷内目录、六部分材料、备考表，连续页号和书签，输出一个 PDF。"""
    from archive.dossier.build import BuildOptions, DossierIncomplete, build_dossier

    ws = open_workspace(workspace_path)
    try:
        result = build_dossier(
            ws, case_no, BuildOptions(allow_incomplete, archive_stamp, filer, checker)
        )
    except DossierIncomplete as exc:
        report, message = exc.report, exc.message
        emit({"error": exc.code, **report.to_dict()}, as_json,
             lambda: click.echo("\n".join(report.lines()), err=True))  # fmt: skip
        click.echo(f"错误：{message}", err=True)
        sys.exit(1)
    emit(result.to_dict(), as_json, lambda: click.echo("\n".join(result.lines())))
