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
    from archive.register import doc_register

    ws = open_workspace(workspace_path)
    with ws.session() as session:
        rows = [r.as_dict() for r in doc_register(session, code=code, year=year)]

    def text() -> None:
        for r in rows:
            state = r["状态"] + (f"（{r['作废原因']}）" if r["作废原因"] else "")
            click.echo(
                f"{r['文号']}  {r['成文日期'] or '—'}  {r['文书']}  {r['案件编号']}  {state}"
            )
        click.echo(f"共 {len(rows)} 个文号")

    emit(rows, as_json, text)
