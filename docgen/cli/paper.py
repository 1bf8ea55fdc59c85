"""docgen paper types|make|pdf|check."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docgen.archive.cases import CaseFilter
from docgen.cli.options import (
    CASE_NO,
    DocgenGroup,
    UserError,
    date_option,
    emit,
    handle_errors,
    json_option,
    open_workspace,
    progress,
    workspace_option,
)
from docgen.cli.seal import passphrase_env_option, sealing_for
from docgen.errors import WorkspaceError
from docgen.pairs import parse_pairs
from docgen.papers.registry import CASE_FIELDS, PaperType, paper_types
from docgen.vocab import CATEGORIES, STATUSES


@click.group("paper", cls=DocgenGroup)
def paper_group() -> None:
    """生成公文文书（.docx 与 PDF）：交办函、督办函、处理意见书等。"""


def _templates_dir(workspace_path: Path | None) -> Path | None:
    """The workspace's templates/ folder (its own paper types), or None outside a workspace."""
    try:
        return open_workspace(workspace_path).templates_dir
    except WorkspaceError:
        if workspace_path is not None:
            raise
        return None


def _types_data(types: dict[str, PaperType]) -> list[dict[str, object]]:
    from docgen.typeset.variants import VARIANTS  # loads the typesetter: only when asked

    return [
        {
            "类型": p.name,
            "格式": VARIANTS[p.variant].label,
            "格式代码": p.variant,
            "六有分类": int(p.section),
            "文号": p.code_suffix is not None,
            "声明文件": Path(p.source).name,
            "模板": p.template,
            "案件字段": [CASE_FIELDS[k] for k in p.case_fields],
            "必填字段": [f.label for f in p.required],
            "可选字段": [f.label for f in p.optional],
            "字段长度上限": {f.label: f.max_chars for f in p.fields},
            "字段": [
                {
                    "名称": f.label,
                    "类型": f.kind,
                    "必填": f.required,
                    "默认值": None if f.required else f.default,
                    "可选值": list(f.choices),
                    "长度上限": f.max_chars,
                }
                for f in p.fields
            ],
        }
        for p in types.values()
    ]


@paper_group.command("types")
@workspace_option
@json_option
@handle_errors
def types_command(workspace_path: Path | None, as_json: bool) -> None:
    """列出文书类型及其字段（来自案件 / 必填 / 可选），含工作区模板目录中自定义的类型。"""
    rows = _types_data(paper_types(_templates_dir(workspace_path)))

    def text() -> None:
        for r in rows:
            click.echo(f"{r['类型']}（{r['格式']}，六有第{r['六有分类']}类"
                       f"{'，有文号' if r['文号'] else ''}）")  # fmt: skip
            click.echo(f"  案件字段：{'、'.join(r['案件字段'])}")  # type: ignore[arg-type]
            click.echo(f"  必填字段：{'、'.join(r['必填字段']) or '无'}")  # type: ignore[arg-type]
            click.echo(f"  可选字段：{'、'.join(r['可选字段']) or '无'}")  # type: ignore[arg-type]

    emit(rows, as_json, text)


def _confirm_batch(assume_yes: bool, type_name: str):  # type: ignore[no-untyped-def]
    def confirm(count: int, first: str, last: str) -> bool:
        if count == 0:
            return True
        span = f"（预计 {first} 至 {last}）" if first != last else f"（{first}）"
        question = f"将为 {count} 件案件生成{type_name}，占用 {count} 个文号{span}。继续吗？"
        if assume_yes:
            click.echo(question + "（--yes）", err=True)
            return True
        if not sys.stdin.isatty():
            raise UserError(
                f"将占用 {count} 个文号{span}：非交互方式运行时须加 --yes 确认后才会开始"
            )
        return click.confirm(question, default=False, err=True)

    return confirm


@paper_group.command("make")
@click.argument("type_name", metavar="类型")
@click.option("--case", "case_no", metavar="案件编号", type=CASE_NO, help="为这件案件生成")
@click.option("--all", "all_cases", is_flag=True, help="批量：为台账中（筛选后的）每件案件生成")
@click.option("--set", "pairs", multiple=True, metavar="字段=值", help="填写字段，可多次使用")
@date_option(
    "--date", "day", help="成文日期（如 2024-9-26、2024年9月26日），文号年份随之；默认今天"
)
@click.option("--new", "new", is_flag=True, help="案件已有此类文书时，确需再发一份（新文号）")
@click.option("--force", is_flag=True, help="成文日期与案件矛盾时仍然生成（原因记入审计日志）")
@click.option("--allow-blank", is_flag=True, help="案件缺少的字段留空（________）手工填写")
@click.option("--yes", "assume_yes", is_flag=True, help="批量时不再询问，直接开始")
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
def make_command(type_name, case_no, all_cases, pairs, day, new, force, allow_blank,
                 assume_yes, status, category, unit, leader, overdue, seal, sign, passphrase_env,
                 workspace_path, as_json) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    """生成文书：--case 单件，或 --all 批量（两个进程并行，带进度条）。

    案件已有同类有效文书时拒绝（用 paper revise 更正、paper void 作废，或 --new 再发一份）；
    批量时跳过已有的案件，开始前说明将占用多少个文号。"""
    if bool(case_no) == all_cases:
        raise UserError("请指定 --case 案件编号 或 --all（二选一）")
    from docgen.archive.papers import MakeOptions, issue_paper, issue_papers

    ws = open_workspace(workspace_path)
    values = parse_pairs(pairs)
    options = MakeOptions(new=new, force=force, allow_blank=allow_blank)
    sealing = sealing_for(seal, sign, passphrase_env)
    if case_no:
        made = issue_paper(ws, type_name, case_no, values, today=day, options=options,
                           sealing=sealing)  # fmt: skip
        emit(made.as_dict(), as_json, lambda: click.echo(
            f"已生成{made.kind} {made.doc_no or ''}（{made.pages} 页）：{made.pdf}，{made.docx}"
            + ("，已签名" if sign else "，已盖章" if seal else "")))  # fmt: skip
        return
    flt = CaseFilter(status=status, category=category, unit=unit, leader=leader, overdue=overdue)
    with progress("生成中", as_json=as_json) as advance:  # the bar starts after the question
        result = issue_papers(ws, type_name, flt, values, today=day,
                              progress=lambda d, t, _case: advance(d, t), options=options,
                              confirm=_confirm_batch(assume_yes, type_name),
                              sealing=sealing)  # fmt: skip
    if result.cancelled:
        raise UserError("已取消，未占用文号")
    data = {"成功": [m.as_dict() for m in result.made],
            "失败": [{"案件编号": c, "原因": r} for c, r in result.failed],
            "跳过": [{"案件编号": c, "已有文号": n} for c, n in result.skipped],
            "文号范围": result.doc_no_range()}  # fmt: skip

    def text() -> None:
        click.echo(f"成功 {len(result.made)} 件，失败 {len(result.failed)} 件，"
                   f"跳过 {len(result.skipped)} 件（已有有效的{type_name}）")  # fmt: skip
        if result.doc_no_range():
            click.echo(f"使用文号：{result.doc_no_range()}")
        for c, r in result.failed:
            click.echo(f"  失败：{c}：{r}")

    emit(data, as_json, text)
    if result.failed:
        raise SystemExit(1)


@paper_group.command("revise")
@click.argument("doc_no", metavar="文号")
@click.option("--set", "pairs", multiple=True, metavar="字段=值", help="更正的字段，可多次使用")
@date_option("--date", "day", help="更正后的成文日期（同一年内）")
@click.option("--force", is_flag=True, help="成文日期与案件矛盾时仍然更正（原因记入审计日志）")
@click.option("--allow-blank", is_flag=True, help="案件缺少的字段留空手工填写")
@workspace_option
@json_option
@handle_errors
def revise_command(doc_no, pairs, day, force, allow_blank, workspace_path, as_json) -> None:  # type: ignore[no-untyped-def]
    """更正已发文书：同一文号出新版本，旧版文件保留为“旧版”，不覆盖（无文号的文书写作 文档N）。"""
    from docgen.archive.papers import MakeOptions, revise_paper

    ws = open_workspace(workspace_path)
    made = revise_paper(ws, doc_no, parse_pairs(pairs), day=day,
                        options=MakeOptions(force=force, allow_blank=allow_blank))  # fmt: skip
    emit(made.as_dict(), as_json, lambda: click.echo(
        f"已更正{made.kind} {made.doc_no or doc_no}（{made.pages} 页）：{made.pdf}；旧版保留"))  # fmt: skip


@paper_group.command("void")
@click.argument("doc_no", metavar="文号")
@click.option("--reason", required=True, metavar="原因", help="作废原因（记入发文登记和备考表）")
@workspace_option
@json_option
@handle_errors
def void_command(doc_no: str, reason: str, workspace_path: Path | None, as_json: bool) -> None:
    """作废已发文书：文件和登记保留，文号不再使用。"""
    from docgen.archive.register import void_paper

    ws = open_workspace(workspace_path)
    doc = void_paper(ws, doc_no, reason)
    data = {"文号": doc_no, "文书": doc.kind, "状态": "作废", "原因": doc.void_reason}
    emit(
        data,
        as_json,
        lambda: click.echo(f"已作废{doc.kind} {doc_no}（原因：{reason.strip()}），文号不再使用"),
    )


@paper_group.command("pdf")
@click.argument("docx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="输出的 PDF 路径")
@handle_errors
def pdf_command(docx: Path, out: Path | None) -> None:
    """把（在 Word/WPS 中修改过的）.docx 排成正式 PDF。"""
    from docgen.archive.outputs import check_output
    from docgen.typeset import typeset_docx

    target = check_output(None, out or docx.with_suffix(".pdf"))
    result = typeset_docx(docx, target)
    click.echo(f"已生成 {result.pdf}（{result.pages} 页）")


@paper_group.command("check")
@click.argument("target", metavar="类型或模板")
@workspace_option
@handle_errors
def check_command(target: str, workspace_path: Path | None) -> None:
    """检查文书类型（声明与模板）或一个模板文件：未声明的字段、被拆分的标签、未知样式、偏离网格的格式。"""
    from docgen.papers.check import check_template
    from docgen.papers.declare import check_type

    path = Path(target)
    if path.suffix.lower() == ".docx" or path.is_file():
        if not path.is_file():
            raise UserError(f"找不到模板文件 {target}")
        problems, label = check_template(path), f"模板 {path.name}"
    else:
        paper, template, problems = check_type(target, _templates_dir(workspace_path))
        label = f"文书类型“{paper.name}”（{Path(paper.source).name}、{template.name}）"
    for p in problems:
        click.echo(f"问题：{p.message}")
    if problems:
        raise UserError(f"{label}有 {len(problems)} 处问题")
    click.echo(f"{label}检查通过")


@paper_group.command("new-type")
@click.argument("name", metavar="名称")
@click.option("--from", "source", required=True, metavar="现有类型", help="以哪个文书类型为底本")
@workspace_option
@json_option
@handle_errors
def new_type_command(name: str, source: str, workspace_path: Path | None, as_json: bool) -> None:
    """新建本单位的文书类型：在工作区模板目录中生成声明（.toml）和模板副本（.docx），
    修改后用 docgen paper check 名称 检查。"""
    from docgen.papers.declare import scaffold_type

    ws = open_workspace(workspace_path)
    declaration, template = scaffold_type(ws.templates_dir, name, source)
    ws.audit("paper-new-type", target=name.strip(), detail=f"由“{source}”复制")
    data = {"类型": name.strip(), "声明": ws.relative(declaration), "模板": ws.relative(template)}
    emit(data, as_json, lambda: click.echo(
        f"已新建文书类型“{data['类型']}”：{data['声明']}，{data['模板']}。"
        f"请修改声明和模板（Word/WPS），再运行 docgen paper check {data['类型']}"))  # fmt: skip
