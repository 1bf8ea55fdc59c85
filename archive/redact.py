"""Plain text → the same text with personal data masked, for redacted export packages.

What is masked (rules chosen for 信访 papers; GB/T 35273 asks for de-identification on display):

* 公民身份号码: 18 characters (17 digits + digit/X) or the old 15 digits, also written in groups
  (``110105 19491231 002X``) → keep the first 6 and last 4: ``110105********002X``. The check
  digit is not required (a mistyped number is still personal data), and letters around the
  number do not protect it (``No.110105…`` is masked too): over-masking is the safe side.
* Digit runs of 16, 17 or 19+ digits (bank cards, an ID glued to other digits) → all but the last
  4 digits masked. So no full 15/18-digit ID can survive inside a longer run; the price is that
  such a run is not shown as an ID (``6222…`` becomes ``****************1234``).
* Mobile numbers, with or without +86/0086/86, spaces or dashes → ``138****5678`` (the prefix and
  separators before the number are kept as written, the number itself is normalised).
* Landlines with an area code (``010-65091234``, ``(0755) 8888 6666``, ``+86 10 6509 1234``,
  extensions ``转123``/``-123``) → area code kept, number shown as ``****`` + last 4. Local numbers
  without an area code are not recognised (too easily confused with amounts).
* Street addresses: after the district level (``XX市XX区``, ``XX县``, ``XX旗``) everything up to
  the last house/room number (``号``, ``号楼``, ``单元``, ``室``, ``组`` …) becomes ``****``; a street
  address with no district in front (``建国路88号``) is masked entirely. 文号 brackets
  (〔〕) and dates stop an address, so ``朝阳区信访局〔2024〕3号`` is left alone.

Scanned images are not redacted; callers must say so in the export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_NOT_DIGIT_BEFORE = r"(?<![0-9０-９*])"
_NOT_DIGIT_AFTER = r"(?![0-9０-９*])"

ID_NUMBER = re.compile(
    r"(?<![0-9*])"
    r"(?:(?P<a18>\d{6})[ \u3000]?(?P<b18>\d{8})[ \u3000]?(?P<c18>\d{3}[\dXx])"
    r"|(?P<n15>\d{15}))"
    r"(?![0-9*])"
)
LONG_DIGITS = re.compile(r"(?<![0-9*])\d{16,}(?![0-9*])")
MOBILE = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?P<prefix>(?:\+|00)?86[ \-]?|\(\+?86\)[ \-]?)?"
    + r"(?P<a>1[3-9]\d)[ \-]?(?P<b>\d{4})[ \-]?(?P<c>\d{4})"
    + _NOT_DIGIT_AFTER
)
LANDLINE = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?P<area>(?:\+|00)86[ \-]?\(?0?[1-9]\d{1,2}\)?|\(?0[1-9]\d{1,2}\)?|（0[1-9]\d{1,2}）)"
    + r"[ \-]?(?P<num>\d{3,4}[ \-]?\d{4})"
    + r"(?P<ext>(?:-|转|ext\.?|分机)\d{1,5})?"
    + _NOT_DIGIT_AFTER
)
_UNIT = r"(?:号院|号楼|号|室|栋|幢|单元|层|楼|组|户)"
_DETAIL_CHAR = r"[^\s，。；;,、：:！？!?\n（）()〔〕\[\]【】年月日“”\"'<>]"
_DETAIL = (
    rf"(?P<detail>{_DETAIL_CHAR}{{0,30}}?[0-9０-９一二三四五六七八九十]+[\-－]?\s?{_UNIT}"
    rf"(?:[0-9０-９A-Za-z\-－]*\s?{_UNIT})*)"
)
ADDRESS_AFTER_DISTRICT = re.compile(
    r"(?P<region>[\u4e00-\u9fa5]{1,12}?(?:区|县|旗)(?![\u4e00-\u9fa5]{0,1}(?:委|政府|法院|检察院)))"
    + _DETAIL
)
STREET_ADDRESS = re.compile(
    r"(?P<lead>现住|家住|住址|居住|住在|现居|户籍地|户籍|位于|地址)?"
    r"(?P<detail>[\u4e00-\u9fa5]{1,12}(?:路|街|大街|大道|巷|弄|胡同)"
    rf"[0-9０-９]+[\-－]?\s?{_UNIT}(?:[0-9０-９A-Za-z\-－]*\s?{_UNIT})*)"
)
MASK = "****"


@dataclass
class Redaction:
    """The masked text and how many items of each kind were masked."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _mask_id(match: re.Match[str]) -> str:
    if match.group("n15"):
        value = match.group("n15")
        return value[:6] + "*" * 5 + value[-4:]
    value = (match.group("a18") + match.group("b18") + match.group("c18")).upper()
    return value[:6] + "*" * 8 + value[-4:]


def _id_numbers(text: str) -> tuple[str, int]:
    text, n = ID_NUMBER.subn(_mask_id, text)
    text, m = LONG_DIGITS.subn(lambda x: "*" * (len(x.group()) - 4) + x.group()[-4:], text)
    return text, n + m


def _landline(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group("num"))
    return f"{m.group('area')}-****{digits[-4:]}"


def _phones(text: str) -> tuple[str, int]:
    text, n = MOBILE.subn(
        lambda m: f"{m.group('prefix') or ''}{m.group('a')}****{m.group('c')}", text
    )
    text, m = LANDLINE.subn(_landline, text)
    return text, n + m


def _addresses(text: str) -> tuple[str, int]:
    text, n = ADDRESS_AFTER_DISTRICT.subn(lambda m: m.group("region") + MASK, text)
    text, m = STREET_ADDRESS.subn(lambda m: (m.group("lead") or "") + MASK, text)
    return text, n + m


def mask_id_numbers(text: str) -> str:
    """Mask 18- and 15-character ID numbers, and any longer digit run (keep its last 4)."""
    return _id_numbers(text)[0]


def mask_phones(text: str) -> str:
    """Mask mobile numbers (``138****5678``) and landlines with an area code (``010-****1234``)."""
    return _phones(text)[0]


def mask_addresses(text: str) -> str:
    """Mask street addresses after the district level; bare street addresses entirely."""
    return _addresses(text)[0]


def redact_text(text: str) -> Redaction:
    """Apply every mask, IDs first (so a phone pattern never bites into an ID)."""
    counts: dict[str, int] = {}
    for kind, step in (("id_number", _id_numbers), ("phone", _phones), ("address", _addresses)):
        text, n = step(text)
        if n:
            counts[kind] = n
    return Redaction(text, counts)


@dataclass(frozen=True)
class Leak:
    kind: str
    value: str


def find_leaks(text: str) -> list[Leak]:
    """Full ID numbers or phone numbers still present (for checking a redacted export's text)."""
    leaks = [Leak("id_number", m.group()) for m in ID_NUMBER.finditer(text)]
    rest = ID_NUMBER.sub("*", text)
    leaks += [Leak("phone", m.group()) for m in MOBILE.finditer(rest)]
    leaks += [Leak("phone", m.group()) for m in LANDLINE.finditer(MOBILE.sub("*", rest))]
    return leaks


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
    return find_leaks(re.sub(r"(?<=\d)\n(?=[\dXx])", "", text))
