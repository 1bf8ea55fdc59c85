"""Sample dossier material for the demo, tests and benchmark: small papers and scans → catalog.

``add_paper`` writes a short .docx from the base template (python-docx), typesets it through
``docgen.typeset`` and records the PDF with ``meta["docx"]``, as ``docgen paper make`` does;
``make_scan`` draws a page-sized grey JPEG (a stand-in for a scanner's output, with its DPI),
printed with given lines of text when OCR is to read it.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.archive.cases import get_case
from docgen.archive.documents import NewDocument, document_transaction
from docgen.templates import TEMPLATES_DIR

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

BASE_DOCX = TEMPLATES_DIR / "styles" / "base.docx"


def write_paper_docx(
    path: Path, title: str, paragraphs: list[str], org: str = "某区信访局"
) -> Path:
    """A short paper .docx in the base template's named styles."""
    from docx import Document

    document = Document(str(BASE_DOCX))
    body = document.element.body
    for p in list(body.iterchildren()):
        if p.tag.endswith("}p"):
            body.remove(p)
    document.add_paragraph(title, style="DocTitle")
    for text in paragraphs:
        document.add_paragraph(text, style="Body")
    document.add_paragraph(org, style="Signature")
    document.add_paragraph("2024年6月20日", style="DocDate")
    document.core_properties.title = title
    document.save(str(path))
    return path


def add_paper(ws: Workspace, case_no: str, section: int, kind: str, title: str,
              meta: dict[str, Any] | None = None, *, doc_date: dt.date | None = None,
              doc_no: str | None = None, paragraphs: list[str] | None = None) -> int:  # fmt: skip
    """Generate, typeset and catalog one paper; → its document id."""
    from docgen.typeset import typeset_docx

    folder = ws.case_dir(case_no) / "papers"
    with ws.session() as session:
        count = len(get_case(session, case_no).documents)
    stem = f"{count + 1:03d}-{kind}"
    text = paragraphs or [f"关于案件{case_no}的{kind}。经研究，现将有关事项通知如下，请认真办理。"]
    with document_transaction(ws) as txn:
        case = get_case(txn.session, case_no)
        docx_final = folder / f"{stem}.docx"
        docx_tmp = txn.files.add(docx_final)
        write_paper_docx(docx_tmp, title, text, ws.settings.org)
        pdf_tmp = txn.files.add(folder / f"{stem}.pdf")
        pages = typeset_docx(docx_tmp, pdf_tmp).pages
        rel = docx_final.resolve().relative_to(ws.root).as_posix()
        doc = txn.record(case, pdf_tmp, NewDocument(
            section=section, kind=kind, title=title, doc_no=doc_no, author=ws.settings.org,
            doc_date=doc_date or dt.date(2024, 6, 20), pages=pages,
            meta={"docx": rel, **(meta or {})},
        ))  # fmt: skip
        txn.session.flush()
        return doc.id


def make_scan(path: Path, seed: int = 0, *, dpi: int = 150, quality: int = 70,
              lines: Sequence[str] = ()) -> Path:  # fmt: skip
    """A grey A4 'scan' as JPEG at ``dpi`` with noise (about 130 KB at the defaults).

    With ``lines``, the page carries them as printed text (16 pt, in the body font's face) so
    that OCR has words to read; without, ruled lines stand in for handwriting."""
    from PIL import Image, ImageDraw, ImageFont

    rnd = random.Random(seed)
    width, height = round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)
    # The paper's grain from ``seed`` (Image.effect_noise draws on the C library's rand(), so
    # the same seed gave another page, and OCR another reading, after other scans were made)
    grain = Image.frombytes("L", (width, height), rnd.randbytes(width * height))
    img = grain.point(lambda v: 212 + v // 32)
    draw = ImageDraw.Draw(img)
    if lines:
        from docgen.fonts import resolve_fonts

        face = resolve_fonts()["body"].source
        size = round(16 / 72 * dpi)
        font = ImageFont.truetype(str(face.file), size, index=face.index)
        y = round(25 / 25.4 * dpi)
        for line in lines:
            draw.text((round(28 / 25.4 * dpi), y), line, font=font, fill=rnd.randrange(10, 40))
            y += round(size * 1.8)
    else:
        for _ in range(40):
            y = rnd.randrange(100, height - 100)
            draw.line([(120, y), (width - 120, y)], fill=rnd.randrange(20, 90), width=3)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))
    path.write_bytes(buf.getvalue())
    return path


def make_pdf_scan(path: Path, seed: int = 0) -> Path:
    """A one-page PDF holding a scan image (as a signed paper comes back from the scanner)."""
    from docgen.dossier.images import image_to_pdf

    jpg = make_scan(path.with_suffix(".jpg"), seed)
    path.write_bytes(image_to_pdf(jpg))
    jpg.unlink()
    return path
