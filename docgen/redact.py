"""Redaction for export packages: paper contexts and the PDF leak check.

The mask rules themselves (ID numbers, phones, addresses, names) and their normalisation live in
one module, :mod:`docgen.masking`; this module applies them to values and PDFs. Scanned images
are not redacted; callers must say so in the export.
"""

from __future__ import annotations

import re
from pathlib import Path

from docgen.masking import (
    Leak,
    Redaction,
    find_leaks,
    mask_addresses,
    mask_id_numbers,
    mask_phones,
    redact_text,
)

__all__ = [
    "Leak",
    "Redaction",
    "find_leaks",
    "mask_addresses",
    "mask_id_numbers",
    "mask_phones",
    "pdf_leaks",
    "redact_text",
    "redact_value",
]


def redact_value(value: object) -> object:
    """Redact every string inside a paper context (dicts, lists, tuples), leaving other values."""
    if isinstance(value, str):
        return redact_text(value).text
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value(item) for item in value)
    return value


def pdf_leaks(pdf: Path) -> list[Leak]:
    """Full ID or phone numbers in the extracted text of a PDF (the redacted-export check)."""
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    # Text extraction may break a number across a line end; join digit runs split by newlines.
    return find_leaks(re.sub(r"(?<=[\d０-９])\n(?=[\dXx０-９Ｘｘ])", "", text))
