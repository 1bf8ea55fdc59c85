"""Retrieval quality on the labelled corpus: recall and precision@10, against whoosh's default."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from docgen.index import SearchIndex, SearchQuery
from tests.index.corpus import Corpus, Labelled

Runner = Callable[[str], list[str]]


def evaluate(queries: list[Labelled], run: Runner) -> dict[str, tuple[float, float]]:
    """kind → (mean recall, mean precision@10); key "all" for every query."""
    per_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for q in queries:
        ranked = run(q.query)
        recall = len(set(ranked) & q.relevant) / len(q.relevant)
        top = ranked[:10]
        precision = len(set(top) & q.relevant) / len(top) if top else 0.0
        per_kind[q.kind].append((recall, precision))
        per_kind["all"].append((recall, precision))
    return {
        kind: (sum(r for r, _ in v) / len(v), sum(p for _, p in v) / len(v))
        for kind, v in per_kind.items()
    }


def report(title: str, figures: dict[str, tuple[float, float]]) -> None:
    print(f"\n{title}")
    for kind, (recall, precision) in sorted(figures.items()):
        print(f"  {kind:<10} recall={recall:.3f}  precision@10={precision:.3f}")


def test_recall_and_precision(corpus: Corpus, built_index: SearchIndex) -> None:
    def run(text: str) -> list[str]:
        return [h.doc_id for h in built_index.search(SearchQuery(text, limit=5000))]

    figures = evaluate(corpus.queries, run)
    report(f"docgen index, {built_index.backend} (CJK bigrams + rjieba words)", figures)
    recall, precision = figures["all"]
    assert recall >= 0.98
    assert precision >= 0.9
    for kind in ("name", "case_no", "id_number", "phone"):
        assert figures[kind][0] == 1.0, kind


def test_whoosh_default_analyzer_for_comparison(corpus: Corpus, tmp_path: Path) -> None:
    """Printed, not asserted: whoosh's StandardAnalyzer treats a run of Chinese as one token."""
    schema = fields.Schema(doc_id=fields.ID(stored=True), content=fields.TEXT())
    ix = whoosh_index.create_in(str(tmp_path), schema)
    with ix.writer() as writer:
        for d in corpus.docs:
            content = " ".join((d.title, d.text, d.case_no, d.doc_number, d.unit, d.leader))
            writer.add_document(doc_id=d.doc_id, content=content)
    parser = QueryParser("content", schema)
    with ix.searcher() as searcher:

        def run(text: str) -> list[str]:
            hits = searcher.search(parser.parse(text), limit=5000)
            return [h["doc_id"] for h in hits]

        report("whoosh default analyzer (comparison only)", evaluate(corpus.queries, run))
