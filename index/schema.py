"""Index schema: IndexDoc → field values (both backends), plus the whoosh schema version.

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
kind, section, category, unit, leader, status, flags, persons: keyword filters (stored where shown)
date       NUMERIC yyyymmdd, stored     range filter, ``newest`` order
registered, accepted, assigned, written: NUMERIC yyyymmdd, ``SearchQuery.date_field`` ranges
text, path, has_text, ocr: stored only  snippets and display
========== ============================ =================================================

The whoosh field classes are in :mod:`index.whoosh_schema` (tantivy's schema is in
:mod:`index.tantivy_backend`): nothing here loads a search engine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from docgen.index.model import DATE_FIELDS, IndexDoc
from docgen.index.normalize import fold

SCHEMA_VERSION = 2
"""Bump when fields or their meaning change; an index with another version must be rebuilt."""


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
    """Field values for ``doc`` (None values are skipped)."""
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
        "persons": [key(p) for p in doc.persons if key(p)] or None,
        "date": date_key(doc.date) if doc.date else None,
        "text": doc.text,
        "path": doc.path,
        "has_text": doc.has_text,
        "ocr": doc.ocr,
    }
    for name in DATE_FIELDS:
        day = doc.dates.get(name)
        values[name] = date_key(day) if day else None
    # Stored display values keep the caller's spelling; indexed values are folded.
    for name, original in (("case_no", doc.case_no), ("kind", doc.kind)):
        if original:
            values[f"_stored_{name}"] = original
    return values


def __getattr__(name: str) -> object:
    """The whoosh fields under the names an existing whoosh index recorded (its pickled schema
    names ``docgen.index.schema.GramField``): loaded only when asked for."""
    if name in ("GramField", "WordsField", "build_schema"):
        from docgen.index import whoosh_schema

        return getattr(whoosh_schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
