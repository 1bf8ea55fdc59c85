"""docgen ledger import|export: the 台账 in and out of the catalog."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from docgen.archive.cases import CaseFilter
from docgen.archive.ledger_io import ImportResult, export_ledger, import_ledger
from docgen.cli.options import (
    DocgenGroup,
    emit,
    handle_errors,
    json_option,
    open_workspace,
    progress,
    workspace_option,
)

MAX_ERRORS_SHOWN = 200


@click.group("ledger", cls=DocgenGroup)
def ledger_group() -> None:
    """台账导入与导出。"""


@ledger_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False),
                help="台账文件（.xlsx、.xls、.ods 或 .csv）")  # fmt: skip
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False),
              help="列映射文件（JSON：{\"表头文字\": \"字段名\"}，字段名也可写“附加信息”或“忽略”）")  # fmt: skip
@click.option("--skip-invalid", is_flag=True, help="导入合格的行，错误行连同原因另存为文件")
@click.option("--errors-out", type=click.Path(path_type=Path, dir_okay=False),
              help="错误行文件的保存位置（默认与台账同目录）")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="只检查：列出表头对应和各项行数，不写入任何内容")
@workspace_option
@json_option
@handle_errors
def import_command(
    file: Path,
    mapping: Path | None,
    skip_invalid: bool,
    errors_out: Path | None,
    dry_run: bool,
    workspace_path: Path | None,
    as_json: bool,
) -> None:
    """从 Excel（.xlsx/.xls/.ods）或 CSV 台账导入案件；按案件编号（无编号时按信访人身份）更新已有案件，不会重复。

    有任何一行被拒收，退出码即为 1（加 --skip-invalid 时也是）。
    """
    ws = open_workspace(workspace_path)
    with progress("导入台账", as_json=as_json) as advance:
        result = import_ledger(ws, file, mapping_file=mapping, skip_invalid=skip_invalid,
                               errors_out=errors_out, dry_run=dry_run, progress=advance)  # fmt: skip
    emit(_as_dict(result), as_json, lambda: _print_import(result, skip_invalid))
    if result.errors:
        raise SystemExit(1)


def _as_dict(result: ImportResult) -> dict:
    data = asdict(result)
    data["errors"] = [{**asdict(e), "text": str(e)} for e in result.errors]
    data["refused"] = result.refused
    for sheet, report in zip(data["sheets"], result.sheets, strict=True):
        sheet["accounted"] = report.accounted
    return data


def _print_import(result: ImportResult, skip_invalid: bool) -> None:
    several = len(result.sheets) > 1
    click.echo(f"台账：{result.file}（数据 {result.rows} 行）")
    for s in result.sheets:
        name = f"工作表“{s.name}”：" if s.name else ""
        click.echo(f"{name}表头在{s.header_rows}，共 {s.rows} 行")
        if result.dry_run or not several:
            click.echo("  表头对应：" + "；".join(f"{h} → {f}" for h, f in s.columns))
        if s.unknown_columns:
            click.echo(f"  未识别的列（原样保存在案件附加信息中）：{'、'.join(s.unknown_columns)}")
        if s.ignored_columns:
            click.echo(f"  不导入的列（错误行文件的说明列）：{'、'.join(s.ignored_columns)}")
        for note in s.notes:
            click.echo(f"  {note}")
    for sk in result.skipped_sheets:
        click.echo(f"跳过工作表“{sk['name']}”（{sk['rows']} 行）：{sk['reason']}")
    for note in result.notes:
        click.echo(note)
    if result.errors:
        click.echo(f"错误：发现 {result.refused} 行有问题，共 {len(result.errors)} 处：", err=True)
        for e in result.errors[:MAX_ERRORS_SHOWN]:
            click.echo(f"  {e}", err=True)
        if len(result.errors) > MAX_ERRORS_SHOWN:
            click.echo(f"  ……另有 {len(result.errors) - MAX_ERRORS_SHOWN} 处未列出", err=True)
    click.echo("各表行数：")
    for s in result.sheets:
        ignored = "，".join(f"{k} {v}" for k, v in s.ignored.items()) or "0"
        held = f"，合格未导入 {s.not_imported}" if s.not_imported else ""
        verb = "可新增" if result.dry_run else "新增"
        verb2 = "可更新" if result.dry_run else "更新"
        click.echo(
            f"  {s.name or result.file}：共 {s.rows} 行 = 标题与表头 {s.title_and_header} + "
            f"{verb} {s.created} + {verb2} {s.updated} + 拒收 {s.refused}{held} + 忽略（{ignored}）"
            + ("" if s.accounted == s.rows else f"（核对不符：{s.accounted}）")
        )
    if result.dry_run:
        if result.errors:
            click.echo("有拒收的行：正式导入时不加 --skip-invalid 将不导入任何案件。")
        click.echo("试运行（--dry-run）：未写入任何内容。")
        return
    if result.errors and not skip_invalid:
        click.echo("未导入任何案件（全部成功才导入）。修正后重新导入，"
                   "或加 --skip-invalid 只导入合格的行。", err=True)  # fmt: skip
        return
    if result.error_file:
        click.echo(f"错误行已另存：{result.error_file}")
    click.echo(
        f"导入完成：新增 {result.created} 件，更新 {result.updated} 件，跳过 {result.skipped} 行"
    )


@ledger_group.command("export")
@click.argument(
    "file", type=click.Path(path_type=Path, dir_okay=False), help="导出的 .xlsx 或 .csv 文件"
)
@click.option("--status", help="只导出该状态的案件")
@click.option("--category", help="只导出该问题类别")
@click.option("--unit", help="只导出责任单位含此文字的案件")
@click.option("--overdue", is_flag=True, help="只导出已超期的案件")
@workspace_option
@handle_errors
def export_command(
    file: Path,
    status: str | None,
    category: str | None,
    unit: str | None,
    overdue: bool,
    workspace_path: Path | None,
) -> None:
    """导出台账：.xlsx（中文表头、冻结首行、日期单元格）或 .csv（Excel 可直接打开，中文不乱码）。"""
    ws = open_workspace(workspace_path)
    flt = CaseFilter(status=status, category=category, unit=unit, overdue=overdue)
    count = export_ledger(ws, file, flt)
    click.echo(f"已导出 {count} 件案件：{file}")
