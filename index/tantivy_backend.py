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
from collections.abc import Iterable
from itertools import repeat
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from docgen.index.analysis import ANALYZER_NAME, Segmenter, gram_terms
from docgen.index.base import GenerationIndex
from docgen.index.errors import QuerySyntaxError
from docgen.index.model import DATE_FIELDS, Hit, IndexDoc, SearchQuery, SearchResult
from docgen.index.normalize import fold
from docgen.index.query import highlight_terms, parse
from docgen.index.schema import date_from_key, key, to_fields
from docgen.index.tantivy_query import TantivyCompiler, build_filter

BACKEND = "tantivy"
SCHEMA_VERSION = 2
"""Version of :func:`build_schema`'s fields; bump when they or their meaning change."""

WRITER_HEAP = 64_000_000
"""Writer memory for ``add``/``delete`` (one thread)."""
REBUILD_HEAP = 192_000_000
"""Writer memory for ``rebuild``; tantivy flushes a segment when it is full (bounds memory)."""
_KEYWORDS = ("case_no", "kind", "section", "category", "unit", "leader", "status", "flags",
             "persons")  # fmt: skip


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
    for name in DATE_FIELDS:
        b.add_unsigned_field(name, indexed=True, fast=True)
    b.add_bytes_field("store", stored=True)
    return b.build()


def _pretokenized(text: str, folded: str) -> tantivy.PreTokenizedString:
    """``text``'s grams (of its folded form ``folded``) as tantivy tokens. Offsets are 0: tantivy
    keeps positions only (snippets are cut from the stored text by :mod:`index.snippets`)."""
    terms, positions = gram_terms(folded)
    zeros = repeat(0)
    return tantivy.PreTokenizedString(
        text, list(map(tantivy.Token, terms, positions, zeros, zeros))
    )


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
            doc.ocr,
        ],
        ensure_ascii=False,
    ).encode("utf-8")


def to_document(doc: IndexDoc, segmenter: Segmenter) -> tantivy.Document:
    """IndexDoc → tantivy Document (same folded values as the whoosh schema's)."""
    values = to_fields(doc)
    out = tantivy.Document()
    out.add_text("doc_id", doc.doc_id)
    content, words = values["content"], values["words"]
    folded = fold(content)  # folded once for grams and words (the same text)
    out.add_pre_tokenized_text("content", _pretokenized(content, folded))
    if doc.title:
        out.add_pre_tokenized_text("title", _pretokenized(doc.title, fold(doc.title)))
    folded_words = folded if words == content else fold(words)
    out.add_text("words", " ".join(segmenter.folded_words(folded_words)))
    for value in values["ids"] or ():
        out.add_text("ids", value)
    for name in _KEYWORDS:
        value = values[name]
        for item in value if isinstance(value, list) else (value,) if value else ():
            out.add_text(name, item)
    for name in ("date", *DATE_FIELDS):
        if values[name]:
            out.add_unsigned(name, values[name])
    out.add_bytes("store", _display(doc))
    return out


class TantivyIndex(GenerationIndex[tantivy.Index, tantivy.IndexWriter]):
    """The tantivy implementation of :class:`index.SearchIndex` (see there for the contract);
    opening, damage, the write-lock retry and the resumable rebuild are
    :class:`index.base.GenerationIndex`'s."""

    backend = BACKEND
    schema_version = SCHEMA_VERSION
    analyzer = ANALYZER_NAME
    commit_closes_writer = False

    # -- the engine's calls -----------------------------------------------------------------

    def _build_schema(self) -> tantivy.Schema:
        return build_schema()

    def _probe(self, path: Path) -> tantivy.Index | None:
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
            if self._is_read_error(exc):
                return None
            raise

    def _create(self, path: Path) -> tantivy.Index:
        return tantivy.Index(self.schema, path=str(path), reuse=False)

    def _is_read_error(self, exc: BaseException) -> bool:
        """OSError or ValueError, or pyo3's PanicException (a BaseException subclass that
        cannot be imported) when a Rust assertion fails on a damaged file."""
        return isinstance(exc, OSError | ValueError) or type(exc).__name__ == "PanicException"

    def _try_writer(self, ix: tantivy.Index, *, rebuild: bool) -> tantivy.IndexWriter | None:
        try:
            return ix.writer(heap_size=REBUILD_HEAP if rebuild else WRITER_HEAP, num_threads=1)
        except ValueError as exc:
            if "Lock" not in str(exc):
                raise
            return None

    def _put(self, writer: tantivy.IndexWriter, doc: IndexDoc, *, replace: bool) -> None:
        if replace:
            writer.delete_documents_by_term("doc_id", doc.doc_id)
        writer.add_document(to_document(doc, self.segmenter))

    def _commit(self, writer: tantivy.IndexWriter) -> None:
        writer.commit()

    def _cancel(self, writer: tantivy.IndexWriter) -> None:
        writer.rollback()

    def _release(self, writer: tantivy.IndexWriter) -> None:
        _close(writer)

    def _committed(self, ix: tantivy.Index) -> None:
        ix.reload()

    def _committed_ids(self, ix: tantivy.Index) -> set[str]:
        return {term for term, _ in ix.searcher().terms_with_prefix("doc_id", "")}

    # -- writing ----------------------------------------------------------------------------

    def _live(self, field: str, values: list[str]) -> int:
        """Live (undeleted) documents holding any of ``values`` in raw field ``field``."""
        searcher = self._require().searcher()
        query = Query.term_set_query(self.schema, field, values)
        return int(searcher.search(query, 1, count=True).count or 0)

    def add(self, docs: Iterable[IndexDoc]) -> int:
        """Replacing a document deletes its ``doc_id`` first; a ``doc_id`` the index has never
        held (nor this call added) needs no delete. Each delete waits in the writer until the
        commit (about 1 KB), so an import of 20,000 new cases held 20 MB of deletes of nothing."""
        n = 0
        with self._writing() as writer:
            ix = self._require()
            with self._reading():
                ix.reload()  # the writer lock is ours: the last commit, of any process, is final
                searcher = ix.searcher()
            added: set[str] = set()
            for doc in docs:
                held = doc.doc_id in added or searcher.doc_freq("doc_id", doc.doc_id) > 0
                self._put(writer, doc, replace=held)
                added.add(doc.doc_id)
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
        from docgen.index.snippets import make_hit  # with its masking rules: searches only

        doc_id, case_no, title, text, day, path, kind, section, has_text, ocr = json.loads(
            stored.get_first("store")
        )
        return make_hit(
            q,
            terms,
            score,
            doc_id=doc_id,
            case_no=case_no,
            title=title,
            text=text,
            date=date_from_key(int(day.replace("-", ""))) if day else None,
            path=path,
            kind=kind,
            section=section,
            has_text=bool(has_text),
            ocr=bool(ocr),
        )


def _close(writer: tantivy.IndexWriter) -> None:
    """Wait for merges and drop the writer, which releases tantivy's lock file."""
    try:
        writer.wait_merging_threads()
    except (ValueError, RuntimeError):
        pass  # already consumed
