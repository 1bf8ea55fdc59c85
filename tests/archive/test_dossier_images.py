"""Scanned images → true-size PDF pages: JPEG data embedded unchanged, TIFF frames as pages."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader

from docgen.archive.dossier.samples import make_scan
from docgen.dossier.images import image_to_pdf


def test_jpeg_kept_byte_for_byte_at_true_size(tmp_path) -> None:  # type: ignore[no-untyped-def]
    jpg = make_scan(tmp_path / "a.jpg", dpi=50)
    page = PdfReader(io.BytesIO(image_to_pdf(jpg))).pages[0]
    assert (
        abs(float(page.mediabox.width) - 595.3) < 1 and abs(float(page.mediabox.height) - 841.9) < 1
    )
    image = page["/Resources"]["/XObject"]["/Im0"].get_object()
    assert image.get_data() == jpg.read_bytes()


def test_tiff_frames_and_png(tmp_path) -> None:  # type: ignore[no-untyped-def]
    frames = [Image.new("1", (300, 200), 1), Image.new("L", (200, 300), 128)]
    tif = tmp_path / "a.tif"
    frames[0].save(tif, save_all=True, append_images=frames[1:], dpi=(100, 100))
    reader = PdfReader(io.BytesIO(image_to_pdf(tif)))
    assert [round(float(p.mediabox.width)) for p in reader.pages] == [216, 144]
    png = tmp_path / "a.png"
    Image.new("RGB", (120, 60), (200, 10, 10)).save(png)  # no DPI: scaled to A4 width
    page = PdfReader(io.BytesIO(image_to_pdf(png))).pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 298
