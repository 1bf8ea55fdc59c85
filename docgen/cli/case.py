"""docgen case list|show|add|edit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from docgen.archive.case_view import case_detail, case_dict
from docgen.archive.cases import (
    add_case,
    add_follow_up,
    edit_case,
    get_case,
    list_cases,
    view,
)
from docgen.archive.filters import checked_case_filter
from docgen.archive.settings import load_vocabularies
from docgen.cli.options import (
    CASE_NO,
    DocgenGroup,
    date_option,
    emit,
    handle_errors,
    json_option,
    open_workspace,
    record_lines,
    shown,
    workspace_option,
)
from docgen.vocab import ATTITUDES, CATEGORIES, GROUPS, STATUSES


@click.group("case", cls=DocgenGroup)
def case_group() -> None:
    """案件查询与登记。"""


@case_group.command("list")
@click.option("--status", help=f"按状态筛选：{'、'.join(STATUSES)}（也认常用写法，如 在办）")
@click.option("--category", help=f"按问题类别筛选：{'、'.join(CATEGORIES)}")
@click.option("--group", help=f"按归类筛选：{'、'.join(GROUPS)}")
@click.option("--unit", help="责任单位（含此文字，简称按对照表）")
@click.option("--leader", help="包案领导（含此文字）")
@click.option("--overdue", is_flag=True, help="只列出已超期的案件")
@workspace_option
@json_option
@handle_errors
def list_command(status, category, group, unit, leader, overdue, workspace_path, as_json) -> None:  # type: ignore[no-untyped-def]
    """列出案件（含办结时限与超期标记）；不认识的筛选值会被拒绝并列出可选值。"""
    ws = open_workspace(workspace_path)
    flt = checked_case_filter(ws, status=status, category=category, group=group, unit=unit,
                              leader=leader, overdue=overdue)  # fmt: skip
    with ws.read_session() as session:
        rows = [case_dict(v) for v in list_cases(session, ws.calendar, flt)]

    def text() -> None:
        for r in rows:
            due = shown(r["办结时限"])
            flag = "【超期】" if r["超期"] else ""
            click.echo(f"{r['案件编号']}  {r['信访人']}  {r['问题类别']}  {r['责任单位']}  "
                       f"包案 {r['包案领导'] or '—'}  {r['状态']}  时限 {due}{flag}")  # fmt: skip
        click.echo(f"共 {len(rows)} 件")

    emit(rows, as_json, text)


@case_group.command("show")
@click.argument("case_no", metavar="案件编号", type=CASE_NO)
@click.option("--show-personal", is_flag=True, help="显示完整的身份证号、电话和住址")
@workspace_option
@json_option
@handle_errors
def show_command(
    case_no: str, show_personal: bool, workspace_path: Path | None, as_json: bool
) -> None:
    """显示一件案件的全部信息。"""
    ws = open_workspace(workspace_path)
    with ws.read_session() as session:
        data = case_detail(
            session, view(get_case(session, case_no), ws.calendar), show_personal=show_personal
        )

    emit(data, as_json, lambda: click.echo("\n".join(_detail_lines(data))))


def _detail_lines(data: dict[str, Any]) -> list[str]:
    """``record_lines`` with the timeline as one line per event: 日期  事件  说明  文号（经办人）."""
    timeline = data.get("时间线") or []
    lines = record_lines({k: v for k, v in data.items() if k != "时间线"})
    at = next((i for i, line in enumerate(lines) if line.startswith("文书：")), len(lines))
    rows = ["时间线："] if timeline else []
    for e in timeline:
        # a ledger date says its kind twice (登记 / 登记日期): print the kind once
        note = "" if e["说明"] == f"{e['事件']}日期" else e["说明"]
        who = f"（{e['经办人']}）" if e["经办人"] else ""
        parts = (shown(e["日期"]), e["事件"], note, (e["文号"] or "") + who)
        rows.append("  " + "  ".join(p for p in parts if p))
    return lines[:at] + rows + lines[at:]


@case_group.command("add")
@click.option("--set", "pairs", multiple=True, metavar="字段=值",
              help="字段值，可多次使用，如 --set 案件编号=XF2024-0100 --set 信访人=张三")  # fmt: skip
@workspace_option
@handle_errors
def add_command(pairs: tuple[str, ...], workspace_path: Path | None) -> None:
    """登记一件新案件（必填：案件编号、信访人、问题类别、诉求、责任单位）。"""
    from docgen.ledger.parse import parse_assignments  # the ledger's rules: add and edit only

    ws = open_workspace(workspace_path)
    values, person = parse_assignments(pairs, load_vocabularies(ws))
    with ws.session() as session:
        add_case(session, values, person)
        ws.audit("case-add", target=values.get("case_no"), session=session)
    ws.cases_changed([values["case_no"]])
    click.echo(f"已登记案件 {values['case_no']}")


@case_group.command("edit")
@click.argument("case_no", metavar="案件编号", type=CASE_NO)
@click.option("--set", "pairs", multiple=True, required=True, metavar="字段=值",
              help="要修改的字段，可多次使用，如 --set 状态=已办结 --set 办结日期=2024-9-30")  # fmt: skip
@date_option("--date", "effective", help="状态变更的生效日期（默认今天），记入时间线")
@click.option("--if-version", "expected_version", type=int, metavar="版本",
              help="只在案件仍是此版本时修改（版本见 docgen case show；他人已改则拒绝，不覆盖）")  # fmt: skip
@workspace_option
@handle_errors
def edit_command(case_no: str, pairs: tuple[str, ...], effective: dt.date | None,
                 expected_version: int | None, workspace_path: Path | None) -> None:  # fmt: skip
    """修改案件字段（按台账列名或字段名）；状态变更连同经办人和日期记入时间线。"""
    from docgen.ledger.parse import parse_assignments  # the ledger's rules: add and edit only

    ws = open_workspace(workspace_path)
    values, person = parse_assignments(pairs, load_vocabularies(ws))
    with ws.session() as session:
        edit_case(session, case_no, values, person, effective=effective,
                  expected_version=expected_version)  # fmt: skip
        changed = "、".join(sorted(values | person))
        ws.audit("case-edit", target=case_no, detail=changed, session=session)
    ws.cases_changed([case_no])
    click.echo(f"已修改案件 {case_no}：{len(values) + len(person)} 个字段")


@case_group.command("visit")
@click.argument("case_no", metavar="案件编号", type=CASE_NO)
@date_option("--date", "visited_on", required=True, help="回访日期，如 2024-9-30 或 2024年9月30日")
@click.option("--method", type=click.Choice(["上门", "电话", "约见"]), help="回访方式")
@click.option("--visitors", help="回访人（姓名、单位）")
@click.option("--attitude", type=click.Choice(list(ATTITUDES)), help="信访人态度")
@click.option("--content", help="回访内容")
@workspace_option
@handle_errors
def visit_command(case_no, visited_on, method, visitors, attitude, content, workspace_path) -> None:  # type: ignore[no-untyped-def]
    """登记一次回访。"""
    ws = open_workspace(workspace_path)
    day = visited_on
    with ws.session() as session:
        add_follow_up(session, case_no, visited_on=day, method=method, visitors=visitors,
                      attitude=attitude, content=content)  # fmt: skip
        ws.audit("case-visit", target=case_no, session=session)
    click.echo(f"已登记案件 {case_no} 的回访（{shown(day)}）")
