"""docgen search, docgen index rebuild: full-text search over the archive."""

from __future__ import annotations

from pathlib import Path

import click

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
@click.argument("query")
@click.option("--category", help="问题类别")
@click.option("--unit", help="责任单位")
@click.option("--status", help="案件状态")
@click.option("--kind", help="文书类型，如 交办函；台账记录为“台账”")
@click.option("--case", "case_no", type=CASE_NO, help="案件编号")
@date_option("--from", "date_from", help="起始日期，如 2024-6-1 或 2024年6月1日")
@date_option("--to", "date_to", help="截止日期，如 2024.6.30")
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(1, 500), help="最多显示条数"
)
@click.option("--show-personal", is_flag=True, help="摘要中显示完整的身份证号和电话")
@workspace_option
@json_option
@handle_errors
def search_command(query, category, unit, status, kind, case_no, date_from, date_to, limit,
                   show_personal, workspace_path, as_json) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    """全文检索：词语、"短语"、AND/OR/NOT、字段:值（如 文号:某信交〔2024〕3号）。"""
    from docgen.archive.indexing import hit_dict
    from docgen.index import SearchError, SearchQuery

    ws = open_workspace(workspace_path)
    q = SearchQuery(query, category=category, unit=unit, status=status, kind=kind,
                    case_no=case_no, date_from=date_from, date_to=date_to,
                    limit=limit, show_personal=show_personal)  # fmt: skip
    try:
        result = ws.search_index().search(q)
    except SearchError as exc:
        raise UserError(exc.message) from None
    rows = [hit_dict(h) for h in result.hits]

    def text() -> None:
        for n, h in enumerate(result.hits, start=1):
            date = f"  {shown(h.date)}" if h.date else ""
            click.echo(f"{n}. 【{h.case_no}】{h.title}（{h.kind}）{date}")
            click.echo(f"   {h.marked()}")
            if h.path:
                click.echo(f"   {h.path}")
        click.echo(f"共找到 {result.total} 条，显示 {len(result.hits)} 条")

    emit(rows, as_json, text)


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
