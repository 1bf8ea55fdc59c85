"""Ledger import benchmark: a generated 5,000-row 台账, imported into a fresh workspace.

Prints the import time beside openpyxl's bare read of the same file (the anchor, measured in the
same run), their ratio, and the peak memory of each (each runs in its own process). Goal: import
within 3x the bare read.

    python bench/ledger.py [--rows 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bare_read(path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    for _ in wb.worksheets[0].iter_rows(values_only=True):
        pass
    wb.close()


def full_import(path: Path, *, with_index: bool = True, backend: str = "whoosh") -> None:
    from archive.ledger_io import import_ledger
    from archive.settings import Settings
    from archive.workspace import Workspace

    settings = Settings(org="基准测试局", search_backend=backend)
    ws = Workspace.init(Path(tempfile.mkdtemp()) / "ws", settings)
    if not with_index:
        ws.cases_changed = lambda case_nos: None  # type: ignore[method-assign]
    result = import_ledger(ws, path)
    assert result.created > 0 and not result.errors, result.errors[:3]


def catalog_import(path: Path) -> None:
    full_import(path, with_index=False)


def tantivy_import(path: Path) -> None:
    full_import(path, backend="tantivy")


def child(kind: str, path: Path) -> None:
    """Run one measurement in this (fresh) process and print time and peak RSS as JSON."""
    import openpyxl  # noqa: F401

    import archive.ledger_io  # noqa: F401 - import cost is not part of either measurement

    start = time.perf_counter()
    kinds = {"bare": bare_read, "catalog": catalog_import, "import": full_import,
             "tantivy": tantivy_import}  # fmt: skip
    kinds[kind](path)
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb}))


def measure(kind: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    from docgen.sample import write_sample_ledger

    path = Path(tempfile.mkdtemp()) / "ledger.xlsx"
    write_sample_ledger(path, count=args.rows, seed=7)
    kinds = ("bare", "catalog", "import", "tantivy")
    runs = {kind: [measure(kind, path) for _ in range(args.repeat)] for kind in kinds}
    secs = {k: statistics.median(r["seconds"] for r in runs[k]) for k in kinds}
    peak = {k: max(r["peak_mb"] for r in runs[k]) for k in kinds}
    bare = secs["bare"]
    size_kb = path.stat().st_size / 1024
    print(f"台账导入基准：{args.rows} 行，{size_kb:.0f} KB，各测 {args.repeat} 次取中位数")
    rows = [
        ("openpyxl 只读遍历（锚点）", "bare"),
        ("导入入库（读取+校验+写目录库）", "catalog"),
        ("导入并更新索引（whoosh，默认）", "import"),
        ("导入并更新索引（tantivy）", "tantivy"),
    ]
    for label, kind in rows:
        ratio = secs[kind] / bare
        print(
            f"  {label:<16} {secs[kind]:7.2f} s  峰值内存 {peak[kind]:5.0f} MB  比值 {ratio:5.2f}"
        )
    verdict = "达标" if secs["catalog"] / bare <= 3 else "未达标"
    print(f"  导入入库目标：≤ 3.0 倍只读遍历 —— {verdict}")
    for label, kind in (("whoosh", "import"), ("tantivy", "tantivy")):
        rate = args.rows / max(secs[kind] - secs["catalog"], 1e-9)
        print(f"  检索索引更新（{label}）约 {rate:.0f} 条/秒，随导入同步完成")


if __name__ == "__main__":
    main()
