"""Dossier benchmark: a case with 20 generated papers and 10 scanned pages (~200 KB JPEGs).

The papers are made by the paper pipeline itself (``make_paper``: the demo case's ten papers, 交办函
to 稳控方案, twice over with later dates), so each carries the text and font subsets a real paper
has. Prints the dossier build (papers and scans as stored, their font subsets merged into one
program per face; cover, 卷内目录 and 备考表 rendered) beside two anchors measured in the same run on the same material: a plain pypdf
merge of the separately rendered PDFs, and ``qpdf --empty --pages … --``. Goals (issue 21): at most
0.15× the plain merge's size without the scans, scans byte-identical, built within 3 s.

    python bench/dossier.py [--scan-dpi 72 --scan-quality 20]

The defaults give ~22 KB per scanned page (~220 KB of scans, as the issue sets); larger scans
(``--scan-dpi 150 --scan-quality 70``: 1.3 MB) are copied unchanged by every method and so pull
every ratio towards 1.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CASE = "XF2024-0001"
ROUND_GAP = dt.timedelta(days=40)  # the second round of papers is dated later


def setup(tmp: Path, dpi: int, quality: int):  # type: ignore[no-untyped-def]
    from docgen.archive.attachments import AttachRequest, attach
    from docgen.archive.dossier.demo import DEMO_PAPERS
    from docgen.archive.dossier.samples import make_scan
    from docgen.archive.ledger_io import import_ledger
    from docgen.archive.papers import MakeOptions, make_paper
    from docgen.archive.settings import Settings
    from docgen.archive.workspace import Workspace
    from docgen.dossier.images import image_to_pdf
    from docgen.sample import write_sample_ledger

    ws = Workspace.init(tmp / "ws", Settings(org="某市某区信访局", code="某信交", fonds="J021"))
    import_ledger(ws, write_sample_ledger(tmp / "sample.xlsx"))
    papers = (("交办函", dt.date(2024, 6, 5), {}), *DEMO_PAPERS)
    for round_no in range(2):
        for kind, day, fields in papers:
            make_paper(
                ws,
                kind,
                CASE,
                fields,
                today=day + round_no * ROUND_GAP,
                options=MakeOptions(new=True, force=True),
            )  # the same papers twice
    scans = []
    for n in range(10):
        jpg = make_scan(tmp / f"scan{n}.jpg", seed=n, dpi=dpi, quality=quality)
        attach(
            ws,
            AttachRequest(
                CASE, jpg, 1 + n % 6, f"扫描件{n + 1}", "扫描件", dt.date(2024, 7, 1 + n)
            ),
        )
        pdf = tmp / f"scan{n}.pdf"
        pdf.write_bytes(image_to_pdf(jpg))
        scans.append(pdf)
    return ws, scans


def separate_pdfs(ws, scans: list[Path]) -> list[Path]:  # type: ignore[no-untyped-def]
    """The separately rendered PDFs in binding order (papers as generated, scans as PDFs)."""
    from docgen.archive.cases import get_case
    from docgen.archive.dossier.check import case_documents

    out, scan_iter = [], iter(scans)
    with ws.session() as session:
        for doc in case_documents(get_case(session, CASE)):
            out.append(ws.root / doc.path if doc.kind != "扫描件" else next(scan_iter))
    return out


def pypdf_merge(pdfs: list[Path], target: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(str(pdf))
    with open(target, "wb") as fh:
        writer.write(fh)


def scans_byte_identical(dossier: Path, jpegs: list[Path]) -> bool:
    """Every scanned JPEG is one of the dossier's image streams, byte for byte."""
    import pikepdf

    with pikepdf.open(dossier) as pdf:
        images = {obj.read_raw_bytes() for obj in pdf.objects
                  if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"}  # fmt: skip
    return all(jpg.read_bytes() in images for jpg in jpegs)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scan-dpi", type=int, default=72)
    parser.add_argument("--scan-quality", type=int, default=20)
    args = parser.parse_args()
    from bench.pdf_bytes import byte_breakdown, outline_bytes
    from docgen.archive.dossier.build import BuildOptions, build_dossier
    from docgen.typeset.render import default_typesetter

    tmp = Path(tempfile.mkdtemp())
    try:
        ws, scans = setup(tmp, args.scan_dpi, args.scan_quality)
        pdfs = separate_pdfs(ws, scans)
        default_typesetter()  # warm: fonts loaded once per process, as in the CLI
        rows = []
        t = time.perf_counter()
        result = build_dossier(ws, CASE, BuildOptions(allow_incomplete=True, archive_stamp=True))
        rows.append(("docgen dossier build", time.perf_counter() - t, result.size))
        t = time.perf_counter()
        pypdf_merge(pdfs, tmp / "merge.pdf")
        rows.append(("pypdf merge", time.perf_counter() - t, (tmp / "merge.pdf").stat().st_size))
        if shutil.which("qpdf"):
            t = time.perf_counter()
            subprocess.run(["qpdf", "--empty", "--pages", *map(str, pdfs), "--", str(tmp / "q.pdf")],
                           check=True)  # fmt: skip
            rows.append(
                ("qpdf --empty --pages", time.perf_counter() - t, (tmp / "q.pdf").stat().st_size)
            )
        print(f"20 份文书 + 10 页扫描件（扫描件共 {sum(p.stat().st_size for p in scans) / 1024:.0f} KB）；"
              f"卷宗 {result.total_pages} 页")  # fmt: skip
        print(f"{'method':24} {'time s':>8} {'size KB':>9} {'size ratio':>11}")
        base = rows[1][2]
        for name, seconds, size in rows:
            print(f"{name:24} {seconds:8.2f} {size / 1024:9.0f} {size / base:11.2f}")
        scan_bytes = sum(p.stat().st_size for p in scans)
        print(
            f"without the {scan_bytes / 1024:.0f} KB of scans (copied unchanged by every method):"
        )
        for name, _, size in rows:
            print(
                f"  {name:22} {(size - scan_bytes) / 1024:9.0f} KB {(size - scan_bytes) / (base - scan_bytes):11.2f}"
            )
        dossier = ws.root / result.path
        merge_rest = base - scan_bytes
        print("where the dossier's bytes go (× the pypdf merge without the scans):")
        for what, size, count in byte_breakdown(dossier):
            print(f"  {what:26} {size / 1024:7.1f} KB {size / merge_rest:6.3f}×"
                  + (f" ({count} objects)" if count else ""))  # fmt: skip
        glyphs, outlines = outline_bytes([dossier])
        print(f"  of the font programs, the {glyphs} glyphs' outlines: {outlines / 1024:.1f} KB "
              f"({outlines / glyphs:.0f} B a glyph) = {outlines / merge_rest:.3f}×")  # fmt: skip
        ratio = (rows[0][2] - scan_bytes) / (base - scan_bytes)
        print(f"goal: ≤ 0.15× the pypdf merge without the scans: {ratio:.2f}× —",
              "met" if ratio <= 0.15 else "NOT met")  # fmt: skip
        print(
            f"goal: built within 3 s: {rows[0][1]:.2f} s —",
            "met" if rows[0][1] <= 3.0 else "NOT met",
        )
        same = scans_byte_identical(dossier, [tmp / f"scan{n}.jpg" for n in range(10)])
        print("goal: scans byte-identical in the dossier:", "met" if same else "NOT met")
        ws.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
