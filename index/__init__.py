"""index: Chinese full-text search over the archive (takes text + fields, knows nothing of docgen).

Public API (everything else is internal)::

    open_index(path, *, backend="tantivy", dictionary_words=(), lock_timeout=10.0) -> SearchIndex
    SearchIndex.add(docs: Iterable[IndexDoc]) -> int            # add or replace by doc_id
    SearchIndex.delete(doc_ids: Iterable[str]) -> int
    SearchIndex.delete_case(case_no: str) -> int
    SearchIndex.search(query: SearchQuery | str) -> SearchResult  # .hits: list[Hit], .total
    SearchIndex.rebuild(docs, progress=None, batch_size=2000) -> int
    SearchIndex.count() -> int
    SearchIndex.check() -> str | None                           # Chinese reason to rebuild

Errors all derive from :class:`SearchError` (``.message`` is Chinese, never contains query or
document text): :class:`QueryTooLong`, :class:`QuerySyntaxError`, :class:`IndexNeedsRebuild`,
:class:`IndexLocked`.

Wiring (for the workspace write path and the CLI)
-------------------------------------------------

* Open once per workspace: ``ix = open_index(ws / "index", backend=settings.search_backend,
  dictionary_words=words)`` where ``words`` are domain terms from the catalog (unit names,
  places, 信访 terms). They steer jieba segmentation, which only affects ranking; changing them
  needs no rebuild.
* Backends (:data:`BACKENDS`): ``"tantivy"`` (default: Rust engine via the ``tantivy`` package,
  the same analysis fed pre-tokenised) and ``"whoosh"`` (pure Python). Measured at 100k
  documents: tantivy p50 1.6 ms / p95 20.6 ms, 213 MB peak; whoosh p50 547 ms / p95 5.9 s,
  2.7 GB; same results (see ``bench/search.py``). Same results, totals, snippets and errors either way. The backend name is
  recorded in ``meta.json``; after switching the setting, ``check()`` reports that a rebuild
  is needed until ``docgen index rebuild`` has run (the old index keeps nothing in the way).
* After a document, scan or ledger record is written and committed to the catalog, call
  ``ix.add([IndexDoc(...)])`` (same ``doc_id`` again = replace). On delete call
  ``ix.delete([doc_id])``, or ``ix.delete_case(case_no)`` for a whole case. Batch several docs
  of one operation into one ``add`` call: each call is one commit.
* If ``add``/``delete`` raise :class:`IndexNeedsRebuild`, keep the archive write (the index is
  derived data) and tell the user to run ``docgen index rebuild``; :class:`IndexLocked` means
  another process held the lock for ``lock_timeout`` seconds.
* ``docgen index rebuild``: ``ix.rebuild(iter_docs(), progress=bar.update_to)`` where
  ``iter_docs`` yields IndexDoc lazily (memory stays bounded). Work is committed every
  ``batch_size`` docs into a new generation; after a crash, calling ``rebuild`` again skips the
  doc_ids already committed. The new index replaces the old one atomically when complete.
  Run it while holding the workspace write lock: writes made elsewhere during a rebuild go to the
  old generation and are not carried over.
* ``docgen search``: ``ix.search(SearchQuery(text, category=..., unit=..., limit=...,
  show_personal=...))``; catch :class:`SearchError` and print ``exc.message``.
  ``Hit.marked("【", "】")`` gives the snippet with highlights, ``Hit.snippet`` + ``Hit.highlights``
  the plain text and spans (for colours or JSON).
* A missing index folder is created empty; if the catalog holds documents but ``ix.count()`` is 0,
  the caller should rebuild.

Search behaviour (query syntax in :mod:`index.query`): Chinese words match as exact substrings via
CJK bigrams (names with rare characters such as 𠮷 or 龘 included), ranked with jieba words;
identifiers match whole or by prefix; snippets mask ID numbers (``110105********002X``) and phone
numbers (``138****1234``) unless ``show_personal``. Synonyms are off by default and opt-in per
query (``SearchQuery.synonyms``); see :mod:`index.synonyms` for why.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.index.base import SearchIndex
from docgen.index.errors import (
    IndexLocked,
    IndexNeedsRebuild,
    QuerySyntaxError,
    QueryTooLong,
    SearchError,
)
from docgen.index.model import Hit, IndexDoc, SearchQuery, SearchResult

if TYPE_CHECKING:
    from docgen.index.analysis import ANALYZER_NAME
    from docgen.index.query import MAX_QUERY_CHARS
    from docgen.index.schema import SCHEMA_VERSION

# Loaded on first use: the analysis (jieba, whoosh) costs ~1 s, and ``docgen.masking`` (imported by
# docgen for its mask rules) must not pay it.
_LAZY = {"ANALYZER_NAME": "docgen.index.analysis", "MAX_QUERY_CHARS": "docgen.index.query",
         "SCHEMA_VERSION": "docgen.index.schema"}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'index' has no attribute {name!r}")


__all__ = [
    "ANALYZER_NAME",
    "BACKENDS",
    "MAX_QUERY_CHARS",
    "SCHEMA_VERSION",
    "Hit",
    "IndexDoc",
    "IndexLocked",
    "IndexNeedsRebuild",
    "QuerySyntaxError",
    "QueryTooLong",
    "SearchError",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "open_index",
]


BACKENDS = ("tantivy", "whoosh")
"""Names accepted by :func:`open_index` (``backend=``); tantivy is the default."""


def open_index(
    path: str | Path,
    *,
    backend: str = "tantivy",
    dictionary_words: Iterable[str] = (),
    lock_timeout: float = 10.0,
) -> SearchIndex:
    """Open (creating if absent) the search index stored in folder ``path``.

    ``backend`` is ``"tantivy"`` (default) or ``"whoosh"``; both behave the same to callers.
    Never raises for a damaged or outdated index, or one built by the other backend:
    ``check()`` then returns the reason and add/delete/search raise :class:`IndexNeedsRebuild`
    until ``rebuild`` succeeds. An unknown backend name raises ``ValueError``.
    """
    from docgen.index.analysis import get_segmenter

    segmenter = get_segmenter(dictionary_words)
    if backend == "tantivy":
        from docgen.index.tantivy_backend import TantivyIndex

        return TantivyIndex(Path(path), segmenter, lock_timeout=lock_timeout)
    if backend == "whoosh":
        from docgen.index.whoosh_backend import WhooshIndex

        return WhooshIndex(Path(path), segmenter, lock_timeout=lock_timeout)
    raise ValueError(f"unknown search backend {backend!r}; expected one of {BACKENDS}")
