"""docgen numbers: the 文号 register (发文登记簿)."""

from __future__ import annotations

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


@click.command("numbers", cls=DocgenCommand)
@click.option("--code", metavar="代字", help="只列出这个发文代字的文号（如 某信交督）")
@click.option("--year", type=int, metavar="年份", help="只列出这一年的文号")
@workspace_option
@json_option
@handle_errors
def numbers_command(code: str | None, year: int | None, workspace_path: Path | None,
                    as_json: bool) -> None:  # fmt: skip
    """发文登记簿：文号、成文日期、文书、案件编号、状态（有效 / 已更正 / 作废），按文号顺序。"""
    from docgen.archive.register import doc_register

    ws = open_workspace(workspace_path)
    with ws.read_session() as session:
        entries = doc_register(session, code=code, year=year)

    def text() -> None:
        for e in entries:
            state = e.state + (f"（{e.reason}）" if e.reason else "")
            click.echo(f"{e.doc_no}  {shown(e.date)}  {e.kind}  {e.case_no}  {state}")
        click.echo(f"共 {len(entries)} 个文号")

    emit([e.as_dict() for e in entries], as_json, text)
