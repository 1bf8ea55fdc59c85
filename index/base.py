"""The search interface every backend implements: IndexDoc batches in, SearchResult out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from docgen.index.model import IndexDoc, SearchQuery, SearchResult


@runtime_checkable
class SearchIndex(Protocol):
    backend: str

    def add(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace (by ``doc_id``) documents in one commit; returns how many."""
        ...

    def delete(self, doc_ids: Iterable[str]) -> int:
        """Delete documents by ``doc_id``; returns how many were found."""
        ...

    def delete_case(self, case_no: str) -> int:
        """Delete every document of a case (ledger record included); returns how many."""
        ...

    def search(self, query: SearchQuery | str) -> SearchResult:
        """Ranked hits with masked, highlighted snippets."""
        ...

    def rebuild(
        self,
        docs: Iterable[IndexDoc],
        progress: Callable[[int], None] | None = None,
        batch_size: int = 2000,
    ) -> int:
        """Rebuild from scratch (resuming an interrupted rebuild); returns documents indexed."""
        ...

    def count(self) -> int:
        """Number of documents in the index."""
        ...

    def doc_ids(self) -> set[str]:
        """The ``doc_id`` of every (live) document in the index."""
        ...

    def check(self) -> str | None:
        """None when usable, else the Chinese reason a rebuild is needed."""
        ...
