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
import time
import traceback
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import whoosh.index
from whoosh.writing import IndexWriter

from docgen.index import layout
from docgen.index.analysis import ANALYZER_NAME, Segmenter
from docgen.index.errors import IndexLocked, IndexNeedsRebuild
from docgen.index.model import Hit, IndexDoc, SearchQuery, SearchResult
from docgen.index.query import Compiler, build_filter, highlight_terms, parse
from docgen.index.schema import SCHEMA_VERSION, build_schema, date_from_key, key, to_fields
from docgen.index.snippets import make_snippet
from docgen.index.writer import FastSegmentWriter
from docgen.masking import mask_personal

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

_CORRUPT = "索引文件损坏或不完整，需要重建索引（docgen index rebuild）"


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


class WhooshIndex:
    """The whoosh implementation of :class:`index.SearchIndex` (see there for the contract)."""

    backend = "whoosh"

    def __init__(self, root: Path, segmenter: Segmenter, lock_timeout: float = 10.0) -> None:
        self.root = Path(root)
        self.segmenter = segmenter
        self.lock_timeout = lock_timeout
        self.schema = build_schema(segmenter)
        self._ix: whoosh.index.Index | None = None
        self._problem: str | None = None
        self._open()

    # -- opening and checking -------------------------------------------------------------

    def _open(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._ix = None
        meta, self._problem = layout.usable_meta(
            self.root, self.backend, SCHEMA_VERSION, ANALYZER_NAME, self._create_empty
        )
        if meta is not None:
            self._ix = self._probe(meta.active)
            if self._ix is None:
                self._problem = _CORRUPT

    def _probe(self, generation: str) -> whoosh.index.Index | None:
        """The whoosh index in ``generation`` if it opens and reads, else None."""
        with warnings.catch_warnings():
            # whoosh abandons open files when it fails on damaged ones; they are closed here.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = whoosh.index.open_dir(str(self.root / generation), schema=self.schema)
                with ix.searcher() as searcher:
                    searcher.doc_count_all()
                    next(iter(searcher.reader().all_stored_fields()), None)
                return ix
            except _OPEN_ERRORS:
                pass
            gc.collect()
        return None

    def _create_empty(self) -> layout.Meta:
        gen = layout.next_generation(self.root)
        (self.root / gen).mkdir()
        whoosh.index.create_in(str(self.root / gen), self.schema)
        meta = layout.Meta(SCHEMA_VERSION, ANALYZER_NAME, gen)
        layout.write_meta(self.root, meta)
        return meta

    def check(self) -> str | None:
        """None when usable, else the Chinese reason a rebuild is needed."""
        return self._problem

    def _require(self) -> whoosh.index.Index:
        if self._ix is None:
            raise IndexNeedsRebuild(self._problem or _CORRUPT)
        return self._ix

    def _damaged(self, exc: BaseException) -> IndexNeedsRebuild:
        _drop_abandoned_files(exc)
        self._problem, self._ix = _CORRUPT, None
        return IndexNeedsRebuild(_CORRUPT)

    # -- writing ----------------------------------------------------------------------------

    def _writer(self, ix: whoosh.index.Index) -> IndexWriter:
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                return FastSegmentWriter(ix, limitmb=WRITER_LIMIT_MB)
            except whoosh.index.LockError:
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"索引正被其他程序写入，等待 {self.lock_timeout:g} 秒后仍未释放，请稍后重试"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    @contextmanager
    def _writing(self) -> Iterator[IndexWriter]:
        writer = self._writer(self._require())
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        try:
            writer.commit()
        except _READ_ERRORS as exc:
            raise self._damaged(exc) from exc

    def add(self, docs: Iterable[IndexDoc]) -> int:
        n = 0
        try:
            with self._writing() as writer:
                for doc in docs:
                    writer.update_document(**to_fields(doc))
                    n += 1
        except _READ_ERRORS as exc:
            raise self._damaged(exc) from exc
        return n

    def delete(self, doc_ids: Iterable[str]) -> int:
        return self._delete_terms("doc_id", list(doc_ids))

    def delete_case(self, case_no: str) -> int:
        return self._delete_terms("case_no", [key(case_no)])

    def _delete_terms(self, field: str, values: list[str]) -> int:
        if not values:
            return 0
        try:
            with self._writing() as writer:
                return sum(writer.delete_by_term(field, v) for v in values)
        except _READ_ERRORS as exc:
            raise self._damaged(exc) from exc

    def rebuild(
        self,
        docs: Iterable[IndexDoc],
        progress: Callable[[int], None] | None = None,
        batch_size: int = 2000,
    ) -> int:
        state = layout.resumable_rebuild(self.root, self.backend, SCHEMA_VERSION, ANALYZER_NAME)
        ix, seen = None, set[str]()
        if state is not None:
            ix = self._probe(state.generation)
            if ix is not None:
                with ix.reader() as reader:
                    seen = {v.decode("utf-8") for v in reader.lexicon("doc_id")}
                gen = state.generation
        if ix is None:
            gen = layout.fresh_generation(self.root, layout.active_generation(self.root))
            ix = whoosh.index.create_in(str(self.root / gen), self.schema)
        done = len(seen)
        layout.write_rebuild(
            self.root, layout.RebuildState(gen, SCHEMA_VERSION, ANALYZER_NAME, done)
        )
        resumed = set(seen)
        writer, pending = self._writer(ix), 0
        try:
            for doc in docs:
                if doc.doc_id in resumed:
                    continue  # committed before a crash
                fields = to_fields(doc)
                if doc.doc_id in seen:
                    writer.update_document(**fields)  # duplicate id in the source: last wins
                else:
                    writer.add_document(**fields)
                    seen.add(doc.doc_id)
                    done += 1
                pending += 1
                if pending >= batch_size:
                    writer.commit()
                    layout.write_rebuild(
                        self.root, layout.RebuildState(gen, SCHEMA_VERSION, ANALYZER_NAME, done)
                    )
                    if progress:
                        progress(done)
                    writer, pending = self._writer(ix), 0
            writer.commit()
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        if progress:
            progress(done)
        layout.switch_to(self.root, layout.Meta(SCHEMA_VERSION, ANALYZER_NAME, gen))
        self._open()
        return done

    # -- reading ----------------------------------------------------------------------------

    def count(self) -> int:
        try:
            return self._require().doc_count()
        except _READ_ERRORS as exc:
            raise self._damaged(exc) from exc

    def doc_ids(self) -> set[str]:
        try:
            with self._require().searcher() as searcher:
                return {f["doc_id"] for f in searcher.reader().all_stored_fields()}
        except _READ_ERRORS as exc:
            raise self._damaged(exc) from exc

    def search(self, query: SearchQuery | str) -> SearchResult:
        q = SearchQuery(text=query) if isinstance(query, str) else query
        node = parse(q.text)
        ix = self._require()
        try:
            with ix.searcher() as searcher:
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
        except _READ_ERRORS as exc:
            raise self._damaged(exc) from exc
        return SearchResult(hits=hits, total=total)

    def _hit(
        self, stored: dict[str, Any], score: float | None, terms: list[str], q: SearchQuery
    ) -> Hit:
        has_text = bool(stored.get("has_text", True))
        text = stored.get("text") or ""
        if has_text and text:
            snippet, spans = make_snippet(text, terms, show_personal=q.show_personal)
        else:
            snippet, spans = "（无文字内容，按元数据命中）", ()
        title = stored.get("title") or ""
        section = stored.get("section")
        return Hit(
            doc_id=stored["doc_id"],
            case_no=stored.get("case_no") or "",
            title=title if q.show_personal else mask_personal(title),
            date=date_from_key(stored.get("date")),
            path=stored.get("path") or "",
            kind=stored.get("kind") or "",
            section=int(section) if section else None,
            has_text=has_text,
            score=float(score or 0.0),
            snippet=snippet,
            highlights=spans,
        )
