"""The demo: a sample workspace built end to end from the bundled sample 台账, narrated in Chinese.

Each capability adds its step here, so ``make demo`` always shows the whole job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from docgen.archive.cases import CaseFilter, list_cases
from docgen.archive.dossier import demo_dossier
from docgen.archive.dossier.demo import COMPLETE_CASE
from docgen.archive.ledger_io import export_ledger, import_ledger
from docgen.archive.settings import Settings
from docgen.archive.workspace import Workspace
from docgen.dates import cn_date
from docgen.demo.papers import demo_papers
from docgen.demo.reports import demo_reports
from docgen.demo.seal import demo_seal
from docgen.sample import write_sample_ledger

Echo = Callable[[str], None]
DEMO_ORG = "某市某区信访局"
DEMO_CODE = "某信交"
DEMO_TODAY = dt.date(2024, 12, 20)  # the sample ledger's 填报日期, so overdue flags are stable
DEMO_SIGNER = "王局"  # 签发人 of the office's reports to the 联席办 (the 领导 demo user)


def run_demo(directory: Path, echo: Echo) -> Workspace:
    echo(f"一、新建工作区：{directory}")
    ws = Workspace.init(
        directory, Settings(org=DEMO_ORG, code=DEMO_CODE, fonds="J021", signer=DEMO_SIGNER)
    )
    ledger = write_sample_ledger(directory / "样例台账.xlsx")
    echo(f"二、导入样例台账：{ledger.name}")
    result = import_ledger(ws, ledger)
    echo(f"    表头在第 {result.header_row} 行；新增 {result.created} 件，更新 {result.updated} 件")
    echo("    再次导入同一台账（按案件编号更新，不重复）：")
    again = import_ledger(ws, ledger)
    echo(f"    新增 {again.created} 件，更新 {again.updated} 件")
    _show_cases(ws, echo)
    out = directory / "导出台账.xlsx"
    count = export_ledger(ws, out)
    echo(f"四、导出台账：{out.name}（{count} 件）")
    demo_papers(ws, echo, today=DEMO_TODAY)
    echo("七、六有卷宗")
    dossier = demo_dossier(ws, echo)
    echo("八、签章与上报")
    demo_seal(ws, COMPLETE_CASE, echo, dossier, today=DEMO_TODAY)
    _search(ws, echo)
    echo(f"十、统计报表（截至日从案件时间线读取；口径见 docs/statistics.md）：{directory / '报表'}")
    demo_reports(ws, directory / "报表", echo)
    _web(ws, directory, echo)
    return ws


#: Demo sign-ins (fictitious office, fictitious data): one per role.
DEMO_USERS = (("周明", "文书"), ("李档", "档案"), ("王局", "领导"), ("管理员", "管理员"))
DEMO_PASSWORD = "demo-2024"


def _web(ws: Workspace, directory: Path, echo: Echo) -> None:
    from docgen.archive.users import add_user

    with ws.session() as session:
        for name, role in DEMO_USERS:
            add_user(session, name, role, DEMO_PASSWORD)
    echo("十一、网页版（浏览器中使用）")
    echo(f"    启动：docgen -w {directory} serve   （或 .venv/bin/docgen -w {directory} serve）")
    echo("    打开：http://127.0.0.1:8000/login")
    names = "、".join(f"{name}（{role}）" for name, role in DEMO_USERS)
    echo(f"    演示账号：{names}，密码均为 {DEMO_PASSWORD}")


DEMO_QUERIES = (
    ("人名（含生僻字）", "𠮷祥"),
    ("案件编号", "XF2024-0007"),
    ("主题", "拖欠工资"),
    ("短语与条件", '"包案会商" AND 涉军'),
    ("扫描件文字", "保证人"),
)


def _search(ws: Workspace, echo: Echo) -> None:
    from docgen.archive.ocr_queue import read_all
    from docgen.errors import DocgenError
    from docgen.index import SearchQuery

    echo("九、全文检索（身份证号、电话在摘要中打码）")
    try:  # the scans attached above are read in the background; the demo waits for them
        ocr = read_all(ws)
        echo(f"    扫描件文字识别：已识别 {ocr.done} 件（{ocr.pages} 页），识别的文字可检索")
    except DocgenError as exc:
        echo(f"    扫描件文字识别未进行：{exc.message}")
    ix = ws.search_index()
    for label, text in DEMO_QUERIES:
        result = ix.search(SearchQuery(text, limit=3))
        echo(f"    检索{label}“{text}”：共 {result.total} 条")
        for hit in result.hits:
            echo(f"      【{hit.case_no}】{hit.title}（{hit.kind}） {hit.marked()[:60]}")


def _show_cases(ws: Workspace, echo: Echo) -> None:
    with ws.session() as session:
        views = list_cases(session, ws.calendar, CaseFilter(), today=DEMO_TODAY)
    overdue = [v for v in views if v.deadlines.overdue]
    echo(f"三、案件共 {len(views)} 件，截至 {cn_date(DEMO_TODAY)} 超期 {len(overdue)} 件：")
    for v in overdue[:5]:
        c = v.case
        echo(f"    {c.case_no}  {c.category}  {c.unit}  时限 {cn_date(v.deadlines.due)}  "
             f"超期 {-(v.deadlines.days_left or 0)} 天")  # fmt: skip
