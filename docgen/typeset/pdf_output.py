"""The last step of every PDF docgen composes with pypdf: serialise it compactly.

pypdf writes each object on its own, uncompressed, with a classic xref table; for a dossier the
page, font and outline dictionaries add up to ~10 % of the file. qpdf (through pikepdf) rewrites
the file with object streams and an xref stream and compresses streams that have no filter. Every
stream that already has a filter keeps its bytes exactly (decode level "none"): attached scans stay
byte-identical, and qpdf never compresses the XMP metadata stream, as PDF/A requires.
"""

from __future__ import annotations

import io

import pikepdf
from pypdf import PdfWriter


def compact(data: bytes) -> bytes:
    """The same PDF with object streams; filtered streams kept byte for byte."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
        return out.getvalue()


def pdf_bytes(writer: PdfWriter) -> bytes:
    """``writer``'s PDF, compacted (see the module docstring)."""
    buffer = io.BytesIO()
    writer.write(buffer)
    return compact(buffer.getvalue())
