"""Snippets: stored text + strings to highlight → a short window with highlight spans, masked.

Matching is on folded text (fullwidth/case-insensitive) and Chinese-aware: each query string is
looked for as a whole, and also as its separate words (CJK runs of two or more characters, Latin
or digit words at word boundaries), so a phrase typed with spaces still lights up. Latin/digit
needles must start at a word boundary (prefix matches of identifiers light up, but never digits
inside a longer number). The window shown is the one covering the most query strings, whole
matches counting double.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from docgen.index.analysis import TOKEN_RE, has_cjk
from docgen.index.model import NO_TEXT_MARK, OCR_MARK, Hit, SearchQuery
from docgen.index.normalize import fold
from docgen.masking import mask_personal

SNIPPET_CHARS = 120
LEAD_CHARS = 24
MAX_WINDOWS = 64


@dataclass(frozen=True)
class _Needle:
    text: str
    term: int
    whole: bool


def _needles(terms: list[str]) -> list[_Needle]:
    out: dict[str, _Needle] = {}
    for idx, term in enumerate(terms):
        folded = fold(term).strip()
        if folded and folded not in out:
            out[folded] = _Needle(folded, idx, True)
        parts = [m.group() for m in TOKEN_RE.finditer(folded)]
        if len(parts) > 1:
            for part in parts:
                if part not in out and (len(part) >= 2 or not has_cjk(part)):
                    out[part] = _Needle(part, idx, False)
    return sorted(out.values(), key=lambda n: -len(n.text))


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _matches(folded: str, needles: list[_Needle]) -> list[tuple[int, int, _Needle]]:
    """(start, end, needle) for every occurrence, longer needles winning overlaps."""
    found: list[tuple[int, int, _Needle]] = []
    taken = bytearray(len(folded))
    for needle in needles:
        text, start = needle.text, 0
        latin_start = _alnum(text[0])
        latin_end = not needle.whole and _alnum(text[-1])
        while (pos := folded.find(text, start)) >= 0:
            end = pos + len(text)
            start = pos + 1
            if latin_start and pos > 0 and _alnum(folded[pos - 1]):
                continue
            if latin_end and end < len(folded) and _alnum(folded[end]):
                continue
            if not any(taken[pos:end]):
                found.append((pos, end, needle))
                taken[pos:end] = b"\x01" * (end - pos)
    found.sort(key=lambda m: m[0])
    return found


def _window_start(matches: list[tuple[int, int, _Needle]], width: int) -> int:
    best, best_score = matches[0][0], -1
    for first, _, _ in matches[:MAX_WINDOWS]:
        score: dict[int, int] = {}
        for s, e, needle in matches:
            if first <= s and e <= first + width - LEAD_CHARS:
                score[needle.term] = max(score.get(needle.term, 0), 2 if needle.whole else 1)
        if sum(score.values()) > best_score:
            best, best_score = first, sum(score.values())
    return max(0, best - LEAD_CHARS)


def make_snippet(
    text: str, terms: list[str], show_personal: bool = False, width: int = SNIPPET_CHARS
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Return ``(snippet, highlight spans)`` for ``text``; ID numbers/phones masked by default."""
    if not text:
        return "", ()
    shown = text if show_personal else mask_personal(text)
    matches = _matches(fold(text), _needles(terms))
    start = _window_start(matches, width) if matches else 0
    end = min(len(text), start + width)
    body = shown[start:end].replace("\r", " ").replace("\n", " ").replace("\t", " ")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    spans = tuple(
        (s - start + len(prefix), e - start + len(prefix))
        for s, e, _ in matches
        if s >= start and e <= end
    )
    return prefix + body + suffix, spans


def hit_snippet(
    text: str, has_text: bool, ocr: bool, terms: list[str], show_personal: bool
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The snippet a hit shows (both backends): the text's best window, said to be OCR text when
    it was read from a scan, or :data:`NO_TEXT_MARK` when there is no text."""
    if not (has_text and text):
        return NO_TEXT_MARK, ()
    snippet, spans = make_snippet(text, terms, show_personal=show_personal)
    if not ocr:
        return snippet, spans
    n = len(OCR_MARK)
    return OCR_MARK + snippet, tuple((s + n, e + n) for s, e in spans)


def make_hit(
    q: SearchQuery,
    terms: list[str],
    score: float,
    *,
    doc_id: str,
    case_no: str,
    title: str,
    text: str,
    date: dt.date | None,
    path: str,
    kind: str,
    section: int | None,
    has_text: bool,
    ocr: bool,
) -> Hit:
    """A hit from a document's stored values (both backends): its snippet, and its title masked
    unless the query shows personal data."""
    snippet, spans = hit_snippet(text, has_text, ocr, terms, q.show_personal)
    return Hit(
        doc_id=doc_id,
        case_no=case_no,
        title=title if q.show_personal else mask_personal(title),
        date=date,
        path=path,
        kind=kind,
        section=section,
        has_text=has_text,
        score=score,
        snippet=snippet,
        highlights=spans,
        ocr=ocr,
    )
