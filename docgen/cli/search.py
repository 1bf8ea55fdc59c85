"""docgen search, docgen index rebuild: full-text search over the archive."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.archive.filters import DATE_FIELD_NAMES, DEFAULT_DATE_FIELD
from docgen.archive.settings import SEARCH_BACKENDS
from docgen.cli.options import (
    CASE_NO,
    DocgenCommand,
    DocgenGroup,
    UserError,
    date_option,
    emit,
    handle_errors,
    json_option,
    open_workspace,
    progress,
    shown,
    workspace_option,
)


@click.command("search", cls=DocgenCommand)
@click.argument("query", required=False, default="")
@click.option("--category", help="问题类别（不认识的类别会被拒绝并列出可选值）")
@click.option("--unit", help="责任单位（全称或简称，简称按对照表）")
@click.option("--status", help="案件状态，如 办理中（也认 在办 等常用写法）")
@click.option("--kind", help="文书类型，如 交办函；台账记录为“台账”")
@click.option("--case", "case_no", type=CASE_NO, help="案件编号")
@click.option("--person", help="信访人姓名（整名匹配），同 信访人:姓名")
@click.option("--id-number", help="信访人身份证号（整号匹配），同 身份证号:号码")
@click.option("--leader", help="包案领导（整名匹配），同 包案领导:姓名")
@click.option("--doc-no", help="文号，如 某信交〔2024〕3号，同 文号:…")
@click.option("--date-field", type=click.Choice(tuple(DATE_FIELD_NAMES)), default=DEFAULT_DATE_FIELD,
              show_default=True, help="--from/--to 按哪个日期：登记、受理、交办为案件日期"
              "（台账记录及其文书），成文为文书日期")  # fmt: skip
@date_option("--from", "date_from", help="起始日期，如 2024-6-1 或 2024年6月1日")
@date_option("--to", "date_to", help="截止日期，如 2024.6.30")
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(1, 500), help="最多显示条数"
)
@click.option("--show-personal", is_flag=True, help="摘要中显示完整的身份证号和电话")
@click.option("--save", "save_as", metavar="名称", help="把本次检索（检索式与筛选）保存为此名称")
@click.option("--saved", "saved_name", metavar="名称", help="运行以此名称保存的检索")
@click.option("--list-saved", is_flag=True, help="列出保存的检索")
@workspace_option
@json_option
@handle_errors
def search_command(query, category, unit, status, kind, case_no, person, id_number, leader,
                   doc_no, date_field, date_from, date_to, limit, show_personal, save_as,
                   saved_name, list_saved, workspace_path, as_json) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    """全文检索：词语、"短语"、AND/OR/NOT、字段:值。

    字段：信访人、身份证号、责任单位、包案领导、文号、类型、问题类别、状态、案号、日期，
    如 信访人:李四、文号:某信交〔2024〕3号。扫描件的文字经识别后可检索，摘要注明“扫描件识别文字”。
    """
    from docgen.archive.indexing import hit_dict
    from docgen.archive.searching import (
        SearchRequest,
        save_search,
        saved_search,
        saved_searches,
        search,
    )

    ws = open_workspace(workspace_path)
    if list_saved:
        found = saved_searches(ws)
        emit({n: _saved_dict(r) for n, r in found.items()}, as_json, lambda: _print_saved(found))
        return
    if saved_name:
        ctx = click.get_current_context()
        given = [p.opts[0] for p in ctx.command.params if isinstance(p, click.Option)
                 and p.name not in ("saved_name", "show_personal", "workspace_path", "as_json")
                 and ctx.get_parameter_source(p.name) is click.core.ParameterSource.COMMANDLINE]  # fmt: skip
        if query or given:
            raise UserError("使用 --saved 时不能再给出检索式或筛选条件"
                            f"（收到：{'、'.join(given) or '检索式'}）")  # fmt: skip
        request = saved_search(ws, saved_name)
    else:
        request = SearchRequest(query, category=category, unit=unit, status=status, kind=kind,
                                case_no=case_no, person=person, id_number=id_number,
                                leader=leader, doc_no=doc_no, date_field=date_field,
                                date_from=date_from, date_to=date_to, limit=limit)  # fmt: skip
    if save_as:
        save_search(ws, save_as, request)
    result = search(ws, request, show_personal=show_personal)
    rows = [hit_dict(h) for h in result.hits]

    def text() -> None:
        if save_as:
            click.echo(f"已保存检索“{save_as.strip()}”（docgen search --saved {save_as.strip()}）")
        for n, h in enumerate(result.hits, start=1):
            date = f"  {shown(h.date)}" if h.date else ""
            click.echo(f"{n}. 【{h.case_no}】{h.title}（{h.kind}）{date}")
            click.echo(f"   {h.marked()}")
            if h.path:
                click.echo(f"   {h.path}")
        click.echo(f"共找到 {result.total} 条，显示 {len(result.hits)} 条")

    emit(rows, as_json, text)


_SAVED_LABELS = {"text": "检索式", "category": "问题类别", "unit": "责任单位", "status": "状态",
                 "kind": "类型", "case_no": "案件编号", "person": "信访人", "id_number": "身份证号",
                 "leader": "包案领导", "doc_no": "文号", "date_field": "日期字段",
                 "date_from": "起始日期", "date_to": "截止日期", "limit": "条数"}  # fmt: skip


def _saved_dict(request) -> dict:  # type: ignore[no-untyped-def]
    from dataclasses import asdict

    return {_SAVED_LABELS[k]: v for k, v in asdict(request).items() if v not in (None, "")}


def _print_saved(found: dict) -> None:
    from docgen.masking import mask_personal

    for name, request in found.items():
        parts = [f"{k}={shown(v)}" for k, v in _saved_dict(request).items()
                 if k not in ("日期字段", "条数")]  # fmt: skip
        click.echo(f"{name}：{mask_personal('；'.join(parts))}")
    click.echo(f"共 {len(found)} 个保存的检索")


@click.group("index", cls=DocgenGroup)
def index_group() -> None:
    """检索索引维护。"""


@index_group.command("rebuild")
@click.option("--backend", type=click.Choice(SEARCH_BACKENDS),
              help="改用此检索后端并重建（写入工作区设置）")  # fmt: skip
@workspace_option
@handle_errors
def rebuild_command(backend: str | None, workspace_path: Path | None) -> None:
    """从档案重建检索索引（分批提交，中断后再次运行可续建）。"""
    from docgen.archive.indexing import count_indexable, rebuild_workspace_index

    ws = open_workspace(workspace_path)
    if backend:
        ws.use_search_backend(backend)
    with ws.read_session() as session:
        total = count_indexable(session)
    with progress("重建索引") as advance:
        advance(0, total)
        count = rebuild_workspace_index(ws, progress=lambda done: advance(done, total))
    click.echo(f"索引已重建：{count} 条（检索后端：{ws.settings.search_backend}）")


@index_group.command("ocr")
@click.option("--worker", is_flag=True, hidden=True, help="后台识别进程（由 attach 启动）")
@workspace_option
@handle_errors
def ocr_command(worker: bool, workspace_path: Path | None) -> None:
    """识别扫描件与图像 PDF 中的文字并写入索引（attach 已在后台自动进行；中断后再次运行可续做）。"""
    from docgen.archive.ocr_queue import run_pending, worker_running

    ws = open_workspace(workspace_path)
    if worker:
        run_pending(ws)
        return
    if worker_running(ws):
        click.echo("后台识别进程正在运行：待识别的扫描件由它处理（docgen index status 查看进度）")
        return
    with progress("识别扫描件文字") as advance:
        read, failed = run_pending(ws, progress=advance)
    click.echo(f"文字识别完成：识别 {read} 件" + (f"，失败 {failed} 件" if failed else ""))


@index_group.command("status")
@workspace_option
@json_option
@handle_errors
def status_command(workspace_path: Path | None, as_json: bool) -> None:
    """检索索引状态：条数、待补索引的记录、待识别文字的扫描件。"""
    from docgen.archive.index_journal import applied, behind
    from docgen.archive.ocr_queue import status

    ws = open_workspace(workspace_path)
    ix = ws.search_index()
    problem = ix.check()
    ocr = status(ws)
    data = {"检索后端": ws.settings.search_backend, "索引条数": None if problem else ix.count(),
            "需要重建": problem, "索引已追上目录": not behind(ws), "日志位置": applied(ws),
            **ocr.to_dict()}  # fmt: skip

    def text() -> None:
        click.echo(f"检索后端：{data['检索后端']}")
        click.echo(f"索引：{problem}" if problem else f"索引条数：{data['索引条数']}")
        if not data["索引已追上目录"]:
            click.echo("索引落后于目录：下一条命令会自动补上（或运行 docgen index rebuild）")
        rate = f"，平均每页 {ocr.seconds / ocr.pages:.1f} 秒" if ocr.pages else ""
        click.echo(f"扫描件文字识别：已识别 {ocr.done} 件（{ocr.pages} 页{rate}），"
                   f"待识别 {ocr.pending} 件，失败 {ocr.failed} 件")  # fmt: skip
        if ocr.pending:
            click.echo("后台识别进程运行中" if ocr.running
                       else "没有识别进程在运行：请运行 docgen index ocr")  # fmt: skip

    emit(data, as_json, text)
