"""Plain data exchanged with callers: documents in (IndexDoc), queries in (SearchQuery), hits out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class IndexDoc:
    """One searchable unit: a stored document, a scan, or a case's ledger record.

    ``doc_id`` is unique across the index (e.g. ``"doc:123"``, ``"case:XF2024-001"``); adding a
    doc with an existing ``doc_id`` replaces it. ``text`` is the extracted full text (empty for a
    scan without a text layer: set ``has_text=False``; it is then found by its metadata).
    """

    doc_id: str
    case_no: str = ""
    kind: str = ""
    """Paper type, or "ledger", "scan", "attachment"..."""
    section: int | None = None
    """六有 dossier section 1–6, if filed in one."""
    title: str = ""
    text: str = ""
    date: dt.date | None = None
    category: str = ""
    """问题类别"""
    unit: str = ""
    """责任单位"""
    leader: str = ""
    """包案领导"""
    status: str = ""
    flags: Sequence[str] = ()
    doc_number: str = ""
    """文号, e.g. 朝信转〔2024〕12号"""
    id_numbers: Sequence[str] = ()
    """身份证号 of persons named in the document (indexed whole, never stored)."""
    phones: Sequence[str] = ()
    path: str = ""
    """Path of the file inside the workspace (shown in hits, not searched)."""
    has_text: bool = True
    persons: Sequence[str] = ()
    """Names of the 信访人 (``信访人:`` queries, ``person`` filter; matched whole)."""
    dates: Mapping[str, dt.date] = field(default_factory=dict)
    """Named dates (keys from :data:`DATE_FIELDS`) for ``SearchQuery.date_field`` ranges."""
    ocr: bool = False
    """``text`` was read from the image by OCR (snippets say so)."""


OCR_MARK = "（扫描件识别文字）"
"""Starts the snippet of a hit whose text was read from a scan by OCR."""
NO_TEXT_MARK = "（无文字内容，按元数据命中）"
"""The snippet of a hit with no text (a scan not read yet, or read as empty)."""

DATE_FIELDS = ("registered", "accepted", "assigned", "written")
"""Named date fields a document may carry besides ``date`` (the caller gives them meaning)."""


@dataclass(frozen=True)
class SearchQuery:
    """A search: query text (syntax in :mod:`index.query`) plus exact-value filters."""

    text: str = ""
    category: str | None = None
    unit: str | None = None
    status: str | None = None
    kind: str | None = None
    case_no: str | None = None
    section: int | None = None
    flag: str | None = None
    person: str | None = None
    """信访人 name, matched whole (folded)."""
    id_number: str | None = None
    """身份证号, matched whole."""
    leader: str | None = None
    doc_no: str | None = None
    """文号, matched whole."""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    date_field: str = "date"
    """Which date ``date_from``/``date_to`` apply to: ``"date"`` or one of :data:`DATE_FIELDS`."""
    limit: int = 20
    show_personal: bool = False
    """Show ID numbers and phone numbers in snippets unmasked."""
    synonyms: bool = False
    """Expand topic terms with the curated synonym table (see :mod:`index.synonyms`)."""
    order: Literal["relevance", "newest"] = "relevance"


@dataclass(frozen=True)
class Hit:
    """One ranked result. ``snippet`` is plain text; ``highlights`` are (start, end) spans in it."""

    doc_id: str
    case_no: str
    title: str
    date: dt.date | None
    path: str
    kind: str
    section: int | None
    has_text: bool
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...] = field(default=())
    ocr: bool = False
    """The text matched was read from a scan by OCR (the snippet starts with :data:`OCR_MARK`)."""

    def marked(self, open_mark: str = "【", close_mark: str = "】") -> str:
        """The snippet with each highlight wrapped in the given marks (ANSI codes work too)."""
        out: list[str] = []
        last = 0
        for start, end in self.highlights:
            out += [self.snippet[last:start], open_mark, self.snippet[start:end], close_mark]
            last = end
        out.append(self.snippet[last:])
        return "".join(out)


@dataclass(frozen=True)
class SearchResult:
    """Hits (best first, at most ``limit``) and the total number of matching documents."""

    hits: list[Hit]
    total: int

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)
