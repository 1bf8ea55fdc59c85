"""docgen verify [FILE.pdf] [--cert CERT]: one file's signatures, or the whole workspace.

Exit status follows the highest severity found: 0 passed, 1 warnings only, 2 errors.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from docgen.cli.options import (
    DocgenCommand,
    emit,
    handle_errors,
    json_option,
    open_workspace,
    shown,
    workspace_option,
)
from docgen.errors import WorkspaceError


def _yes(value: bool | None) -> str:
    return "未指定证书" if value is None else shown(value)


@click.command("verify", cls=DocgenCommand)
@click.argument("file", metavar="[文件.pdf]", required=False, help="要核验的 PDF 文件（不指定则核验整个工作区）",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))  # fmt: skip
@click.option("--cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="核对签名所用的证书（单个文件）；核验工作区时，另外信任此证书所签的签名")  # fmt: skip
@workspace_option
@json_option
@handle_errors
def verify_command(file: Path | None, cert: Path | None, workspace_path: Path | None,
                   as_json: bool) -> None:  # fmt: skip
    """核验数字签名；不指定文件时核验整个工作区（每个存档文件的 SHA-256 和每个签名）。"""
    from docgen.archive.sealing import office_cert_path
    from docgen.archive.verify import Severity, verify_file, verify_workspace

    if file is not None:
        if cert is None:
            try:
                cert = office_cert_path(open_workspace(workspace_path))
            except WorkspaceError:
                cert = None
        report = verify_file(file, cert)
    else:
        report = verify_workspace(open_workspace(workspace_path), trusted=[cert] if cert else [])

    def text() -> None:
        for s in report.signatures:
            click.echo(f"文件：{s.path}")
            moment = (
                dt.datetime.fromisoformat(s.signing_time).astimezone() if s.signing_time else None
            )
            click.echo(f"  签名人：{shown(s.signer)}    签名时间：{shown(moment)}")
            click.echo(f"  签名后未被改动：{_yes(s.intact)}    签名值有效：{_yes(s.valid)}    "
                       f"为指定单位证书所签：{_yes(s.trusted_by_given_cert)}")  # fmt: skip
        for f in report.findings:
            click.echo(f"【{f.severity.label}】{f.path}：{f.message}")
        verdict = "通过" if report.ok else "未通过"
        signatures = sum(s.signatures for s in report.signatures)
        click.echo(f"核验{verdict}：检查文件 {report.files_checked} 个，签名 "
                   f"{signatures} 个，错误 {report.count(Severity.ERROR)} 个，"
                   f"警告 {report.count(Severity.WARNING)} 个")  # fmt: skip

    emit(report.as_dict(), as_json, text)
    if report.exit_code:
        sys.exit(report.exit_code)
