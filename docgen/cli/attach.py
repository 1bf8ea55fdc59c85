"""docgen attach: store a scan, signed PDF, image or .docx in a case's folder and catalog it."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.archive.attachments import DEFAULT_KIND, AttachRequest, attach, parse_meta
from docgen.cli.options import (
    CASE_NO,
    DocgenCommand,
    date_option,
    emit,
    handle_errors,
    json_option,
    open_workspace,
    workspace_option,
)


@click.command("attach", cls=DocgenCommand)
@click.argument("case_no", metavar="案件编号", type=CASE_NO)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False),
                help="要附加的文件（PDF、图片或 .docx）")  # fmt: skip
@click.option("--section", type=click.IntRange(1, 6), required=True, help="六有部分（1–6）")
@click.option("--title", required=True, help="题名")
@click.option("--kind", default=DEFAULT_KIND, show_default=True, help="材料种类，如 息诉罢访保证书")
@date_option("--date", "doc_date", help="日期，如 2024-7-1、2024.7.1 或 2024年7月1日")
@click.option("--author", help="责任者")
@click.option("--doc-no", help="文号")
@click.option("--meta", "meta", multiple=True, help="附加事实 键=值，可重复，如 送达时间=2024-6-12")
@workspace_option
@json_option
@handle_errors
def attach_command(case_no, file, section, title, kind, doc_date, author, doc_no, meta,
                   workspace_path, as_json) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    """附加扫描件、签字 PDF、图片或 Word 文件到案件（按内容识别类型）。"""
    ws = open_workspace(workspace_path)
    request = AttachRequest(case_no, file, section, title, kind, doc_date, author, doc_no,
                            parse_meta(meta))  # fmt: skip
    result = attach(ws, request)
    emit(
        result.to_dict(),
        as_json,
        lambda: click.echo(f"已附加：文档 {result.document_id}，{result.pages} 页 → {result.path}"),
    )
