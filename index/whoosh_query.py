"""Query syntax tree (:mod:`index.query`) + filters → whoosh query. Only the whoosh backend
loads this module."""

from __future__ import annotations

from whoosh import query as wq
from whoosh.reading import IndexReader

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


class Compiler:
    """Syntax tree → whoosh query, using the reader to choose exact or prefix identifier matches."""

    def __init__(self, reader: IndexReader, segmenter: Segmenter, use_synonyms: bool) -> None:
        self.reader = reader
        self.segmenter = segmenter
        self.use_synonyms = use_synonyms

    def compile(self, node: Node | None) -> wq.Query:
        if node is None:
            return wq.Every()
        if isinstance(node, NotNode):
            return wq.AndNot(wq.Every(), self._node(node.child))
        return self._node(node)

    def _node(self, node: Node) -> wq.Query:
        if isinstance(node, TermNode):
            return self._term(node)
        if isinstance(node, NotNode):
            return wq.Not(self._node(node.child))
        subs = [self._node(child) for child in node.children]
        if isinstance(node, OrNode):
            return wq.Or(subs)
        positives = [q for q in subs if not isinstance(q, wq.Not)]
        negatives = [q.query for q in subs if isinstance(q, wq.Not)]
        base = wq.And(positives) if positives else wq.Every()
        if len(positives) == 1:
            base = positives[0]
        return wq.AndNot(base, wq.Or(negatives)) if negatives else base

    def _term(self, t: TermNode) -> wq.Query:
        m = field_match(t)
        if m.how == "text":
            variants = synonyms.expand(m.value) if self.use_synonyms and not t.phrase else [m.value]
            qs = [self._text(v, m.field, t.phrase, t.prefix) for v in variants]
            return qs[0] if len(qs) == 1 else wq.Or(qs)
        if m.how == "substring":
            return self._substring(m.field, m.value, t.prefix)
        if m.how == "ident":
            return self._ident(m.field, m.value, t.prefix)
        if m.how == "date":
            return _date_query(m.value)
        return wq.Prefix(m.field, m.value) if t.prefix else wq.Term(m.field, m.value)

    def _text(self, value: str, field: str, phrase: bool, prefix: bool) -> wq.Query:
        match = self._substring(field, value, prefix and not phrase)
        joined = _CJK_GAP.sub("", value)
        if joined != value:  # "住建委 拖欠": the text may have no space between the words
            match = wq.Or([match, self._substring(field, joined, False)])
        words = list(dict.fromkeys(self.segmenter.words(value)))
        if words and match is not wq.NullQuery:
            match = wq.AndMaybe(match, wq.Or([wq.Term("words", w) for w in words]))
        folded = key(value)
        if phrase:
            return match
        if _IDENT_RE.fullmatch(folded) and any(c.isdigit() for c in folded):
            return wq.Or([match, self._ident("ids", folded, prefix)])
        if any(c.isdigit() for c in folded) and has_cjk(folded):  # 文号
            return wq.Or([match, wq.Term("ids", folded)])
        return match

    def _substring(self, field: str, value: str, prefix: bool) -> wq.Query:
        grams = query_grams(value)
        if isinstance(grams, SingleChar):
            return wq.Prefix(field, str(grams))
        if not grams:
            return wq.NullQuery
        if len(grams) == 1:
            return wq.Prefix(field, grams[0]) if prefix else wq.Term(field, grams[0])
        return wq.Phrase(field, grams)

    def _ident(self, field: str, value: str, prefix: bool) -> wq.Query:
        if not value:
            return wq.NullQuery
        if prefix:
            return wq.Prefix(field, value)
        if self.reader.doc_frequency(field, value) > 0 or len(value) < 3:
            return wq.Term(field, value)
        return wq.Prefix(field, value)


def _date_query(value: str) -> wq.Query:
    first, sep, last = value.partition("..")
    start = _date_bounds(first)[0] if first else None
    end = _date_bounds(last if sep else first)[1] if (last or not sep) else None
    return wq.NumericRange("date", start, end)


def build_filter(q: SearchQuery) -> wq.Query | None:
    """Exact-value filters of ``q`` as one whoosh query (None when there are none)."""
    parts: list[wq.Query] = [wq.Term(name, value) for name, value in filter_terms(q)]
    if (bounds := date_bounds(q)) is not None:
        parts.append(wq.NumericRange(*bounds))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)
