"""Ledger import benchmark: a generated 5,000-row 台账, imported into a fresh workspace.

Prints, each measured in its own fresh process and repeated (median):
- the anchors: openpyxl's bare read-only pass over the file, and python-calamine's bare read;
- import into the catalog (read + validate + write, no index), and import + index for each
  search backend, each with its ratio to both anchors;
- the index update's own time, measured around the index call itself (not a difference of two
  noisy totals), and its rate;
- a 20,000-row workbook over 20 sheets: time and peak memory beside the 5,000-row run (the
  importer works sheet by sheet, so memory should stay flat).

Goal: import + index ≤ 1.0× openpyxl's bare read.

    python bench/ledger.py [--rows 5000] [--repeat 3] [--skip-big] [--skip-whoosh]

Wall times on a shared machine swing with other load: the kinds run interleaved, and the CPU
time of each (its engine threads included) is printed beside them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.peak import peak_rss_kb  # noqa: E402

GOAL = 1.0
NOISE = 0.25  # a spread above this share of the median makes the ratios unreliable


def bare_read(path: Path) -> dict[str, float]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    for ws in wb.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass
    wb.close()
    return {}


def calamine_read(path: Path) -> dict[str, float]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()
    return {}


def full_import(
    path: Path, *, with_index: bool = True, backend: str = "whoosh"
) -> dict[str, float]:
    from docgen.archive.ledger_io import import_ledger
    from docgen.archive.settings import Settings
    from docgen.archive.workspace import Workspace

    settings = Settings(org="基准测试局", search_backend=backend)
    ws = Workspace.init(Path(tempfile.mkdtemp()) / "ws", settings)
    timing = {"index_seconds": 0.0}
    if with_index:
        ws.search_index()  # opening the (empty) index is set-up, not import work
        indexed = ws.cases_changed

        def timed(case_nos: list[str], *rest: object) -> None:
            start = time.perf_counter()
            indexed(case_nos, *rest)
            timing["index_seconds"] += time.perf_counter() - start

        ws.cases_changed = timed  # type: ignore[method-assign]
    else:
        ws.cases_changed = lambda *_: None  # type: ignore[method-assign]
    result = import_ledger(ws, path)
    assert result.created > 0 and not result.errors, result.errors[:3]
    return timing


def child(kind: str, path: Path) -> None:
    """Run one measurement in this (fresh) process and print time and peak RSS as JSON."""
    import openpyxl  # noqa: F401
    import python_calamine  # noqa: F401

    import docgen.archive.indexing
    import docgen.archive.ledger_io  # noqa: F401

    kinds = {
        "bare": bare_read,
        "calamine": calamine_read,
        "catalog": lambda p: full_import(p, with_index=False),
        "whoosh": lambda p: full_import(p, backend="whoosh"),
        "tantivy": lambda p: full_import(p, backend="tantivy"),
    }
    start, cpu = time.perf_counter(), time.process_time()
    extra = kinds[kind](path)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = peak_rss_kb() / 1024
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mb": peak_mb, **extra}))


def measure(kind: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    if out.returncode != 0:
        sys.exit(f"{kind} run failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_multi_sheet(path: Path, rows: int, sheets: int) -> Path:
    """``rows`` sample rows spread over ``sheets`` sheets (one per 镇), each with its title."""
    from openpyxl import Workbook

    from docgen.sample import SAMPLE_HEADERS, sample_rows

    data = sample_rows(rows, seed=11)
    wb = Workbook(write_only=True)
    per = rows // sheets
    for s in range(sheets):
        ws = wb.create_sheet(f"第{s + 1}镇")
        ws.append([f"第{s + 1}镇信访积案台账"])
        ws.append(SAMPLE_HEADERS)
        for row in data[s * per : (s + 1) * per]:
            ws.append(row)
    wb.save(path)
    return path


def run_set(path: Path, kinds: tuple[str, ...], repeat: int) -> dict[str, dict[str, float]]:
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    for _ in range(repeat):  # interleaved: a burst of load elsewhere hits every kind alike
        for kind in kinds:
            runs[kind].append(measure(kind, path))
    out = {}
    for k, r in runs.items():
        out[k] = {
            "seconds": statistics.median(x["seconds"] for x in r),
            "cpu": statistics.median(x["cpu"] for x in r),
            "peak_mb": max(x["peak_mb"] for x in r),
            "index_seconds": statistics.median(x.get("index_seconds", 0.0) for x in r),
            "spread": max(x["seconds"] for x in r) - min(x["seconds"] for x in r),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-big", action="store_true", help="不测 20,000 行 × 20 表")
    parser.add_argument("--skip-whoosh", action="store_true", help="不测 whoosh（每次约 20 秒）")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    from docgen.sample import write_sample_ledger

    tmp = Path(tempfile.mkdtemp())
    path = write_sample_ledger(tmp / "ledger.xlsx", count=args.rows, seed=7)
    backends = ("tantivy",) if args.skip_whoosh else ("whoosh", "tantivy")
    kinds = ("bare", "calamine", "catalog", *backends)
    res = run_set(path, kinds, args.repeat)
    bare, cal = res["bare"]["seconds"], res["calamine"]["seconds"]
    size_kb = path.stat().st_size / 1024
    print(f"台账导入基准：{args.rows} 行，{size_kb:.0f} KB，各测 {args.repeat} 次取中位数")
    labels = [
        ("openpyxl 只读遍历（锚点）", "bare"),
        ("calamine 读取（锚点）", "calamine"),
        ("导入入库（读取+校验+写目录库）", "catalog"),
        ("导入并更新索引（whoosh）", "whoosh"),
        ("导入并更新索引（tantivy）", "tantivy"),
    ]
    for label, kind in labels:
        if kind not in res:
            continue
        r = res[kind]
        print(
            f"  {label:<18} {r['seconds']:6.2f} s（极差 {r['spread']:.2f}）  峰值内存 {r['peak_mb']:5.0f} MB"
            f"  对 openpyxl {r['seconds'] / bare:5.2f} 倍  对 calamine {r['seconds'] / cal:5.1f} 倍"
        )
    bare_cpu = res["bare"]["cpu"]
    print(
        "  CPU 时间（中位数，含引擎线程；机器忙时比墙钟稳定）："
        + "，".join(f"{kind} {res[kind]['cpu']:.2f} s" for kind in kinds)
        + f"；导入并更新索引（tantivy）对 openpyxl {res['tantivy']['cpu'] / bare_cpu:.2f} 倍"
    )
    for backend in backends:
        secs = res[backend]["index_seconds"]
        rate = f"约 {args.rows / secs:,.0f} 条/秒" if secs > 0.005 else "短于计时精度"
        print(f"  其中索引更新（{backend}，单独计时）{secs:6.2f} s，{rate}")
    best = min(res[b]["seconds"] for b in backends)
    verdict = "达标" if best / bare <= GOAL else "未达标"
    noisy = [k for k, r in res.items() if r["spread"] > NOISE * r["seconds"]]
    if noisy:
        print(
            f"  注意：{'、'.join(noisy)} 各次相差超过 {NOISE:.0%}，机器负载不稳，比值仅供参考"
            "（请在空闲时加大 --repeat 重测）"
        )
    print(
        f"  目标：导入并更新索引 ≤ {GOAL:.1f} 倍 openpyxl 只读遍历 —— {verdict}（最好 {best / bare:.2f} 倍）"
    )
    if args.skip_big:
        return
    big = write_multi_sheet(tmp / "big.xlsx", 20_000, 20)
    res_big = run_set(big, ("bare", "calamine", "tantivy"), 1)
    r = res_big["tantivy"]
    print(
        f"20,000 行 × 20 个工作表：导入并更新索引（tantivy）{r['seconds']:.2f} s，"
        f"对 openpyxl {r['seconds'] / res_big['bare']['seconds']:.2f} 倍，"
        f"峰值内存 {r['peak_mb']:.0f} MB（{args.rows} 行时 {res['tantivy']['peak_mb']:.0f} MB），"
        f"CPU {r['cpu']:.2f} s（openpyxl {res_big['bare']['cpu']:.2f} s）"
    )


if __name__ == "__main__":
    main()
