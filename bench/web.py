"""Web benchmark: the office web app under `docgen serve` on 127.0.0.1 with a 10,000-case workspace.

Builds a workspace from the generated sample 台账 (``--cases``), adds a bench user, starts
``docgen serve`` in a subprocess on a free loopback port, signs each client in, then measures
p50/p95 latency (and errors) of

* ``/cases``        – filtered (状态 办理中) and paged (page 3)
* ``/cases/<no>``   – one case page
* ``/search?q=``    – the search page
* ``/api/search``   – the JSON search
* ``/reports``      – the director's page for a month (figures, charts, lists); no goal in issue 17
* ``/api/reports/monthly`` – its JSON twin; no goal either

with 1 and 20 concurrent clients. Every loop is bounded: ``--requests`` per client per endpoint
and a wall-clock cap (``--max-seconds``) per run. Goal (issue 17): p95 ≤ 150 ms for pages and
≤ 50 ms for /api/search at 20 clients, 0 errors.

    python bench/web.py [--cases 10000 --requests 20 --clients 1 20] [--workspace DIR]

``--workspace DIR`` keeps the built workspace in DIR and reuses it on the next run (built
there when DIR does not hold one yet), so repeated runs skip the import.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

USER, PASSWORD = "bench", "bench-password"
GOALS = {"/cases": 150, "/cases/<no>": 150, "/search?q=": 150, "/api/search": 50}  # p95, ms
MONTHS = ("2024-06", "2024-09", "2024-12")  # the sample 台账's year
QUERIES = ("拖欠工资", "征收补偿", "张伟", "社会保险", "物业", "包案", "安置补助费", "信访事项")


def setup(root: Path, cases: int) -> list[str]:
    """The workspace ``root / "ws"`` with ``cases`` sample cases and the bench user (reused when
    it is already there) → its case numbers."""
    from docgen.archive.cases import CaseFilter, list_cases
    from docgen.archive.ledger_io import import_ledger
    from docgen.archive.settings import SETTINGS_FILE, Settings
    from docgen.archive.users import add_user
    from docgen.archive.workspace import Workspace
    from docgen.sample import write_sample_ledger

    if (root / "ws" / SETTINGS_FILE).is_file():
        ws = Workspace.open(root / "ws")
        with ws.read_session() as session:
            numbers = [v.case.case_no for v in list_cases(session, ws.calendar, CaseFilter())]
        ws.close()
        print(f"沿用工作区 {root / 'ws'}（{len(numbers)} 件案件）", flush=True)
        return numbers
    ws = Workspace.init(root / "ws", Settings(org="某市某区信访局", code="某信交", fonds="J021"))
    t = time.perf_counter()
    import_ledger(ws, write_sample_ledger(root / "ledger.xlsx", count=cases))
    print(f"导入 {cases} 件案件（含索引）：{time.perf_counter() - t:.1f} s", flush=True)
    with ws.session() as session:
        add_user(session, USER, "领导", PASSWORD)
        numbers = [v.case.case_no for v in list_cases(session, ws.calendar, CaseFilter())]
    ws.close()
    return numbers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(ws_root: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "docgen", "-w", str(ws_root), "serve", "--port", str(port),
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("docgen serve 未能启动")


def signed_in(base: str):  # type: ignore[no-untyped-def]
    import re

    import httpx2 as httpx

    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"csrf_token": token, "username": USER, "password": PASSWORD})
    assert r.status_code in (200, 303), r.status_code
    return client


def run(base: str, urls: list[str], clients: int, requests: int, max_s: float) -> dict[str, float]:
    sessions = [signed_in(base) for _ in range(clients)]
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + max_s

    def worker(n: int) -> None:
        nonlocal errors
        client = sessions[n]
        for i in range(requests):
            if time.monotonic() > stop_at:
                return
            url = urls[(n * requests + i) % len(urls)]
            t = time.perf_counter()
            try:
                ok = client.get(url).status_code == 200
            except Exception:
                ok = False
            elapsed = time.perf_counter() - t
            with lock:
                times.append(elapsed)
                errors += not ok

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    wall = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - wall
    for s in sessions:
        s.close()
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("nan")
    return {"n": len(times), "errors": errors, "p50": statistics.median(ordered) * 1000,
            "p95": p95 * 1000, "rps": len(times) / wall}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=20, help="每个客户端每个地址的请求数")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 20])
    ap.add_argument("--max-seconds", type=float, default=60, help="每轮的时间上限")
    ap.add_argument("--workers", type=int, default=2, help="docgen serve 的工作进程数")
    ap.add_argument("--workspace", type=Path, default=None,
                    help="保留并沿用此目录中的工作区（没有则在此新建）")  # fmt: skip
    args = ap.parse_args()
    with contextlib.ExitStack() as stack:
        if args.workspace is not None:
            args.workspace.mkdir(parents=True, exist_ok=True)
            tmp = str(args.workspace)
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="docgen-bench-web-"))
        numbers = setup(Path(tmp), args.cases)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(Path(tmp) / "ws", port, args.workers)
        try:
            step = max(1, len(numbers) // 50)
            targets = {
                "/cases": [f"/cases?status=办理中&page={p}" for p in (1, 2, 3)],
                "/cases/<no>": [f"/cases/{no}" for no in numbers[::step]],
                "/search?q=": [f"/search?q={q}" for q in QUERIES],
                "/api/search": [f"/api/search?q={q}" for q in QUERIES],
                "/reports": [f"/reports?month={m}" for m in MONTHS],
                "/api/reports/monthly": [f"/api/reports/monthly?month={m}" for m in MONTHS],
            }
            for urls in targets.values():  # warm-up of every worker: templates, readers, caches
                run(base, urls, max(args.clients), 2, args.max_seconds)
            print(
                f"{'地址':<22}{'客户端':>6}{'请求':>7}{'错误':>6}{'p50 ms':>9}{'p95 ms':>9}{'次/秒':>8}"
            )
            results = {}
            for clients in args.clients:
                for name, urls in targets.items():
                    r = results[name, clients] = run(base, urls, clients, args.requests,
                                                     args.max_seconds)  # fmt: skip
                    print(f"{name:<22}{clients:>6}{r['n']:>7}{r['errors']:>6}{r['p50']:>9.1f}"
                          f"{r['p95']:>9.1f}{r['rps']:>8.1f}", flush=True)  # fmt: skip
            top = max(args.clients)
            misses = [f"{name} p95 {results[name, top]['p95']:.0f} ms > {GOALS[name]} ms"
                      for name in GOALS if results[name, top]["p95"] > GOALS[name]]  # fmt: skip
            errors = sum(r["errors"] for r in results.values())
            if errors:
                misses.append(f"{errors} 个错误")
            verdict = "met" if not misses else "NOT met（" + "；".join(misses) + "）"
            print(
                f"目标（{top} 个客户端：页面 p95 ≤ 150 ms，/api/search p95 ≤ 50 ms，0 错误）：{verdict}"
            )
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    main()
