"""tantivy backend: IndexDoc batches in, SearchQuery → SearchResult out, on a layout folder.

Same contract, errors and analysis as :mod:`index.whoosh_backend`; only the engine differs.
Text is analysed in Python (:mod:`index.analysis`) and handed to tantivy pre-tokenised:
``content`` and ``title`` as CJK bigrams with explicit positions (edge markers share a
position with a bigram, which a whitespace tokenizer could not express), ``words`` as rjieba
words joined by spaces (tantivy's built-in ``whitespace`` tokenizer, frequencies only).
Identifier and filter fields use the ``raw`` tokenizer on folded values (:func:`index.schema.key`).
Display values live in one stored JSON field, so snippets are made by :mod:`index.snippets`
exactly as for whoosh (highlights and masking included).

Writes retry while another writer holds tantivy's lock file (``lock_timeout`` seconds, then
:class:`IndexLocked`). Each ``add``/``delete`` is one commit; ``rebuild`` writes a new
generation (:mod:`index.layout`) with a bounded writer heap, commits every ``batch_size``
documents and resumes after a crash from the doc_ids already committed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from docgen.index import layout
from docgen.index.analysis import ANALYZER_NAME, Segmenter, gram_tokens
from docgen.index.errors import IndexLocked, IndexNeedsRebuild, QuerySyntaxError
from docgen.index.model import Hit, IndexDoc, SearchQuery, SearchResult
from docgen.index.query import highlight_terms, parse
from docgen.index.schema import date_from_key, key, to_fields
from docgen.index.snippets import make_snippet
from docgen.index.tantivy_query import TantivyCompiler, build_filter
from docgen.masking import mask_personal

BACKEND = "tantivy"
SCHEMA_VERSION = 1
"""Version of :func:`build_schema`'s fields; bump when they or their meaning change."""

WRITER_HEAP = 64_000_000
"""Writer memory for ``add``/``delete`` (one thread)."""
REBUILD_HEAP = 192_000_000
"""Writer memory for ``rebuild``; tantivy flushes a segment when it is full (bounds memory)."""

_CORRUPT = "索引文件损坏或不完整，需要重建索引（docgen index rebuild）"
_KEYWORDS = ("case_no", "kind", "section", "category", "unit", "leader", "status", "flags")


def _is_read_error(exc: BaseException) -> bool:
    """What tantivy raises on damaged or foreign index files.

    That is OSError or ValueError, or pyo3's PanicException (a BaseException subclass that
    cannot be imported) when a Rust assertion fails on a damaged file.
    """
    return isinstance(exc, OSError | ValueError) or type(exc).__name__ == "PanicException"


def build_schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("doc_id", tokenizer_name="raw", index_option="basic")
    b.add_text_field("content", tokenizer_name="whitespace", index_option="position")
    b.add_text_field("title", tokenizer_name="whitespace", index_option="position")
    b.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    b.add_text_field("ids", tokenizer_name="raw", index_option="basic")
    for name in _KEYWORDS:
        b.add_text_field(name, tokenizer_name="raw", index_option="basic")
    b.add_unsigned_field("date", indexed=True, fast=True)
    b.add_bytes_field("store", stored=True)
    return b.build()


def _pretokenized(text: str) -> tantivy.PreTokenizedString:
    tokens = [tantivy.Token(t, p, s, e) for t, p, s, e in gram_tokens(text)]
    return tantivy.PreTokenizedString(text, tokens)


def _display(doc: IndexDoc) -> bytes:
    """Stored values needed for hits and snippets (ID numbers and phones are never stored)."""
    return json.dumps(
        [
            doc.doc_id,
            doc.case_no,
            doc.title,
            doc.text,
            doc.date.isoformat() if doc.date else "",
            doc.path,
            doc.kind,
            doc.section,
            doc.has_text,
        ],
        ensure_ascii=False,
    ).encode("utf-8")


def to_document(doc: IndexDoc, segmenter: Segmenter) -> tantivy.Document:
    """IndexDoc → tantivy Document (same folded values as the whoosh schema's)."""
    values = to_fields(doc)
    out = tantivy.Document()
    out.add_text("doc_id", doc.doc_id)
    out.add_pre_tokenized_text("content", _pretokenized(values["content"]))
    if doc.title:
        out.add_pre_tokenized_text("title", _pretokenized(doc.title))
    out.add_text("words", " ".join(segmenter.words(values["words"])))
    for value in values["ids"] or ():
        out.add_text("ids", value)
    for name in _KEYWORDS:
        value = values[name]
        for item in value if isinstance(value, list) else (value,) if value else ():
            out.add_text(name, item)
    if values["date"]:
        out.add_unsigned("date", values["date"])
    out.add_bytes("store", _display(doc))
    return out


class TantivyIndex:
    """The tantivy implementation of :class:`index.SearchIndex` (see there for the contract)."""

    backend = BACKEND

    def __init__(self, root: Path, segmenter: Segmenter, lock_timeout: float = 10.0) -> None:
        self.root = Path(root)
        self.segmenter = segmenter
        self.lock_timeout = lock_timeout
        self.schema = build_schema()
        self._ix: tantivy.Index | None = None
        self._problem: str | None = None
        self._open()

    # -- opening and checking -------------------------------------------------------------

    def _open(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._ix = None
        meta, self._problem = layout.usable_meta(
            self.root, BACKEND, SCHEMA_VERSION, ANALYZER_NAME, self._create_empty
        )
        if meta is not None:
            self._ix = self._probe(meta.active)
            if self._ix is None:
                self._problem = _CORRUPT

    def _probe(self, generation: str) -> tantivy.Index | None:
        """The tantivy index in ``generation`` if it opens with our schema and reads, else None."""
        path = self.root / generation
        if not (path / "meta.json").is_file():
            return None
        try:
            ix = tantivy.Index(self.schema, path=str(path), reuse=True)
            searcher = ix.searcher()
            hits = searcher.search(Query.all_query(), 1, count=True).hits
            if hits:
                searcher.doc(hits[0][1])
            return ix
        except BaseException as exc:
            if _is_read_error(exc):
                return None
            raise

    def _create_empty(self) -> layout.Meta:
        gen = layout.next_generation(self.root)
        (self.root / gen).mkdir()
        tantivy.Index(self.schema, path=str(self.root / gen), reuse=False)
        meta = layout.Meta(SCHEMA_VERSION, ANALYZER_NAME, gen, BACKEND)
        layout.write_meta(self.root, meta)
        return meta

    def check(self) -> str | None:
        """None when usable, else the Chinese reason a rebuild is needed."""
        return self._problem

    def _require(self) -> tantivy.Index:
        if self._ix is None:
            raise IndexNeedsRebuild(self._problem or _CORRUPT)
        return self._ix

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn what damaged files make tantivy raise into IndexNeedsRebuild (and remember it)."""
        try:
            yield
        except BaseException as exc:
            if not _is_read_error(exc):
                raise
            self._problem, self._ix = _CORRUPT, None
            raise IndexNeedsRebuild(_CORRUPT) from exc

    # -- writing ----------------------------------------------------------------------------

    def _writer(self, ix: tantivy.Index, heap: int = WRITER_HEAP) -> tantivy.IndexWriter:
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                return ix.writer(heap_size=heap, num_threads=1)
            except ValueError as exc:
                if "Lock" not in str(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"索引正被其他程序写入，等待 {self.lock_timeout:g} 秒后仍未释放，请稍后重试"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    @contextmanager
    def _writing(self) -> Iterator[tantivy.IndexWriter]:
        ix = self._require()
        with self._reading():
            writer = self._writer(ix)
        try:
            yield writer
        except BaseException:
            writer.rollback()
            _close(writer)
            raise
        with self._reading():
            try:
                writer.commit()
            finally:
                _close(writer)
            ix.reload()

    def _live(self, field: str, values: list[str]) -> int:
        """Live (undeleted) documents holding any of ``values`` in raw field ``field``."""
        searcher = self._require().searcher()
        query = Query.term_set_query(self.schema, field, values)
        return int(searcher.search(query, 1, count=True).count or 0)

    def add(self, docs: Iterable[IndexDoc]) -> int:
        n = 0
        with self._writing() as writer:
            for doc in docs:
                writer.delete_documents_by_term("doc_id", doc.doc_id)
                writer.add_document(to_document(doc, self.segmenter))
                n += 1
        return n

    def delete(self, doc_ids: Iterable[str]) -> int:
        return self._delete_terms("doc_id", list(dict.fromkeys(doc_ids)))

    def delete_case(self, case_no: str) -> int:
        return self._delete_terms("case_no", [key(case_no)])

    def _delete_terms(self, field: str, values: list[str]) -> int:
        values = [v for v in values if v]
        if not values:
            return 0
        with self._reading():
            found = self._live(field, values)
        if not found:
            return 0
        with self._writing() as writer:
            for value in values:
                writer.delete_documents_by_term(field, value)
        return found

    def rebuild(
        self,
        docs: Iterable[IndexDoc],
        progress: Callable[[int], None] | None = None,
        batch_size: int = 2000,
    ) -> int:
        state = layout.resumable_rebuild(self.root, BACKEND, SCHEMA_VERSION, ANALYZER_NAME)
        ix, seen = None, set[str]()
        if state is not None:
            ix = self._probe(state.generation)
            if ix is not None:
                terms = ix.searcher().terms_with_prefix("doc_id", "")
                seen = {term for term, _ in terms}
                gen = state.generation
        if ix is None:
            gen = layout.fresh_generation(self.root, layout.active_generation(self.root))
            ix = tantivy.Index(self.schema, path=str(self.root / gen), reuse=False)
        done = len(seen)
        self._save_progress(gen, done)
        resumed = set(seen)
        writer, pending = self._writer(ix, REBUILD_HEAP), 0
        try:
            for doc in docs:
                if doc.doc_id in resumed:
                    continue  # committed before a crash
                if doc.doc_id in seen:  # duplicate id in the source: last wins
                    writer.delete_documents_by_term("doc_id", doc.doc_id)
                else:
                    seen.add(doc.doc_id)
                    done += 1
                writer.add_document(to_document(doc, self.segmenter))
                pending += 1
                if pending >= batch_size:
                    writer.commit()
                    self._save_progress(gen, done)
                    if progress:
                        progress(done)
                    pending = 0
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            _close(writer)
        if progress:
            progress(done)
        layout.switch_to(self.root, layout.Meta(SCHEMA_VERSION, ANALYZER_NAME, gen, BACKEND))
        self._open()
        return done

    def _save_progress(self, gen: str, done: int) -> None:
        state = layout.RebuildState(gen, SCHEMA_VERSION, ANALYZER_NAME, done, BACKEND)
        layout.write_rebuild(self.root, state)

    # -- reading ----------------------------------------------------------------------------

    def count(self) -> int:
        ix = self._require()
        with self._reading():
            return int(ix.searcher().num_docs)

    def doc_ids(self) -> set[str]:
        ix = self._require()
        with self._reading():
            searcher = ix.searcher()
            if not searcher.num_docs:
                return set()
            hits = searcher.search(Query.all_query(), searcher.num_docs).hits
            stored = (searcher.doc(address)["store"][0] for _, address in hits)
            return {json.loads(bytes(value))[0] for value in stored}

    def search(self, query: SearchQuery | str) -> SearchResult:
        q = SearchQuery(text=query) if isinstance(query, str) else query
        node = parse(q.text)
        ix = self._require()
        with self._reading():
            searcher = ix.searcher()
            compiler = TantivyCompiler(searcher, self.schema, self.segmenter, q.synonyms)
        try:
            tq = compiler.compile(node)
            flt = build_filter(self.schema, q)
        except ValueError:  # a query tantivy cannot build (not index damage)
            raise QuerySyntaxError("查询语句有误：无法构造检索条件") from None
        if flt is not None:
            tq = Query.boolean_query([(Occur.Must, tq), (Occur.Must, flt)])
        with self._reading():
            limit = max(1, q.limit)
            if q.order == "newest" or node is None:
                result = searcher.search(
                    tq, limit, count=True, order_by_field="date", order=tantivy.Order.Desc
                )
                scored = [(0.0, addr) for _, addr in result.hits]
            else:
                result = searcher.search(tq, limit, count=True)
                scored = [(float(score), addr) for score, addr in result.hits]
            terms = highlight_terms(node, q.synonyms)
            hits = [self._hit(searcher.doc(addr), score, terms, q) for score, addr in scored]
            total = int(result.count or 0)
        return SearchResult(hits=hits, total=total)

    def _hit(self, stored: tantivy.Document, score: float, terms: list[str], q: SearchQuery) -> Hit:
        doc_id, case_no, title, text, day, path, kind, section, has_text = json.loads(
            stored.get_first("store")
        )
        if has_text and text:
            snippet, spans = make_snippet(text, terms, show_personal=q.show_personal)
        else:
            snippet, spans = "（无文字内容，按元数据命中）", ()
        return Hit(
            doc_id=doc_id,
            case_no=case_no,
            title=title if q.show_personal else mask_personal(title),
            date=date_from_key(int(day.replace("-", ""))) if day else None,
            path=path,
            kind=kind,
            section=section,
            has_text=bool(has_text),
            score=score,
            snippet=snippet,
            highlights=spans,
        )


def _close(writer: tantivy.IndexWriter) -> None:
    """Wait for merges and drop the writer, which releases tantivy's lock file."""
    try:
        writer.wait_merging_threads()
    except (ValueError, RuntimeError):
        pass  # already consumed
