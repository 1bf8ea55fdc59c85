"""Typesetting speed and size: warm WeasyPrint renderer vs LibreOffice batch conversion, on the
same one-page and three-page specimen .docx files. Prints figures; no thresholds."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from docgen.typeset import typeset_docx
from docgen.typeset.docx_base import build_specimen

COUNT = 20


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    sources = []
    for index in range(COUNT):
        path = work / f"paper{index:03d}.docx"
        build_specimen("letter", body_repeat=1).save(path)
        sources.append(path)
    start = time.perf_counter()
    typeset_docx(sources[0], work / "warmup.pdf")
    print(f"first render (cold process, fonts loaded): {time.perf_counter() - start:.2f} s")
    times = []
    pages = 0
    for path in sources:
        start = time.perf_counter()
        result = typeset_docx(path, path.with_suffix(".pdf"))
        times.append(time.perf_counter() - start)
        pages += result.pages
    ours = sorted(path.with_suffix(".pdf").stat().st_size for path in sources)
    print(
        f"weasyprint: {COUNT} papers, {pages} pages, median {statistics.median(times):.3f} s/paper, "
        f"{sum(times) / pages:.3f} s/page, median size {ours[len(ours) // 2] / 1024:.1f} KB"
    )
    if shutil.which("soffice"):
        lo_dir = work / "lo"
        start = time.perf_counter()
        subprocess.run(
            [
                "soffice",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(lo_dir),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
        )
        elapsed = time.perf_counter() - start
        sizes = sorted(p.stat().st_size for p in lo_dir.glob("*.pdf"))
        print(
            f"libreoffice batch: {elapsed / COUNT:.3f} s/paper, "
            f"median size {sizes[len(sizes) // 2] / 1024:.1f} KB; "
            f"ratio (LO time / ours) {elapsed / sum(times):.2f}x"
        )
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
