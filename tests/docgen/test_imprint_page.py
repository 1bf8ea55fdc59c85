"""GB/T 9704 7.4.1 / 7.5: the 版记 on the foot of the last page, an even one; a body ending on an
odd page leaves the 版记 alone on the next page, without a page number — in our PDF and in the
.docx (LibreOffice's rendering read back too). Positions from ``pdftotext -bbox``."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.papers.build_templates import add_imprint_table
from docgen.papers.fill import render_paper
from docgen.typeset.docx_base import build_base

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils")

BODY = "经审查，该信访事项符合受理条件，本机关决定予以受理，由区人社局负责办理。" * 2


def _template(path: Path, paragraphs: int) -> Path:
    document = build_base("document")
    document.paragraphs[0].style = "DocTitle"
    document.paragraphs[0].add_run("信访事项受理告知书")
    document.add_paragraph("张三：", style="Recipient")
    for _ in range(paragraphs):
        document.add_paragraph(BODY, style="Body")
    document.add_paragraph("某市某区信访局", style="Signature")
    document.add_paragraph("2024年10月8日", style="DocDate")
    add_imprint_table(
        document,
        [
            ("Cc", "抄送：某市人民政府，某区人社局。"),
            ("Imprint", "某市某区信访局\t2024年10月8日印发"),
        ],
    )
    document.save(path)
    return path


def _words(pdf: Path, page: int) -> list[tuple[float, str]]:
    """(top in mm, word) of one page."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    found = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]+)</word>', out)
    return [(float(y) * 25.4 / 72, word) for y, word in found]


def _check_pages(pdf: Path, pages: int, alone: bool) -> None:
    assert len(PdfReader(pdf).pages) == pages
    last = _words(pdf, pages)
    cc = next(y for y, w in last if w.startswith("抄送"))
    imprint = next(y for y, w in last if "印发" in w)
    # the 版记 on the foot of the text block (its last rule on 297 - 35 = 262 mm)
    assert 235 < cc < imprint < 262
    others = [w for y, w in last if y < cc]
    numbers = [w for y, w in last if y > 262]
    if alone:  # nothing else on the page, not even its number
        assert others == [] and numbers == []
        assert "2024年10月8日" in "".join(w for _, w in _words(pdf, pages - 1))
    else:
        assert others and numbers


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, tuple[Path, Path, int]]:
    directory = tmp_path_factory.mktemp("imprint")
    out = {}
    for name, paragraphs in (("odd", 1), ("even", 9)):
        template = _template(directory / f"{name}-template.docx", paragraphs)
        docx, pdf = directory / f"{name}.docx", directory / f"{name}.pdf"
        pages = render_paper(template, {}, docx, pdf, variant="document")
        out[name] = (docx, pdf, pages)
    return out


def test_body_ending_on_page_one_puts_the_imprint_alone_on_page_two(made) -> None:
    docx, pdf, pages = made["odd"]
    assert pages == 2
    _check_pages(pdf, 2, alone=True)
    body = zipfile.ZipFile(docx).read("word/document.xml").decode()
    # the .docx: a section break before the 版记, the new section without page numbers
    assert body.count("<w:sectPr") == 2
    assert body.index("<w:sectPr") < body.index("抄送：") < body.rindex("<w:sectPr")
    last_section = body[body.rindex("<w:sectPr") :]
    assert '<w:type w:val="nextPage"/>' in last_section and "<w:titlePg" not in last_section
    with zipfile.ZipFile(docx) as z:
        refs = re.findall(r'<w:footerReference w:type="\w+" r:id="(\w+)"/>', last_section)
        rels = z.read("word/_rels/document.xml.rels").decode()
        for rid in refs:
            target = re.search(f'Id="{rid}"[^>]*Target="([^"]+)"', rels) or re.search(
                f'Target="([^"]+)"[^>]*Id="{rid}"', rels
            )
            assert target and "PAGE" not in z.read("word/" + target[1]).decode()
    # typesetting the .docx again (paper pdf) gives the same pages
    again = pdf.with_name("again.pdf")
    from docgen.typeset import typeset_docx

    result = typeset_docx(docx, again)
    assert result.pages == 2 and result.imprint_alone
    _check_pages(again, 2, alone=True)


def test_body_ending_on_page_two_keeps_the_imprint_there(made) -> None:
    docx, pdf, pages = made["even"]
    assert pages == 2
    _check_pages(pdf, 2, alone=False)
    assert zipfile.ZipFile(docx).read("word/document.xml").decode().count("<w:sectPr") == 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="需要 LibreOffice")
def test_libreoffice_puts_the_imprint_on_the_same_page(made, tmp_path: Path) -> None:
    sources = [made["odd"][0], made["even"][0]]
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, sources)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    _check_pages(tmp_path / "odd.pdf", 2, alone=True)
    _check_pages(tmp_path / "even.pdf", 2, alone=False)
