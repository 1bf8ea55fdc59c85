"""Demo step: a 交办函 and a 领导包案通知 for one sample case, then 交办函 for every case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docgen.archive.cases import CaseFilter, list_cases
from docgen.archive.papers import make_paper, make_papers


def demo_papers(ws: Any, echo: Callable[[str], None], today: Any = None) -> None:
    with ws.session() as session:
        first = list_cases(session, ws.calendar, CaseFilter())[0].case.case_no
    echo(f"五、为案件 {first} 生成文书：")
    for kind in ("交办函", "领导包案通知"):
        made = make_paper(ws, kind, first, today=today)
        echo(f"    {kind} {made.doc_no or ''}（{made.pages} 页）：{made.pdf}")
    echo("六、批量生成全部案件的交办函（两个进程并行）……")
    result = make_papers(ws, "交办函", CaseFilter(), today=today)
    echo(
        f"    成功 {len(result.made)} 件，失败 {len(result.failed)} 件，"
        f"跳过 {len(result.skipped)} 件（已有交办函）；使用文号 {result.doc_no_range() or '无'}"
    )
    for case_no, reason in result.failed:
        echo(f"    失败：{case_no}：{reason}")
