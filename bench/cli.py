"""Benchmark: the start-up cost of each CLI command, as a clerk runs it from the shell.

Wall time of a fresh ``python -m docgen`` process for ``--help``, ``case list``, ``search`` and
``paper make 交办函 --case N`` (a new case each run), min and median of ``--repeat`` runs, on a
workspace made from the sample 台账. Goal (issue 21): one ``paper make`` ≤ 0.8 s wall, with
``docgen --help`` as the anchor measured in the same run.

Byte code is cached as on a user's machine (the children run without PYTHONDONTWRITEBYTECODE,
and one untimed run of each command comes first).

    python bench/cli.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 0.8


def docgen(args: list[str], workspace: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "docgen", "-w", str(workspace), *args],
                          capture_output=True, text=True, env=env, cwd=workspace)  # fmt: skip
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"docgen {' '.join(args)} failed: {done.stderr.strip()[:300]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from docgen.archive.ledger_io import import_ledger
    from docgen.archive.settings import Settings
    from docgen.archive.workspace import Workspace
    from docgen.sample import write_sample_ledger

    tmp = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    try:
        ws = Workspace.init(tmp / "ws", Settings(org="某市某区信访局", code="某信交"))
        import_ledger(ws, write_sample_ledger(tmp / "台账.xlsx"))
        ws.close()
        root = tmp / "ws"
        cases = iter(f"XF2024-{n:04d}" for n in (1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
        commands = {
            "--help": lambda: ["--help"],
            "case list": lambda: ["case", "list"],
            "search": lambda: ["search", "工资"],
            "paper make": lambda: ["paper", "make", "交办函", "--case", next(cases)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for argv in commands.values():
            docgen(argv(), root)  # untimed: byte code compiled, fonts prepared, index caught up
        for _ in range(args.repeat):
            for name, argv in commands.items():
                times[name].append(docgen(argv(), root))
        print(f"CLI 启动耗时（新进程，墙钟时间，{args.repeat} 次；{os.cpu_count()} 核，"
              f"负载 {os.getloadavg()[0]:.1f}）")  # fmt: skip
        print(f"  {'命令':<12}{'最短 s':>8}{'中位 s':>8}")
        for name, runs in times.items():
            print(f"  {name:<12}{min(runs):>8.2f}{statistics.median(runs):>8.2f}")
        make = statistics.median(times["paper make"])
        anchor = statistics.median(times["--help"])
        verdict = "met" if make <= GOAL_S else "NOT met"
        print(f"  goal: paper make 交办函 ≤ {GOAL_S} s wall — {verdict} "
              f"(median {make:.2f} s = {make / anchor:.1f}× docgen --help's {anchor:.2f} s)")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
