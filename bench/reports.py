"""Benchmark: the 月报 for 10,000 cases (统计表 .xlsx with charts and 明细 + 月报 .docx/PDF with
vector charts), against anchors measured in the same run — openpyxl writing a bare workbook of
the same 10,000 rows, and the 月报 for 100 cases — and the “as of” query over 10,000 cases with 1
and with 10 status events each (it must not grow with the events per case), beside the least
such a query costs (one index seek and one row read per case) on the same two catalogs.

    .venv/bin/python bench/reports.py [--count 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select
from sqlalchemy.orm import aliased

from docgen.archive.reports.monthly import make_monthly
from docgen.archive.reports.rows import workspace_rows
from docgen.archive.settings import Settings
from docgen.archive.timeline import status_rows_as_of
from docgen.archive.workspace import Workspace
from docgen.model import Case, CaseEvent, Petitioner
from docgen.reports.workbook import DETAIL_COLUMNS
from docgen.typeset.render import Typesetter
from docgen.vocab import CATEGORY_GROUPS, SOURCES

UNITS = ["区人力资源和社会保障局", "区住房和城乡建设局", "区规划和自然资源局", "区民政局",
         "区卫生健康局", "区退役军人事务局", "区农业农村局", "区委政法委员会", "区国有资产服务中心",
         "市生态环境局本区分局", "区教育局", "区市场监督管理局"]  # fmt: skip
LEADERS = [f"副区长 {s}某" for s in "王李张刘陈杨赵黄周吴徐孙"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
DAY = dt.date(2024, 6, 30)


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def seed(ws: Workspace, count: int, events_per_case: int) -> None:
    """``count`` cases registered in the first half of 2024, each with ``events_per_case``
    status changes spread over 2024 (so about half decide the status on 30 June)."""
    rnd = random.Random(7)
    categories = list(CATEGORY_GROUPS)
    cases, people, events = [], [], []
    for i in range(count):
        cat = categories[i % len(categories)]
        registered = dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randrange(180))
        cases.append(dict(
            id=i + 1, case_no=f"BM2024-{i + 1:05d}", category=cat,
            category_group=CATEGORY_GROUPS[cat], form="来访", source=SOURCES[i % len(SOURCES)],
            demand="要求解决拖欠工资问题", unit=UNITS[i % len(UNITS)],
            leader_name=LEADERS[i % len(LEADERS)], registered_on=registered,
            accepted_on=registered, status="办理中", head_count=1, extra={},
            repeat_visit=i % 17 == 0, group_visit=i % 23 == 0, beijing_visit=i % 29 == 0,
            stability_measures="落实专人联系", version=1,
        ))  # fmt: skip
        people.append(dict(case_id=i + 1, seq=1, name=SURNAMES[i % 20] + "某某"))
        status = "办理中"
        for k in range(events_per_case):
            day = registered + dt.timedelta(days=1 + (k + 1) * rnd.randrange(5, 30))
            new = ("已延期", "办理中", "已办结", "已化解")[(i + k) % 4]
            events.append(dict(case_id=i + 1, kind="状态", day=day, status_from=status,
                               status_to=new, actor="bench"))  # fmt: skip
            status = new
        cases[-1]["status"] = status
    with ws.session() as session:
        session.execute(insert(Case), cases)
        session.execute(insert(Petitioner), people)
        for start in range(0, len(events), 20000):
            session.execute(insert(CaseEvent), events[start : start + 20000])


CPU: list[float] = []  # CPU seconds (with child processes) of the last ``timed`` call's median run
WALL: list[float] = []  # and its wall seconds


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (the 统计表's; counted
    to the clock tick, this process's to the microsecond)."""
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


def timed(fn, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    """Median wall seconds over ``repeat`` runs; the CPU seconds of that run land in ``CPU``
    (on a shared machine the wall time includes waiting for a core, the CPU time does not; with
    the work on two cores, the CPU time is the sum of both)."""
    runs = []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), cpu_seconds()
        fn()
        runs.append((time.perf_counter() - t0, cpu_seconds() - c0))
    wall, cpu = sorted(runs)[len(runs) // 2]
    CPU[:], WALL[:] = [cpu], [wall]
    return wall


def paired(a, b, repeat: int) -> tuple[tuple[float, float], tuple[float, float]]:  # type: ignore[no-untyped-def]
    """``a`` and ``b`` run in turn ``repeat`` times (a shared machine's load drifts alike over
    both) → (median wall, CPU of that run) for each."""
    runs: tuple[list[tuple[float, float]], list[tuple[float, float]]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((a, runs[0]), (b, runs[1])):
            timed(fn)
            out.append((WALL[0], CPU[0]))
    return sorted(runs[0])[repeat // 2], sorted(runs[1])[repeat // 2]


def bare_workbook(rows: list[list[object]], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.append(list(DETAIL_COLUMNS))
    for r in rows:
        sheet.append(r)
    wb.save(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10000)
    args = parser.parse_args()
    n = args.count
    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    settings = dict(org="某市某区信访局", code="某信交", fonds="J021")
    ws1 = Workspace.init(tmp / "one", Settings(**settings))
    ws10 = Workspace.init(tmp / "ten", Settings(**settings))
    small = Workspace.init(tmp / "small", Settings(**settings))
    t0 = time.perf_counter()
    seed(ws1, n, 1)
    seed(ws10, n, 10)
    seed(small, 100, 1)
    with ws10.read_session() as s:
        events = len(s.scalars(select(CaseEvent.id)).all())
    print(f"准备：{n} 件 × 1 个事件、{n} 件 × 10 个事件（共 {events} 个）、100 件，"
          f"用时 {time.perf_counter() - t0:.1f} s（共用机器，数字有波动）")  # fmt: skip

    setter = Typesetter()
    cold = timed(lambda: make_monthly(ws1, "2024-06", tmp / "cold", setter))
    cold_cpu = CPU[0]
    warm = timed(lambda: make_monthly(ws1, "2024-06", tmp / "warm", setter), 3)
    warm_cpu = CPU[0]
    hundred = timed(lambda: make_monthly(small, "2024-06", tmp / "small-out", setter), 3)
    hundred_cpu = CPU[0]
    rows = workspace_rows(ws1, DAY)
    detail = [[k, r.case_no, r.petitioners, r.category, r.group, r.unit, r.leader, r.source,
               r.status, r.due, "否", ""] for k, r in enumerate(rows, 1)]  # fmt: skip
    bare = timed(lambda: bare_workbook(detail, tmp / "bare.xlsx"), 3)
    bare_cpu = CPU[0]
    print(f"月报（统计表 .xlsx 含图表和明细 + 月报 .docx/PDF 含矢量图），{n} 件"
          "（墙钟 / CPU，含写统计表的子进程）：")  # fmt: skip
    print(f"  首次（含字体和 matplotlib 载入）：{cold:.2f} s / {cold_cpu:.2f} s；"
          f"热进程中位数：{warm:.2f} s / {warm_cpu:.2f} s")  # fmt: skip
    print(f"  锚点：openpyxl 写同样 {len(detail)} 行的空白工作簿 {bare:.2f} s / {bare_cpu:.2f} s"
          f"（比值 {warm / bare:.1f}× / {warm_cpu / bare_cpu:.1f}×）；100 件的月报 {hundred:.2f} s"
          f" / {hundred_cpu:.2f} s（比值 {warm / hundred:.1f}× / {warm_cpu / hundred_cpu:.1f}×）")  # fmt: skip
    print(f"  goal: 10,000 件月报 ≤ 3 s（热进程，墙钟）：{warm:.2f} s — {met(warm <= 3)}；"
          f"CPU（两个进程合计）{warm_cpu:.2f} s — {met(warm_cpu <= 3)}；首次墙钟 {cold:.2f} s — "
          f"{met(cold <= 3)}")  # fmt: skip

    def as_of(ws: Workspace) -> None:
        with ws.read_session() as s:
            status_rows_as_of(s, DAY)

    def one_seek(ws: Workspace) -> None:
        """The least any per-case “as of” answer costs: one seek in the index (each case's
        latest status change) and one read of that row by its key."""
        latest = (
            select(CaseEvent.id)
            .where(CaseEvent.case_id == Case.id, CaseEvent.kind == "状态")
            .order_by(CaseEvent.day.desc(), CaseEvent.id.desc())
            .limit(1)
            .correlate(Case)
            .scalar_subquery()
        )
        change = aliased(CaseEvent)
        stmt = select(Case.id, Case.case_no, Case.status, Case.closed_on, change.status_to)
        with ws.read_session() as s:
            s.execute(stmt.outerjoin(change, change.id == latest)).all()

    (q1, q1_cpu), (q10, q10_cpu) = paired(lambda: as_of(ws1), lambda: as_of(ws10), 9)
    (s1, s1_cpu), (s10, s10_cpu) = paired(lambda: one_seek(ws1), lambda: one_seek(ws10), 9)
    (r1, _), (r10, _) = paired(
        lambda: workspace_rows(ws1, DAY), lambda: workspace_rows(ws10, DAY), 3
    )
    print(f"截至日状态查询（{n} 件，两库交替各测 9 次取中位数）：每件 1 个事件 {q1 * 1000:.0f} ms，"
          f"10 个事件 {q10 * 1000:.0f} ms（比值 {q10 / q1:.2f}×）；含案件行：{r1 * 1000:.0f} ms / "
          f"{r10 * 1000:.0f} ms（比值 {r10 / r1:.2f}×）")  # fmt: skip
    print(
        f"  CPU：{q1_cpu * 1000:.0f} ms / {q10_cpu * 1000:.0f} ms（比值 {q10_cpu / q1_cpu:.2f}×）"
    )
    print(f"  锚点：每件一次索引查找 + 按主键读一行（任何截至日查询的下限）：{s1 * 1000:.0f} ms / "
          f"{s10 * 1000:.0f} ms（比值 {s10 / s1:.2f}×；CPU {s1_cpu * 1000:.0f} ms / "
          f"{s10_cpu * 1000:.0f} ms，{s10_cpu / s1_cpu:.2f}×）：事件表大 10 倍，索引和表各深一层")  # fmt: skip
    print(f"  goal: 事件数 ×10 时截至日查询 ≤ 1.5×：{q10 / q1:.2f}× — {met(q10 / q1 <= 1.5)}"
          f"（CPU {q10_cpu / q1_cpu:.2f}× — {met(q10_cpu / q1_cpu <= 1.5)}）")  # fmt: skip
    for ws in (ws1, ws10, small):
        ws.close()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
