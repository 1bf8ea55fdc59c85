"""The benchmarks keep working as the code under them changes: each run on a tiny input.

A benchmark that only runs when someone measures rots silently (``bench/ledger.py`` broke when
``Workspace.cases_changed`` gained its progress argument). These runs check that a benchmark
finishes and prints its verdict; they time nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_ledger_benchmark_runs_to_its_verdict() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ledger.py"), "--rows", "30", "--repeat", "1",
         "--skip-big"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "目标：导入并更新索引" in done.stdout and "达标" in done.stdout
