"""Index schema: IndexDoc → whoosh field values, plus the schema version recorded on disk.

Fields (all keyword values are folded, see :mod:`index.normalize`):

========== ============================ =================================================
field      kind                         purpose
========== ============================ =================================================
doc_id     ID, unique, stored           add = replace, delete
content    grams with positions         title + text + metadata; substring/phrase search
words      jieba words, frequencies     ranking boost
title      grams with positions, stored ``title:`` queries, display
ids        keywords                     案件编号, 文号, 身份证号, phones: whole or prefix
case_no    ID, stored                   filter, ``case:``
kind, section, category, unit, leader, status, flags: keyword filters (stored where shown)
date       NUMERIC yyyymmdd, stored     range filter, ``newest`` order
text, path, has_text: stored only       snippets and display
========== ============================ =================================================
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from itertools import pairwise
from typing import Any

from whoosh import fields
from whoosh.compat import dumps
from whoosh.system import pack_uint

from docgen.index.analysis import GramTokenizer, Segmenter, WordTokenizer, gram_positions
from docgen.index.model import IndexDoc
from docgen.index.normalize import fold

SCHEMA_VERSION = 1
"""Bump when fields or their meaning change; an index with another version must be rebuilt."""


class GramField(fields.TEXT):
    """TEXT field indexed with :func:`index.analysis.gram_positions` (fast path, no Token objects)."""

    def __init__(self, stored: bool = False) -> None:
        super().__init__(analyzer=GramTokenizer(), phrase=True, stored=stored)

    def index(self, value: Any, **kwargs: Any) -> Any:
        # Same bytes as whoosh.formats.Positions.encode, without a call per term.
        return [
            (
                term.encode("utf-8"),
                len(poslist),
                float(len(poslist)),
                _one_position(poslist[0]) if len(poslist) == 1 else _positions(poslist),
            )
            for term, poslist in gram_positions(value).items()
        ]


@lru_cache(maxsize=65536)
def _one_position(pos: int) -> bytes:
    return pack_uint(1) + dumps([pos], 2)


def _positions(poslist: list[int]) -> bytes:
    deltas = [poslist[0]] + [b - a for a, b in pairwise(poslist)]
    return pack_uint(len(deltas)) + dumps(deltas, 2)


class WordsField(fields.TEXT):
    """TEXT field of jieba words without positions; the segmenter is attached at runtime."""

    def __init__(self, segmenter: Segmenter) -> None:
        super().__init__(analyzer=WordTokenizer(segmenter.dictionary_words), phrase=False)
        self.segmenter = segmenter

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("segmenter", None)  # rjieba objects cannot be pickled into the TOC
        return state

    def index(self, value: Any, **kwargs: Any) -> Any:
        for word, n in self.segmenter.word_counts(value).items():
            yield word.encode("utf-8"), n, float(n), pack_uint(n)


def _keyword(stored: bool = False) -> fields.KEYWORD:
    return fields.KEYWORD(stored=stored, lowercase=False, commas=True, scorable=False)


def build_schema(segmenter: Segmenter) -> fields.Schema:
    return fields.Schema(
        doc_id=fields.ID(stored=True, unique=True),
        content=GramField(),
        words=WordsField(segmenter),
        title=GramField(stored=True),
        ids=_keyword(),
        case_no=fields.ID(stored=True),
        kind=fields.ID(stored=True),
        section=fields.ID(stored=True),
        category=fields.ID(stored=True),
        unit=fields.ID(stored=True),
        leader=fields.ID(stored=True),
        status=fields.ID(stored=True),
        flags=_keyword(),
        date=fields.NUMERIC(int, bits=32, signed=False, stored=True),
        text=fields.STORED(),
        path=fields.STORED(),
        has_text=fields.STORED(),
    )


def date_key(value: dt.date) -> int:
    return value.year * 10000 + value.month * 100 + value.day


def date_from_key(value: int | None) -> dt.date | None:
    if not value:
        return None
    return dt.date(value // 10000, value // 100 % 100, value % 100)


def key(value: str) -> str:
    """Folded, trimmed form of a keyword value, used for both indexing and querying."""
    return fold(value).strip()


def to_fields(doc: IndexDoc) -> dict[str, Any]:
    """whoosh field values for ``doc`` (None values are skipped by whoosh)."""
    meta = " ".join(
        v for v in (doc.case_no, doc.doc_number, doc.category, doc.unit, doc.leader) if v
    )
    searchable = f"{doc.title}\n{doc.text}\n{meta}"
    ids = [key(v) for v in (doc.case_no, doc.doc_number) if v]
    ids += [key(v) for v in doc.id_numbers if v]
    ids += ["".join(ch for ch in key(v) if ch.isdigit()) for v in doc.phones if v]
    values: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "content": searchable,
        "words": searchable,
        "title": doc.title,
        "ids": [v for v in ids if v] or None,
        "case_no": key(doc.case_no) or None,
        "kind": key(doc.kind) or None,
        "section": str(doc.section) if doc.section is not None else None,
        "category": key(doc.category) or None,
        "unit": key(doc.unit) or None,
        "leader": key(doc.leader) or None,
        "status": key(doc.status) or None,
        "flags": [key(f) for f in doc.flags if f] or None,
        "date": date_key(doc.date) if doc.date else None,
        "text": doc.text,
        "path": doc.path,
        "has_text": doc.has_text,
    }
    # Stored display values keep the caller's spelling; indexed values are folded.
    for name, original in (("case_no", doc.case_no), ("kind", doc.kind)):
        if original:
            values[f"_stored_{name}"] = original
    return values
