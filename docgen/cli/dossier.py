"""docgen dossier check|build: the 六有 completeness check and the archival PDF dossier."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docgen.cli.options import (
    CASE_NO,
    DocgenGroup,
    emit,
    handle_errors,
    json_option,
    one_line_text,
    open_workspace,
    progress,
    workspace_option,
)
from docgen.cli.seal import passphrase_env_option, sealing_for, show_outcome


@click.group("dossier", cls=DocgenGroup)
def dossier_group() -> None:
    """六有卷宗：完整性检查与组卷。"""


@dossier_group.command("check")
@click.argument("case_no", metavar="案件编号", type=CASE_NO)
@workspace_option
@json_option
@handle_errors
def check_command(case_no: str, workspace_path: Path | None, as_json: bool) -> None:
    """检查案件的六有材料是否齐全（有缺失时退出码为 1）。"""
    from docgen.archive.dossier.build import check_workspace_case

    report = check_workspace_case(open_workspace(workspace_path), case_no)
    emit(report.to_dict(), as_json, lambda: click.echo("\n".join(report.lines())))
    sys.exit(report.exit_code)


@dossier_group.command("build")
@click.argument("case_no", metavar="案件编号", type=CASE_NO)
@click.option("--allow-incomplete", is_flag=True, help="材料不全也组卷（备考表中注明缺失）")
@click.option("--archive-stamp", is_flag=True, help="在每件首页加盖归档章")
@click.option("--filer", callback=one_line_text, help="立卷人（默认：当前用户）")
@click.option("--checker", default="", callback=one_line_text, help="检查人（默认留空，手签）")
@click.option("--pdfa", is_flag=True, help="输出 PDF/A-2u 长期保存格式（对输出文件检查）")
@click.option("--seal", is_flag=True, help="封面盖章并加盖骑缝章")
@click.option("--sign", is_flag=True, help="盖章并数字签名（印章为签名外观，签名是最后一步）")
@click.option("--replace-signed", is_flag=True,
              help="已有数字签名的卷宗时仍重新组卷（原签名卷宗另存保留并登记）")  # fmt: skip
@passphrase_env_option
@workspace_option
@json_option
@handle_errors
def build_command(case_no: str, allow_incomplete: bool, archive_stamp: bool, filer: str | None,
                  checker: str, pdfa: bool, seal: bool, sign: bool, replace_signed: bool,
                  passphrase_env: str | None, workspace_path: Path | None,
                  as_json: bool) -> None:  # fmt: skip
    """组卷：封面、卷内目录、六部分材料、备考表，连续页号和书签，输出一个 PDF。"""
    from docgen.archive.dossier.build import BuildOptions, DossierIncomplete, issue_dossier

    ws = open_workspace(workspace_path)
    sealing = sealing_for(seal, sign, passphrase_env)
    options = BuildOptions(allow_incomplete, archive_stamp, filer, checker, pdfa=pdfa,
                           replace_signed=replace_signed)  # fmt: skip
    try:
        with progress("组卷", as_json=as_json) as advance:
            result = issue_dossier(ws, case_no, options, sealing=sealing, progress=advance)
    except DossierIncomplete as exc:
        report, message = exc.report, exc.message
        emit({"code": exc.code, "错误": message, **report.to_dict()}, as_json,
             lambda: click.echo("\n".join(report.lines()), err=True))  # fmt: skip
        click.echo(f"错误：{message}", err=True)
        sys.exit(1)
    if as_json or result.sealed is None:
        emit(result.to_dict(), as_json, lambda: click.echo("\n".join(result.lines())))
        return
    click.echo("\n".join(result.lines()))
    show_outcome(result.sealed, False)
