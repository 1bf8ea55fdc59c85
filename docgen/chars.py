"""Characters a value must not hold: XML-illegal control characters and bidi controls.

One module for the rule, used by every check of user input (ledger cells, ``--set`` values,
case numbers, 发文代字, 全宗号, names). Bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E/F)
reorder what is printed: ``张\u202e三`` would print as 三张, so they are refused like control
characters.
"""

from __future__ import annotations

import re

# XML 1.0 forbids these (Word and openpyxl refuse them); \t \n \r are allowed.
XML_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Everything refused in text fields: both of the above, plus lone surrogates (invalid UTF-8
# in an argument arrives as U+DC80–U+DCFF and cannot be stored or printed).
REFUSED = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\u200e\u200f\u202a-\u202e\u2066-\u2069"
    r"\ud800-\udfff]"
)
# Names and identifiers are one line: no line breaks or tabs either.
REFUSED_IN_LINE = re.compile(REFUSED.pattern[:-1] + r"\t\n\r\x85\u2028\u2029]")


def describe(ch: str) -> str:
    """``U+202E（双向文字控制符）`` for a message."""
    kind = "双向文字控制符" if BIDI.match(ch) else "控制字符"
    if "\ud800" <= ch <= "\udfff":
        kind = "无效编码"
    return f"U+{ord(ch):04X}（{kind}）"


def problem(text: str, *, one_line: bool = False) -> str | None:
    """Chinese description of the first refused character of ``text``, or None."""
    bad = (REFUSED_IN_LINE if one_line else REFUSED).search(text)
    if bad is None:
        return None
    return f"含有不可见或会改变显示顺序的字符 {describe(bad.group())}，请删除后重试"
