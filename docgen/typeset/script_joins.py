"""Text → text with a WORD JOINER (U+2060) where a Chinese character meets a Latin letter or
digit (“于2024年”), and back.

LibreOffice puts a kerning gap of a fifth of the font height between a CJK and a Latin portion
(“2024 年 9 月”: 1.3 mm measured at 3号) whenever the characters on both sides are letters or
digits, and its .docx importer ignores ``w:autoSpaceDE``/``w:autoSpaceDN`` (and ``w:hint``) that
would turn it off. A zero-width joiner on the boundary is neither, so LibreOffice adds no gap
(measured: none, and one more character per line); Word draws it with no width either, and
keeps no line break there. The filled .docx carries the joiners (``docgen.papers.fill``); our
typesetter and text extraction drop them (``docgen.typeset.docx_to_html``).
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LATIN = "0-9A-Za-z"
_BOUNDARY = re.compile(f"(?<=[{_CJK}])(?=[{_LATIN}])|(?<=[{_LATIN}])(?=[{_CJK}])")


def join_scripts(text: str, before: str = "") -> str:
    """``text`` with a joiner at each CJK/Latin boundary; ``before`` is the character that
    precedes it in the paragraph (a boundary across runs counts too)."""
    if not text:
        return text
    joined = _BOUNDARY.sub(WORD_JOINER, text)
    if before and _BOUNDARY.search(before[-1] + text[0]):
        joined = WORD_JOINER + joined
    return joined


def drop_joiners(text: str) -> str:
    """The text as written: the joiners removed."""
    return text.replace(WORD_JOINER, "")
