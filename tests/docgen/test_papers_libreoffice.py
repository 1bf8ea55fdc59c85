"""Every registered paper type, made for a case, agrees with LibreOffice's rendering of its .docx:
the same page count, and no text past the right edge of the text block (28 + 156 = 184 mm) in
either rendering. Geometry from ``pdftotext -bbox`` of both PDFs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.archive.workspace import Workspace
from docgen.papers import PAPER_TYPES
from tests.conftest import Cli
from tests.docgen.test_papers import CASE, VALUES

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="需要 LibreOffice 和 poppler-utils",
)

RIGHT_EDGE_MM = 28 + 156


def _right_edge_mm(pdf: Path) -> tuple[float, str]:
    """The largest right edge of a word that is not a page number, and that word."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    words = re.findall(
        r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]+)</word>', out
    )
    return max((float(x) * 25.4 / 72, w) for x, w in words if "—" not in w)


def _make_for(populated: Workspace, case: str, kind: str, *extra: str) -> dict:  # type: ignore[type-arg]
    sets = [a for k, v in VALUES.get(kind, {}).items() for a in ("--set", f"{k}={v}")]
    result = Cli(populated)("paper", "make", kind, "--case", case, *sets, *extra, "--json")
    return json.loads(result.output)


#: Two cases: one petitioner, and three (a longer addressee line, 𠮷 in a name, a case number
#: “XF2024-0007）” at a line start that once ended a line of our PDF at 184.03 mm).
CASES = ((CASE, "2024-09-28", "2024-10-08"), ("XF2024-0007", "2024-11-20", "2024-12-02"))


@pytest.mark.sqlite_only  # one render per type and case, LibreOffice once for all
def test_every_type_agrees_with_libreoffice(populated: Workspace, tmp_path: Path) -> None:
    made = {}
    for case, assigned, made_on in CASES:
        # the 交办函 first: later papers quote its 文号
        _make_for(populated, case, "交办函", "--date", assigned, "--force")
        for kind in PAPER_TYPES:
            data = _make_for(populated, case, kind, "--date", made_on, "--new", "--force")
            source = tmp_path / f"paper{len(made):02d}.docx"  # plain names for soffice
            shutil.copy(populated.root / data["docx"], source)
            made[f"{kind}（{case}）"] = (source, populated.root / data["pdf"])
    assert len(made) == len(CASES) * len(PAPER_TYPES)
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "lo"), *(str(s) for s, _ in made.values())],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    problems = []
    for kind, (source, ours) in made.items():
        theirs = tmp_path / "lo" / source.with_suffix(".pdf").name
        pages = len(PdfReader(ours).pages), len(PdfReader(theirs).pages)
        if pages[0] != pages[1]:
            problems.append(f"{kind}: {pages[0]} pages, LibreOffice {pages[1]}")
        for label, pdf in (("ours", ours), ("LibreOffice", theirs)):
            edge, word = _right_edge_mm(pdf)
            if round(edge, 2) > RIGHT_EDGE_MM:  # pdftotext gives 1/100 pt
                problems.append(f"{kind}: {label} right edge {edge:.2f} mm at “{word}”")
    assert not problems, "\n".join(problems)
