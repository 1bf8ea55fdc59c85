"""Personal-data masking: text → same-length text with ID numbers and phone numbers masked.

ID numbers keep the first 6 and last 4 characters (``110105********002X``), mobile phones keep
the first 3 and last 4 digits (``138****1234``), landlines keep the area code and last 4 digits.
Masking preserves length, so character offsets computed on the original text stay valid.
"""

from __future__ import annotations

import re

from index.normalize import fold

_ID18 = re.compile(r"(?<![0-9a-z])(\d{6})(\d{8})(\d{3}[\dx])(?![0-9a-z])")
_ID15 = re.compile(r"(?<![0-9a-z])(\d{6})(\d{5})(\d{4})(?![0-9a-z])")
_MOBILE = re.compile(r"(?<![0-9a-z])(1[3-9]\d)(\d{4})(\d{4})(?![0-9a-z])")
_LANDLINE = re.compile(r"(?<![0-9a-z])(0\d{2,3}-)(\d{3,4})(\d{4})(?![0-9a-z])")


def personal_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of ``text`` to replace with ``*`` (the middle part of each number)."""
    folded = fold(text)
    spans: list[tuple[int, int]] = []
    for pattern in (_ID18, _ID15, _MOBILE, _LANDLINE):
        for m in pattern.finditer(folded):
            spans.append((m.start(2), m.end(2)))
    return spans


def mask_personal(text: str) -> str:
    """Return ``text`` with the middle of every ID number and phone number replaced by ``*``."""
    spans = personal_spans(text)
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = "*"
    return "".join(chars)
