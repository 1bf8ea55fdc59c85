"""Benchmark: N one-page 交办函 (.docx + PDF) — warm per-paper median, two-core batch throughput and
worker memory, side by side with LibreOffice converting the same .docx files in one call.

    .venv/bin/python bench/papers.py [--count 200]

``--count 2000`` is the memory run (bounded: 2,000 papers, a few minutes on two cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pdf_bytes import outline_bytes
from docgen.archive.cases import CaseFilter
from docgen.archive.papers import make_paper, make_papers
from docgen.archive.settings import Settings
from docgen.archive.workspace import Workspace
from docgen.typeset.render import Typesetter
from tests.cases import seed_paper_ready

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def seed(ws: Workspace, count: int) -> None:
    seed_paper_ready(ws, "BM", count, lambda i: SURNAMES[i % 20] + "某" + str(i))


def pdf_bytes(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    n = args.count
    tmp = Path(tempfile.mkdtemp(prefix="bench-papers-"))
    try:
        ws = Workspace.init(tmp / "ws", Settings(org="某市某区信访局", code="某信交", fonds="J021"))
        seed(ws, n + 20)
        today = dt.date(2024, 6, 20)

        # 1. warm single-process median (first paper pays the font load; excluded)
        setter = Typesetter()
        make_paper(ws, "交办函", "BM2024-0201" if n >= 200 else f"BM2024-{n + 1:04d}",
                   today=today, typesetter=setter)  # fmt: skip
        times = []
        for i in range(n + 2, n + 21):
            t0 = time.perf_counter()
            make_paper(ws, "交办函", f"BM2024-{i:04d}", today=today, typesetter=setter)
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)

        # 2. batch over N cases on two cores (pool start-up and font loading included)
        t0 = time.perf_counter()
        result = make_papers(ws, "交办函", CaseFilter(case_nos=tuple(
            f"BM2024-{i + 1:04d}" for i in range(n))), today=today, workers=2)  # fmt: skip
        batch = time.perf_counter() - t0
        assert not result.failed, result.failed[:3]
        ours = [ws.root / m.pdf for m in result.made]
        pages = [m.pages for m in result.made]
        rss = result.worker_rss_kb

        # 3. LibreOffice: the same .docx files, one call
        lo_in, lo_out = tmp / "lo-in", tmp / "lo-out"
        lo_in.mkdir()
        lo_out.mkdir()
        for i, m in enumerate(result.made):
            shutil.copy(ws.root / m.docx, lo_in / f"{i:04d}.docx")
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        lo_time = lo_size = None
        if soffice:
            t0 = time.perf_counter()
            subprocess.run(
                [soffice, "--headless", f"-env:UserInstallation=file://{tmp}/lo-profile",
                 "--convert-to", "pdf", "--outdir", str(lo_out), *sorted(map(str, lo_in.glob("*.docx")))],
                check=True, capture_output=True,
            )  # fmt: skip
            lo_time = time.perf_counter() - t0
            lo_size = pdf_bytes(sorted(lo_out.glob("*.pdf")))

        ours_size = pdf_bytes(ours)
        print(f"交办函 {n} 件（页数：{min(pages)}–{max(pages)}）")
        print(f"  单件中位数（热进程，.docx + PDF + 入库）：{median * 1000:.0f} ms")
        print(f"  docgen 批量（2 进程，含进程启动）：{batch:.1f} s，{n / batch:.1f} 件/秒"
              f"（其中检索索引更新 {result.index_seconds:.1f} s）")  # fmt: skip
        third = max(len(rss) // 3, 1)
        print(f"  工作进程内存 RSS：前 1/3 峰值 {max(rss[:third]) / 1024:.0f} MB，"
              f"后 1/3 峰值 {max(rss[-third:]) / 1024:.0f} MB，全程峰值 {max(rss) / 1024:.0f} MB")  # fmt: skip
        growth = max(rss[-third:]) / max(rss[:third])
        print(f"  goal: memory flat over {n} papers (last third peak ≤ 1.1× first third's): "
              f"{growth:.2f}× — {met(growth <= 1.1)}")  # fmt: skip
        print(f"  docgen PDF 平均大小：{ours_size / n / 1024:.1f} KB")
        if lo_time is not None and lo_size is not None:
            print(f"  LibreOffice 一次转换 {n} 件：{lo_time:.1f} s，{n / lo_time:.1f} 件/秒，"
                  f"PDF 平均 {lo_size / n / 1024:.1f} KB")  # fmt: skip
            speed, size = lo_time / batch, ours_size / lo_size
            print(
                f"  goal: throughput ≥ 3× LibreOffice (same run): {speed:.2f}× — {met(speed >= 3)}"
            )
            print(f"  goal: PDF size ≤ 0.5× LibreOffice's: {size:.2f}× — {met(size <= 0.5)}")
            glyphs, outlines = outline_bytes(ours)
            print(f"    of which the embedded glyphs' outlines ({glyphs / n:.0f} a paper, "
                  f"{outlines / glyphs:.0f} B each): {outlines / n / 1024:.1f} KB a paper = "
                  f"{outlines / lo_size:.2f}× LibreOffice's PDF")  # fmt: skip
        else:
            print("  未找到 LibreOffice（soffice），跳过对比")
        ws.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
