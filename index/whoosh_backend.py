"""whoosh backend: IndexDoc batches in, SearchQuery → SearchResult out, on a layout folder.

Writes retry while another process holds the whoosh write lock (up to ``lock_timeout`` seconds,
then :class:`IndexLocked`). Opening checks the recorded schema version and analyzer name and
that the whoosh files can be read; any problem is kept as :meth:`WhooshIndex.check`'s reason and
raised as :class:`IndexNeedsRebuild` by add/delete/search, while :meth:`WhooshIndex.rebuild`
always works (it builds a new generation, see :mod:`index.layout`).
"""

from __future__ import annotations

import gc
import pickle
import struct
import traceback
import warnings
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import whoosh.index
from whoosh.writing import IndexWriter

from docgen.index.analysis import ANALYZER_NAME
from docgen.index.base import GenerationIndex
from docgen.index.model import Hit, IndexDoc, SearchQuery, SearchResult
from docgen.index.query import highlight_terms, parse
from docgen.index.schema import SCHEMA_VERSION, date_from_key, key, to_fields
from docgen.index.snippets import make_hit
from docgen.index.whoosh_query import Compiler, build_filter
from docgen.index.whoosh_schema import build_schema

WRITER_LIMIT_MB = 128
"""Posting buffer per writer before whoosh spills sorted runs to disk (bounds rebuild memory)."""

_READ_ERRORS = (
    OSError,
    EOFError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    whoosh.index.IndexError,
)
"""What damaged index files raise while being read (kept as the cause when re-raised)."""

_OPEN_ERRORS = (*_READ_ERRORS, ValueError, KeyError, IndexError, AttributeError, ImportError)
"""Opening also meets a foreign or garbled TOC (unpickling runs arbitrary class lookups)."""


def _drop_abandoned_files(exc: BaseException) -> None:
    """Close file handles whoosh abandons when it fails on damaged files, without warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        seen: set[int] = set()
        pending: list[BaseException | None] = [exc]
        while pending:
            e = pending.pop()
            if e is None or id(e) in seen:
                continue
            seen.add(id(e))
            traceback.clear_frames(e.__traceback__)
            pending += [e.__context__, e.__cause__]
        gc.collect()


class WhooshIndex(GenerationIndex[whoosh.index.Index, IndexWriter]):
    """The whoosh implementation of :class:`index.SearchIndex` (see there for the contract);
    opening, damage, the write-lock retry and the resumable rebuild are
    :class:`index.base.GenerationIndex`'s."""

    backend = "whoosh"
    schema_version = SCHEMA_VERSION
    analyzer = ANALYZER_NAME
    commit_closes_writer = True

    # -- the engine's calls -----------------------------------------------------------------

    def _build_schema(self) -> Any:
        return build_schema(self.segmenter)

    def _probe(self, path: Path) -> whoosh.index.Index | None:
        with warnings.catch_warnings():
            # whoosh abandons open files when it fails on damaged ones; they are closed here.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = whoosh.index.open_dir(str(path), schema=self.schema)
                with ix.searcher() as searcher:
                    searcher.doc_count_all()
                    next(iter(searcher.reader().all_stored_fields()), None)
                return ix
            except _OPEN_ERRORS:
                pass
            gc.collect()
        return None

    def _create(self, path: Path) -> whoosh.index.Index:
        return whoosh.index.create_in(str(path), self.schema)

    def _is_read_error(self, exc: BaseException) -> bool:
        return isinstance(exc, _READ_ERRORS)

    def _after_damage(self, exc: BaseException) -> None:
        _drop_abandoned_files(exc)

    def _try_writer(self, ix: whoosh.index.Index, *, rebuild: bool) -> IndexWriter | None:
        try:
            return ix.writer(limitmb=WRITER_LIMIT_MB)  # whoosh's public writer
        except whoosh.index.LockError:
            return None

    def _put(self, writer: IndexWriter, doc: IndexDoc, *, replace: bool) -> None:
        if replace:
            writer.update_document(**to_fields(doc))
        else:
            writer.add_document(**to_fields(doc))

    def _commit(self, writer: IndexWriter) -> None:
        writer.commit()

    def _cancel(self, writer: IndexWriter) -> None:
        if not writer.is_closed:
            writer.cancel()

    def _committed_ids(self, ix: whoosh.index.Index) -> set[str]:
        with ix.reader() as reader:
            return {v.decode("utf-8") for v in reader.lexicon("doc_id")}

    # -- writing ----------------------------------------------------------------------------

    def add(self, docs: Iterable[IndexDoc]) -> int:
        n = 0
        with self._reading(), self._writing() as writer:
            for doc in docs:
                self._put(writer, doc, replace=True)
                n += 1
        return n

    def delete(self, doc_ids: Iterable[str]) -> int:
        return self._delete_terms("doc_id", list(doc_ids))

    def delete_case(self, case_no: str) -> int:
        return self._delete_terms("case_no", [key(case_no)])

    def _delete_terms(self, field: str, values: list[str]) -> int:
        if not values:
            return 0
        with self._reading(), self._writing() as writer:
            return sum(writer.delete_by_term(field, v) for v in values)

    # -- reading ----------------------------------------------------------------------------

    def count(self) -> int:
        with self._reading():
            return self._require().doc_count()

    def doc_ids(self) -> set[str]:
        with self._reading(), self._require().searcher() as searcher:
            return {f["doc_id"] for f in searcher.reader().all_stored_fields()}

    def search(self, query: SearchQuery | str) -> SearchResult:
        q = SearchQuery(text=query) if isinstance(query, str) else query
        node = parse(q.text)
        ix = self._require()
        with self._reading(), ix.searcher() as searcher:
            compiled = Compiler(searcher.reader(), self.segmenter, q.synonyms).compile(node)
            kwargs: dict[str, Any] = {"limit": max(1, q.limit), "filter": build_filter(q)}
            if q.order == "newest" or node is None:
                kwargs.update(sortedby="date", reverse=True)
            results = searcher.search(compiled, **kwargs)
            terms = highlight_terms(node, q.synonyms)
            hits = [self._hit(hit.fields(), hit.score, terms, q) for hit in results]
            scored = results.scored_length()
            # Fewer hits than the limit means every match was scored; else count exactly.
            total = scored if scored < kwargs["limit"] else len(results)
        return SearchResult(hits=hits, total=total)

    def _hit(
        self, stored: dict[str, Any], score: float | None, terms: list[str], q: SearchQuery
    ) -> Hit:
        section = stored.get("section")
        return make_hit(
            q,
            terms,
            float(score or 0.0),
            doc_id=stored["doc_id"],
            case_no=stored.get("case_no") or "",
            title=stored.get("title") or "",
            text=stored.get("text") or "",
            date=date_from_key(stored.get("date")),
            path=stored.get("path") or "",
            kind=stored.get("kind") or "",
            section=int(section) if section else None,
            has_text=bool(stored.get("has_text", True)),
            ocr=bool(stored.get("ocr", False)),
        )
