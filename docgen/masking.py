"""Personal-data masking, the one module for every mask rule (see :mod:`index.masking`).

The rules live in ``index.masking`` because ``index`` is the bottom layer: it may import neither
docgen nor archive, yet its search snippets must be masked by the same rules. Everything above
(docgen, archive, the CLI) imports them from here.
"""

from __future__ import annotations

from docgen.index.masking import (
    Leak,
    Redaction,
    find_leaks,
    mask_addresses,
    mask_id_number,
    mask_id_numbers,
    mask_name,
    mask_personal,
    mask_phone_number,
    mask_phones,
    normalise,
    personal_spans,
    redact_text,
)

__all__ = [
    "Leak",
    "Redaction",
    "find_leaks",
    "mask_addresses",
    "mask_id_number",
    "mask_id_numbers",
    "mask_name",
    "mask_personal",
    "mask_phone_number",
    "mask_phones",
    "normalise",
    "personal_spans",
    "redact_text",
]
