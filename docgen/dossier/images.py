"""A scanned image file → a PDF (one page per frame) at the image's true size from its DPI.

JPEG data is embedded unchanged (DCTDecode); PNG and TIFF pixels are stored losslessly (Flate).
An image without a usable DPI is scaled to the width of an A4 page.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
)

A4_WIDTH_PT = 595.2756


def _page_size(width: int, height: int, dpi: object) -> tuple[float, float]:
    try:
        x_dpi, y_dpi = (float(v) for v in dpi)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        x_dpi = y_dpi = 0.0
    if x_dpi < 20 or y_dpi < 20:
        scale = A4_WIDTH_PT / width
        return A4_WIDTH_PT, height * scale
    return width * 72.0 / x_dpi, height * 72.0 / y_dpi


def _image_stream(frame, raw_jpeg: bytes | None) -> DecodedStreamObject:  # type: ignore[no-untyped-def]
    stream = DecodedStreamObject()
    if raw_jpeg is not None:
        space = {"L": "/DeviceGray", "CMYK": "/DeviceCMYK"}.get(frame.mode, "/DeviceRGB")
        stream.set_data(raw_jpeg)
        stream[NameObject("/Filter")] = NameObject("/DCTDecode")
        bits = 8
    else:
        if frame.mode == "1":  # 1 = white in both PIL and PDF; rows byte-aligned in both
            space, bits, data = "/DeviceGray", 1, frame.tobytes()
        elif frame.mode in ("L", "LA", "I;16", "I", "F"):
            space, bits, data = "/DeviceGray", 8, frame.convert("L").tobytes()
        else:
            space, bits, data = "/DeviceRGB", 8, frame.convert("RGB").tobytes()
        stream.set_data(zlib.compress(data, 6))
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    if frame.mode == "CMYK" and raw_jpeg is not None:
        stream[NameObject("/Decode")] = ArrayObject([NumberObject(v) for v in (1, 0) * 4])
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(frame.width),
            NameObject("/Height"): NumberObject(frame.height),
            NameObject("/ColorSpace"): NameObject(space),
            NameObject("/BitsPerComponent"): NumberObject(bits),
        }
    )
    return stream


def image_to_pdf(path: Path) -> bytes:
    """Image file → PDF bytes, one page per frame, each page exactly the scanned size."""
    from PIL import Image, ImageSequence

    writer = PdfWriter()
    with Image.open(path) as img:
        is_jpeg = img.format == "JPEG"
        dpi = img.info.get("dpi")
        for frame in ImageSequence.Iterator(img):
            raw = Path(path).read_bytes() if is_jpeg else None
            width_pt, height_pt = _page_size(frame.width, frame.height, frame.info.get("dpi", dpi))
            page = writer.add_blank_page(width_pt, height_pt)
            ref = writer._add_object(_image_stream(frame, raw))
            page[NameObject("/Resources")] = DictionaryObject(
                {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): ref})}
            )
            content = DecodedStreamObject()
            content.set_data(f"q {width_pt:.4f} 0 0 {height_pt:.4f} 0 0 cm /Im0 Do Q".encode())
            page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
