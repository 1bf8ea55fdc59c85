"""Shared fixtures: the labelled corpus, and indexes built from it for every backend.

Fixtures that depend on ``backend`` run once per backend (whoosh, tantivy), so the same
assertions hold for both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.index import BACKENDS, SearchIndex, open_index
from tests.index.corpus import PLACES, UNITS, Corpus, build

DICTIONARY = [p + u for p in PLACES for u in UNITS] + ["息诉罢访", "包案领导", "联席办"]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return build()


@pytest.fixture(scope="session")
def built_index(
    corpus: Corpus, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> SearchIndex:
    """The corpus indexed once per backend; tests that change an index must make their own."""
    root = tmp_path_factory.mktemp(f"built-{backend}") / "index"
    ix = open_index(root, backend=backend, dictionary_words=DICTIONARY)
    ix.rebuild(corpus.docs, batch_size=400)
    return ix


@pytest.fixture()
def small_corpus(corpus: Corpus) -> Corpus:
    """The first 10 cases only, for tests that write."""
    cases = corpus.cases[:10]
    ids = {i for c in cases for i in c.doc_ids}
    return Corpus(docs=[d for d in corpus.docs if d.doc_id in ids], cases=cases, queries=[])


@pytest.fixture()
def fresh_index(tmp_path: Path, small_corpus: Corpus, backend: str) -> SearchIndex:
    ix = open_index(tmp_path / "index", backend=backend, dictionary_words=DICTIONARY)
    ix.add(small_corpus.docs)
    return ix
