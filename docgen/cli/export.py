"""docgen export 案件编号... --out DIR: the sealed package for the upper office."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli.options import (
    CASE_NO,
    DocgenCommand,
    emit,
    handle_errors,
    json_option,
    open_workspace,
    progress,
    workspace_option,
)
from docgen.cli.seal import passphrase_env_option, passphrase_for


@click.command("export", cls=DocgenCommand)
@click.argument("case_nos", metavar="案件编号...", nargs=-1, required=True, type=CASE_NO)
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="报送包目录（不存在或为空）")  # fmt: skip
@click.option("--redact/--no-redact", default=True,
              help="报送函和清单中的身份证号、电话、住址打码（默认打码；卷宗原件和扫描件不脱敏）")  # fmt: skip
@click.option("--to", "recipient", default="上级机关", show_default=True, help="报送函的主送机关")
@click.option("--sign", is_flag=True, help="报送函加盖电子签章（数字签名，需单位密钥口令）")
@passphrase_env_option
@workspace_option
@json_option
@handle_errors
def export_command(case_nos: tuple[str, ...], out_dir: Path, redact: bool, recipient: str,
                   sign: bool, passphrase_env: str | None, workspace_path: Path | None,
                   as_json: bool) -> None:  # fmt: skip
    """生成上报材料包：各案最新的盖章卷宗、报送函、带 SHA-256 的文件清单。"""
    from docgen.archive.export import export_package

    ws = open_workspace(workspace_path)
    passphrase = passphrase_for(sign, passphrase_env)
    with progress("生成报送包", as_json=as_json) as advance:
        result = export_package(ws, case_nos, out_dir, redact=redact, recipient=recipient,
                                sign=sign, passphrase=passphrase, progress=advance)  # fmt: skip

    def text() -> None:
        click.echo(f"报送包已生成：{result.out_dir}（{result.doc_no}，报 {result.recipient}）")
        for f in result.files:
            click.echo(f"  {f.path}  SHA-256 {f.sha256[:16]}…{'  已签名' if f.signed else ''}")
        for note in result.notes:
            click.echo(f"说明：{note}")
        for warning in result.warnings:
            click.echo(f"注意：{warning}")

    emit(result.as_dict(), as_json, text)
