"""Personal-data masking: the one module with every mask rule (search snippets, redacted exports,
``case show``, ledger messages, the PDF leak check). It imports nothing else of docgen, so the
search layer (``docgen.index``, which may import only itself and this module) masks its snippets
by the same rules.

One rule per kind of personal data, each matched on a *normalised* copy of the text (same
length, so a match's offsets are valid in the original): full-width digits, Ｘ, ＋, ．and brackets
made half-width (``１３８`` → ``138``), ideographic/no-break spaces made spaces, every dash made
``-``. The same normalisation is applied before every mask and every leak
check, so a number written in full-width digits or with separators is never missed.

Rules (chosen for 信访 papers; GB/T 35273 asks for de-identification on display):

* 公民身份号码: 18 characters (17 digits + digit/X) or the old 15 digits, also written in groups
  (``110105 19491231 002X``, ``110105-1949-1231-002X``) → keep the first 6 and last 4
  (``110105********002X``). The check digit is not required (a mistyped number is still
  personal data), and letters around the number do not protect it.
* Digit runs of 16, 17 or 19+ digits (bank cards, an ID glued to other digits) → all but the last
  4 digits masked, so no full 15/18-digit ID can survive inside a longer run.
* Mobile numbers, with or without +86/0086/86, spaces, dots or dashes → ``138****5678``.
* Landlines with an area code (``010-65091234``, ``(0755) 8888 6666``, ``+86 10 6509 1234``,
  extensions ``转123``) → area code kept, number shown as ``****`` + last 4. Local numbers without
  an area code are not recognised (too easily confused with amounts).
* Street addresses: after the district level (``XX区``, ``XX县``, ``XX旗``) everything up to the
  last house/room number becomes ``****``; a street address with no district in front
  (``建国路88号``) is masked entirely. 文号 brackets (〔〕) and dates stop an address.
* Names: ``张三丰`` → ``张某某``.

Two renderings of the same matches: :func:`mask_personal` keeps the length (the middle digits
become ``*``, separators stay; for snippets whose highlight offsets must stay valid) and
:func:`redact_text` writes the compact form (``138****5678``) and masks addresses too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# What a number may be written with: full-width digits, Ｘ, ＋, ．, （）→ ASCII; other spaces → " ";
# every dash → "-". (Only these: most Chinese text then needs no translation at all.)
_TABLE = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ＸｘＥＸＴｅｘｔ＋．（）"}
_TABLE.update({ord(c): " " for c in "\u00a0\u2007\u2009\u202f\u3000"})
_TABLE.update({ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"})
_NEEDS_TABLE = re.compile("[" + "".join(map(chr, sorted(_TABLE))) + "]")
_SEP = r"[ \-.]"
_DIGITS = frozenset("0123456789xX")


def normalise(text: str) -> str:
    """Length-preserving copy of ``text`` that the rules match on (see the module docstring)."""
    return text.translate(_TABLE) if _NEEDS_TABLE.search(text) else text


_NOT_DIGIT_BEFORE = r"(?<![0-9*])"
_NOT_DIGIT_AFTER = r"(?![0-9*])"

ID_NUMBER = re.compile(
    _NOT_DIGIT_BEFORE
    + rf"(?:(?P<a18>\d{{6}}){_SEP}?(?P<b18>\d{{4}}{_SEP}?\d{{4}}){_SEP}?(?P<c18>\d{{3}}[\dxX])"
    rf"|(?P<n15>\d{{6}}{_SEP}?\d{{6}}{_SEP}?\d{{3}}))"
    r"(?![0-9*xX])"
)
LONG_DIGITS = re.compile(r"(?<![0-9*])\d{16,}(?![0-9*])")
MOBILE = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?P<prefix>(?:\+|00)?86[ \-]?|\(\+?86\)[ \-]?)?"
    + rf"(?P<a>1[3-9]\d){_SEP}?(?P<b>\d{{4}}){_SEP}?(?P<c>\d{{4}})"
    + _NOT_DIGIT_AFTER
)
LANDLINE = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?P<area>(?:\+|00)86[ \-]?\(?0?[1-9]\d{1,2}\)?|\(?0[1-9]\d{1,2}\)?|（0[1-9]\d{1,2}）)"
    + rf"{_SEP}?(?P<num>\d{{3,4}}{_SEP}?\d{{4}})"
    + r"(?P<ext>(?:-|转|(?i:ext)\.?|分机)\d{1,5})?"
    + _NOT_DIGIT_AFTER
)
_UNIT = r"(?:号院|号楼|号|室|栋|幢|单元|层|楼|组|户)"
_DETAIL_CHAR = r"[^\s，。；;,、：:！？!?\n（）()〔〕\[\]【】年月日“”\"'<>]"
_DETAIL = (
    rf"(?P<detail>{_DETAIL_CHAR}{{0,30}}?[0-9一二三四五六七八九十]+-?\s?{_UNIT}"
    rf"(?:[0-9A-Za-z\-]*\s?{_UNIT})*)"
)
ADDRESS_AFTER_DISTRICT = re.compile(
    r"(?P<region>[\u4e00-\u9fa5]{1,12}?(?:区|县|旗)(?![\u4e00-\u9fa5]{0,1}(?:委|政府|法院|检察院)))"
    + _DETAIL
)
STREET_ADDRESS = re.compile(
    r"(?P<lead>现住|家住|住址|居住|住在|现居|户籍地|户籍|位于|地址)?"
    r"(?P<detail>[\u4e00-\u9fa5]{1,12}(?:路|街|大街|大道|巷|弄|胡同)"
    rf"[0-9]+-?\s?{_UNIT}(?:[0-9A-Za-z\-]*\s?{_UNIT})*)"
)
MASK = "****"


def _digits(text: str) -> str:
    return re.sub(r"[^0-9xX]", "", text).upper()


# --- the rules: pattern, the part whose middle digits are masked, and the compact rendering -------


def _id_compact(m: re.Match[str]) -> str:
    value = _digits(m.group())
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def _long_compact(m: re.Match[str]) -> str:
    return "*" * (len(m.group()) - 4) + m.group()[-4:]


def _mobile_compact(m: re.Match[str], original: str) -> str:
    prefix = original[m.start("prefix") : m.end("prefix")] if m.group("prefix") else ""
    return f"{prefix}{m.group('a')}****{m.group('c')}"


def _landline_compact(m: re.Match[str], original: str) -> str:
    area = original[m.start("area") : m.end("area")]
    return f"{area}-****{_digits(m.group('num'))[-4:]}"


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    part: tuple[str | int, str | int]  # groups where the masked part starts and ends
    head: int  # digits kept at the start of that part
    tail: int  # digits kept at its end
    compact: Callable[[re.Match[str], str], str]


_ID_RULES = (
    _Rule("id_number", ID_NUMBER, (0, 0), 6, 4, lambda m, _o: _id_compact(m)),
    _Rule("id_number", LONG_DIGITS, (0, 0), 0, 4, lambda m, _o: _long_compact(m)),
)
_PHONE_RULES = (
    _Rule("phone", MOBILE, ("a", "c"), 3, 4, _mobile_compact),  # the number, not its +86
    _Rule("phone", LANDLINE, ("num", "num"), 0, 4, _landline_compact),
)


def _apply_length_preserving(text: str, rules: tuple[_Rule, ...]) -> str:
    norm = normalise(text)
    chars: list[str] | None = None
    for rule in rules:
        found = False
        for m in rule.pattern.finditer(norm):
            if chars is None:
                chars, masked = list(text), list(norm)
            start, end = m.start(rule.part[0]), m.end(rule.part[1])
            digits = [i for i in range(start, end) if norm[i] in _DIGITS]
            for i in digits[rule.head : len(digits) - rule.tail]:
                chars[i] = masked[i] = "*"
            found = True
        if found:  # later rules must not match inside what this one masked
            norm = "".join(masked)
    return text if chars is None else "".join(chars)


def personal_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of ``text`` holding digits that :func:`mask_personal` replaces."""
    masked = mask_personal(text)
    spans: list[tuple[int, int]] = []
    for i, (a, b) in enumerate(zip(text, masked, strict=True)):
        if a != b:
            if spans and spans[-1][1] == i:
                spans[-1] = (spans[-1][0], i + 1)
            else:
                spans.append((i, i + 1))
    return spans


def mask_personal(text: str) -> str:
    """``text`` with the middle digits of every ID and phone number replaced by ``*``.

    The length is kept, so character offsets computed on the original text stay valid.
    """
    return _apply_length_preserving(text, _ID_RULES + _PHONE_RULES)


# --- compact redaction ---------------------------------------------------------------------------


@dataclass
class Redaction:
    """The masked text and how many items of each kind were masked."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _substitute(text: str, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]):  # type: ignore[no-untyped-def]
    norm = normalise(text)
    out: list[str] = []
    pos = n = 0
    for m in pattern.finditer(norm):
        out += [text[pos : m.start()], repl(m)]
        pos = m.end()
        n += 1
    out.append(text[pos:])
    return "".join(out), n


def _apply_compact(text: str, rules: tuple[_Rule, ...]) -> tuple[str, int]:
    total = 0
    for rule in rules:
        original = text
        text, n = _substitute(text, rule.pattern, lambda m, o=original, r=rule: r.compact(m, o))
        total += n
    return text, total


def _addresses(text: str) -> tuple[str, int]:
    text, n = _substitute(text, ADDRESS_AFTER_DISTRICT, lambda m: m.group("region") + MASK)
    original = text
    text, k = _substitute(
        text,
        STREET_ADDRESS,
        lambda m: (original[m.start("lead") : m.end("lead")] if m.group("lead") else "") + MASK,
    )
    return text, n + k


def mask_id_numbers(text: str) -> str:
    """Mask 18- and 15-character ID numbers, and any longer digit run (keep its last 4)."""
    return _apply_compact(text, _ID_RULES)[0]


def mask_phones(text: str) -> str:
    """Mask mobile numbers (``138****5678``) and landlines with an area code (``010-****1234``)."""
    return _apply_compact(text, _PHONE_RULES)[0]


def mask_addresses(text: str) -> str:
    """Mask street addresses after the district level; bare street addresses entirely."""
    return _addresses(text)[0]


def redact_text(text: str) -> Redaction:
    """Apply every mask, IDs first (so a phone pattern never bites into an ID)."""
    counts: dict[str, int] = {}
    steps: tuple[tuple[str, Callable[[str], tuple[str, int]]], ...] = (
        ("id_number", lambda t: _apply_compact(t, _ID_RULES)),
        ("phone", lambda t: _apply_compact(t, _PHONE_RULES)),
        ("address", _addresses),
    )
    for kind, step in steps:
        text, n = step(text)
        if n:
            counts[kind] = n
    return Redaction(text, counts)


@dataclass(frozen=True)
class Leak:
    kind: str
    value: str


def find_leaks(text: str) -> list[Leak]:
    """Full ID or phone numbers still present (normalised first: full-width, separators)."""
    norm = normalise(text)
    leaks = [Leak("id_number", text[m.start() : m.end()]) for m in ID_NUMBER.finditer(norm)]
    rest = ID_NUMBER.sub(lambda m: "*" * len(m.group()), norm)
    leaks += [Leak("phone", text[m.start() : m.end()]) for m in MOBILE.finditer(rest)]
    rest = MOBILE.sub(lambda m: "*" * len(m.group()), rest)
    leaks += [Leak("phone", text[m.start() : m.end()]) for m in LANDLINE.finditer(rest)]
    return leaks


# --- single values (a field that holds one number or one name) -----------------------------------


def mask_id_number(value: str) -> str:
    """One ID number field → ``110105********002X`` (first 6 and last 4 kept)."""
    v = re.sub(_SEP, "", normalise(value.strip())).upper()
    if len(v) <= 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_phone_number(value: str) -> str:
    """One phone field → first 3 and last 4 digits kept (``138****5678``), separators dropped."""
    digits = _digits(normalise(value)).replace("X", "")
    if len(digits) == 13 and digits.startswith("86") and digits[2] == "1":
        digits = digits[2:]
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str) -> str:
    """张三丰 → 张某某 (the usual form in papers that leave the office)."""
    name = name.strip()
    return name[:1] + "某" * max(len(name) - 1, 1) if name else ""


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
