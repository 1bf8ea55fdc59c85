"""Benchmark: papers per second with 1, 2, 4 and 8 desks (processes) making 交办函 at once on one
workspace, SQLite and PostgreSQL side by side, and what the 文号 allocation costs per paper.

    .venv/bin/python bench/concurrency.py [--per-desk 4] [--pg-url postgresql+psycopg://…]

Without --pg-url a throw-away PostgreSQL 15 cluster is started (as for the tests) and removed at
the end. Each desk opens the workspace and renders one warm-up paper, then all start together;
the time is from that start to the last commit. Every run checks 0 duplicate, 0 missing 文号.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docgen.archive.numbering import allocate
from docgen.archive.settings import Settings
from docgen.archive.workspace import Workspace
from tests.cases import seed_paper_ready

DESKS = (1, 2, 4, 8)
TODAY = dt.date(2024, 6, 20)
ALLOCATIONS = 300


def seed(ws: Workspace, count: int) -> None:
    seed_paper_ready(ws, "BC", count, lambda i: f"王某{i}")


def desk(root: str, cases: list[str], ready, go, queue) -> None:  # type: ignore[no-untyped-def]
    from docgen.archive.papers import make_paper
    from docgen.typeset.render import Typesetter

    ws = Workspace.open(Path(root))
    setter = Typesetter()
    numbers = [make_paper(ws, "交办函", cases[0], today=TODAY, typesetter=setter).doc_no]
    ready.release()
    go.wait()
    numbers += [
        make_paper(ws, "交办函", c, today=TODAY, typesetter=setter).doc_no for c in cases[1:]
    ]
    queue.put((time.perf_counter(), numbers))
    ws.close()


def run(backend: str, url: str | None, desks: int, per_desk: int, tmp: Path) -> float:
    root = tmp / f"{backend}-{desks}"
    ws = Workspace.init(root, Settings(org="某市某区信访局", code="某信交", catalog_url=url))
    total = desks * (per_desk + 1)
    seed(ws, total)
    ws.close()
    ctx = mp.get_context("forkserver")
    ready, go, queue = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    cases = [f"BC2024-{i + 1:04d}" for i in range(total)]
    procs = [ctx.Process(target=desk, args=(str(root), cases[i::desks], ready, go, queue))
             for i in range(desks)]  # fmt: skip
    for p in procs:
        p.start()
    for _ in procs:
        ready.acquire()
    start = time.perf_counter()
    go.set()
    results = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    end = max(t for t, _ in results)
    numbers = sorted(int(n.split("〕")[1][:-1]) for _, got in results for n in got)
    assert numbers == list(range(1, total + 1)), "duplicate or missing 文号"
    return desks * per_desk / (end - start)


def allocation_ms(backend: str, url: str | None, tmp: Path) -> float:
    ws = Workspace.init(tmp / f"alloc-{backend}", Settings(org="某局", catalog_url=url))
    try:
        start = time.perf_counter()
        for _ in range(ALLOCATIONS):
            with ws.session() as s:
                allocate(s, "某信交", 2024)
        return (time.perf_counter() - start) / ALLOCATIONS * 1000
    finally:
        ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-desk", type=int, default=4, help="papers per desk (after warm-up)")
    parser.add_argument(
        "--pg-url", help="an empty-database server to use (else a throw-away cluster)"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up (the cluster) when stopped
    tmp = Path(tempfile.mkdtemp(prefix="bench-concurrency-"))
    cluster = None
    os.environ.setdefault("PGPASSFILE", str(tmp / "pgpass"))
    mp.get_context("forkserver").set_forkserver_preload(
        ["docgen.archive.papers", "docgen.typeset.render", "docgen.archive.workspace"]
    )
    try:
        if args.pg_url:
            from sqlalchemy import create_engine, text

            def pg_url(tag: str) -> str:
                engine = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
                with engine.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "bench_{tag}"'))
                    conn.execute(text(f'CREATE DATABASE "bench_{tag}"'))
                engine.dispose()
                return args.pg_url.rsplit("/", 1)[0] + f"/bench_{tag}"
        else:
            from tests.pg_cluster import Cluster

            cluster = Cluster()

            def pg_url(tag: str) -> str:
                return cluster.url(cluster.new_database())

        urls = {"sqlite": lambda tag: None, "postgresql": pg_url}
        rates: dict[str, dict[int, float]] = {b: {} for b in urls}
        for backend, make_url in urls.items():
            for n in DESKS:
                rates[backend][n] = run(backend, make_url(f"{n}"), n, args.per_desk, tmp)
        alloc = {b: allocation_ms(b, make_url("alloc"), tmp) for b, make_url in urls.items()}

        print(
            f"交办函：每个办公桌（进程）{args.per_desk} 件（另有 1 件预热不计时），{os.cpu_count()} 核"
        )
        print(f"  {'并发进程':<6}  {'SQLite 件/秒':>12}  {'PostgreSQL 件/秒':>16}")
        for n in DESKS:
            print(f"  {n:<10}  {rates['sqlite'][n]:>12.2f}  {rates['postgresql'][n]:>16.2f}")
        print("  每次运行：文号无重复、无缺号（已核对）")
        for backend, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
            per_paper = 1000 / rates[backend][1]
            print(
                f"  文号分配（单独一个事务）{label}：{alloc[backend]:.2f} ms/号，"
                f"约占单进程每件文书耗时（{per_paper:.0f} ms）的 {alloc[backend] / per_paper:.1%}"
            )
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
