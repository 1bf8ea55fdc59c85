"""Query syntax tree (:mod:`index.query`) + filters → tantivy query, same semantics as whoosh's.

The tree comes from :func:`index.query.parse`; this module only translates it. Each construct
maps to the tantivy equivalent of what :class:`index.whoosh_query.Compiler` builds for whoosh:

* Chinese text → phrase query of consecutive CJK bigrams (exact substring) on ``content``, with
  rjieba words of the term as optional (``Should``) clauses on ``words`` for ranking;
* a lone CJK character → terms of ``content`` starting with it (regex prefix);
* identifiers → exact term on ``ids``/``case_no`` when some document carries the value, else
  prefix; keyword fields → exact term (or prefix with ``value*``);
* AND/OR/NOT → boolean queries; a NOT with nothing positive beside it is "all documents but".
"""

from __future__ import annotations

import tantivy
from tantivy import Occur, Query

from docgen.index import synonyms
from docgen.index.analysis import Segmenter, SingleChar, has_cjk, query_grams
from docgen.index.model import SearchQuery
from docgen.index.query import (
    _CJK_GAP,
    _IDENT_RE,
    Node,
    NotNode,
    OrNode,
    TermNode,
    _date_bounds,
    date_bounds,
    field_match,
    filter_terms,
)
from docgen.index.schema import key

_REGEX_META = set("\\.+*?()|[]{}^$#&-~")


def regex_prefix(value: str) -> str:
    """A tantivy (Rust) regex matching every term that starts with ``value``."""
    return "".join("\\" + c if c in _REGEX_META else c for c in value) + ".*"


def _all_but(query: Query) -> Query:
    return Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, query)])


def _any(queries: list[Query]) -> Query:
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Should, q) for q in queries])


class TantivyCompiler:
    """Syntax tree → tantivy query; the searcher decides exact or prefix identifier matches."""

    def __init__(
        self,
        searcher: tantivy.Searcher,
        schema: tantivy.Schema,
        segmenter: Segmenter,
        use_synonyms: bool,
    ) -> None:
        self.searcher = searcher
        self.schema = schema
        self.segmenter = segmenter
        self.use_synonyms = use_synonyms

    def compile(self, node: Node | None) -> Query:
        if node is None:
            return Query.all_query()
        return self._node(node)

    def _node(self, node: Node) -> Query:
        if isinstance(node, TermNode):
            return self._term(node)
        if isinstance(node, NotNode):
            return _all_but(self._node(node.child))
        if isinstance(node, OrNode):
            return _any([self._node(child) for child in node.children])
        clauses: list[tuple[Occur, Query]] = []
        for child in node.children:
            if isinstance(child, NotNode):
                clauses.append((Occur.MustNot, self._node(child.child)))
            else:
                clauses.append((Occur.Must, self._node(child)))
        if all(occur == Occur.MustNot for occur, _ in clauses):
            clauses.insert(0, (Occur.Must, Query.all_query()))
        return Query.boolean_query(clauses)

    def _term(self, t: TermNode) -> Query:
        m = field_match(t)
        if m.how == "text":
            variants = synonyms.expand(m.value) if self.use_synonyms and not t.phrase else [m.value]
            return _any([self._text(v, t.phrase, t.prefix) for v in variants])
        if m.how == "substring":
            return self._substring(m.field, m.value, t.prefix)
        if m.how == "ident":
            return self._ident(m.field, m.value, t.prefix)
        if m.how == "date":
            return date_query(self.schema, m.value)
        return self._keyword(m.field, m.value, t.prefix)

    def _text(self, value: str, phrase: bool, prefix: bool) -> Query:
        match = self._substring("content", value, prefix and not phrase)
        joined = _CJK_GAP.sub("", value)
        if joined != value:  # "住建委 拖欠": the text may have no space between the words
            match = _any([match, self._substring("content", joined, False)])
        words = list(dict.fromkeys(self.segmenter.words(value)))
        if words and match is not None:
            match = Query.boolean_query(
                [(Occur.Must, match)]
                + [
                    (Occur.Should, Query.term_query(self.schema, "words", w, index_option="freq"))
                    for w in words
                ]
            )
        if match is None:
            match = Query.empty_query()
        folded = key(value)
        if phrase:
            return match
        if _IDENT_RE.fullmatch(folded) and any(c.isdigit() for c in folded):
            return _any([match, self._ident("ids", folded, prefix)])
        if any(c.isdigit() for c in folded) and has_cjk(folded):  # 文号
            return _any([match, self._keyword("ids", folded, False)])
        return match

    def _substring(self, field: str, value: str, prefix: bool) -> Query | None:
        grams = query_grams(value)
        if isinstance(grams, SingleChar):
            return Query.regex_query(self.schema, field, regex_prefix(str(grams)))
        if not grams:
            return None
        if len(grams) == 1:
            if prefix:
                return Query.regex_query(self.schema, field, regex_prefix(grams[0]))
            return Query.term_query(self.schema, field, grams[0])
        return Query.phrase_query(self.schema, field, grams)

    def _keyword(self, field: str, value: str, prefix: bool) -> Query:
        if not value:
            return Query.empty_query()
        if prefix:
            return Query.regex_query(self.schema, field, regex_prefix(value))
        return Query.term_query(self.schema, field, value, index_option="basic")

    def _ident(self, field: str, value: str, prefix: bool) -> Query:
        if not value:
            return Query.empty_query()
        if prefix:
            return self._keyword(field, value, True)
        if self.searcher.doc_freq(field, value) > 0 or len(value) < 3:
            return self._keyword(field, value, False)
        return self._keyword(field, value, True)


def date_query(schema: tantivy.Schema, value: str) -> Query:
    """``date:`` value (``2024``, ``2024-06``, ``2024-06-10``, ``a..b``) → range on ``date``."""
    first, sep, last = value.partition("..")
    start = _date_bounds(first)[0] if first else None
    end = _date_bounds(last if sep else first)[1] if (last or not sep) else None
    return _date_range(schema, start, end)


def _date_range(
    schema: tantivy.Schema, start: int | None, end: int | None, field: str = "date"
) -> Query:
    if start is None and end is None:
        return Query.exists_query(field)
    return Query.range_query(schema, field, tantivy.FieldType.Unsigned, start, end)


def build_filter(schema: tantivy.Schema, q: SearchQuery) -> Query | None:
    """Exact-value filters of ``q`` as one non-scoring tantivy query (None when there are none)."""
    parts: list[Query] = [
        Query.term_query(schema, name, value, index_option="basic")
        for name, value in filter_terms(q)
    ]
    if (bounds := date_bounds(q)) is not None:
        field, start, end = bounds
        parts.append(_date_range(schema, start, end, field))
    if not parts:
        return None
    combined = Query.boolean_query([(Occur.Must, p) for p in parts])
    return Query.const_score_query(combined, 0.0)
