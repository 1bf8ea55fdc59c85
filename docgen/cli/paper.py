"""docgen paper types|make|pdf|check."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.cases import CaseFilter
from docgen.cli.options import (
    DocgenGroup,
    UserError,
    emit,
    handle_errors,
    json_option,
    open_workspace,
    workspace_option,
)
from docgen.cli.seal import passphrase_env_option, passphrase_for
from docgen.errors import ValidationError
from docgen.papers.registry import CASE_FIELDS, PAPER_TYPES
from docgen.vocab import CATEGORIES, STATUSES


@click.group("paper", cls=DocgenGroup)
def paper_group() -> None:
    """生成公文文书（.docx 与 PDF）：交办函、督办函、处理意见书等。"""


def _types_data() -> list[dict[str, object]]:
    return [
        {
            "类型": p.name,
            "格式": p.variant,
            "六有分类": int(p.section),
            "文号": p.code_suffix is not None,
            "案件字段": [CASE_FIELDS[k] for k in p.case_fields],
            "必填字段": [f.label for f in p.required],
            "可选字段": [f.label for f in p.optional],
            "字段": [
                {
                    "名称": f.label,
                    "类型": f.kind,
                    "必填": f.required,
                    "默认值": None if f.required else f.default,
                    "可选值": list(f.choices),
                }
                for f in p.fields
            ],
        }
        for p in PAPER_TYPES.values()
    ]


@paper_group.command("types")
@json_option
def types_command(as_json: bool) -> None:
    """列出文书类型及其字段（来自案件 / 必填 / 可选）。"""
    rows = _types_data()

    def text() -> None:
        for r in rows:
            click.echo(f"{r['类型']}（{r['格式']}，六有第{r['六有分类']}类"
                       f"{'，有文号' if r['文号'] else ''}）")  # fmt: skip
            click.echo(f"  案件字段：{'、'.join(r['案件字段'])}")  # type: ignore[arg-type]
            click.echo(f"  必填字段：{'、'.join(r['必填字段']) or '无'}")  # type: ignore[arg-type]
            click.echo(f"  可选字段：{'、'.join(r['可选字段']) or '无'}")  # type: ignore[arg-type]

    emit(rows, as_json, text)


def parse_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValidationError(f"--set 的格式应为 字段=值（收到“{pair[:40]}”）")
        values[name.strip()] = value
    return values


@paper_group.command("make")
@click.argument("type_name", metavar="类型")
@click.option("--case", "case_no", metavar="案件编号", help="为这件案件生成")
@click.option("--all", "all_cases", is_flag=True, help="批量：为台账中（筛选后的）每件案件生成")
@click.option("--set", "pairs", multiple=True, metavar="字段=值", help="填写字段，可多次使用")
@click.option("--status", type=click.Choice(STATUSES), help="批量时按状态筛选")
@click.option("--category", type=click.Choice(CATEGORIES), help="批量时按问题类别筛选")
@click.option("--unit", help="批量时按责任单位筛选（含此文字）")
@click.option("--leader", help="批量时按包案领导筛选（含此文字）")
@click.option("--overdue", is_flag=True, help="批量时只处理已超期的案件")
@click.option("--seal", is_flag=True, help="在署名和成文日期处加盖印章")
@click.option("--sign", is_flag=True, help="盖章并数字签名（印章为签名外观，签名是最后一步）")
@passphrase_env_option
@workspace_option
@json_option
@handle_errors
def make_command(type_name, case_no, all_cases, pairs, status, category, unit, leader, overdue,
                 seal, sign, passphrase_env, workspace_path, as_json) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    """生成文书：--case 单件，或 --all 批量（两个进程并行，带进度条）。"""
    if bool(case_no) == all_cases:
        raise UserError("请指定 --case 案件编号 或 --all（二选一）")
    from docgen.papers.make import make_paper, make_papers

    ws = open_workspace(workspace_path)
    values = parse_pairs(pairs)
    passphrase = passphrase_for(sign, passphrase_env)
    if case_no:
        made = make_paper(ws, type_name, case_no, values)
        data = made.as_dict()
        if seal or sign:
            data["签章"] = seal_made(ws, made, sign, passphrase).as_dict()
        emit(data, as_json, lambda: click.echo(
            f"已生成{made.kind} {made.doc_no or ''}（{made.pages} 页）：{made.pdf}，{made.docx}"
            + ("，已签名" if sign else "，已盖章" if seal else "")))  # fmt: skip
        return
    flt = CaseFilter(status=status, category=category, unit=unit, leader=leader, overdue=overdue)
    with click.progressbar(length=1, label="生成中", file=sys.stderr) as bar:

        def progress(done: int, total: int, _case: str) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        result = make_papers(ws, type_name, flt, values, progress=progress)
    if seal or sign:
        for made in result.made:
            seal_made(ws, made, sign, passphrase)
    data = {"成功": [m.as_dict() for m in result.made],
            "失败": [{"案件编号": c, "原因": r} for c, r in result.failed]}  # fmt: skip

    def text() -> None:
        click.echo(f"成功 {len(result.made)} 件，失败 {len(result.failed)} 件")
        for c, r in result.failed:
            click.echo(f"  失败：{c}：{r}")

    emit(data, as_json, text)
    if result.failed:
        raise SystemExit(1)


def seal_made(ws, made, sign: bool, passphrase: str | None):  # type: ignore[no-untyped-def]
    """Seal (or sign) a paper just made, in place; its catalog row gets the new SHA-256."""
    from archive.sealing import seal_any_paper

    return seal_any_paper(ws, ws.root / made.pdf, sign=sign, passphrase=passphrase)


@paper_group.command("pdf")
@click.argument("docx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="输出的 PDF 路径")
@handle_errors
def pdf_command(docx: Path, out: Path | None) -> None:
    """把（在 Word/WPS 中修改过的）.docx 排成正式 PDF。"""
    from docgen.typeset import typeset_docx

    result = typeset_docx(docx, out or docx.with_suffix(".pdf"))
    click.echo(f"已生成 {result.pdf}（{result.pages} 页）")


@paper_group.command("check")
@click.argument("template", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@handle_errors
def check_command(template: Path) -> None:
    """检查模板：被拆分的标签、未声明的字段、未知样式。"""
    from docgen.papers.check import check_template

    problems = check_template(template)
    for p in problems:
        click.echo(f"问题：{p.message}")
    if problems:
        raise UserError(f"模板 {template.name} 有 {len(problems)} 处问题")
    click.echo(f"模板 {template.name} 检查通过")
