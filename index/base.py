"""The search interface every backend implements: IndexDoc batches in, SearchResult out.

``SearchIndex`` is the contract callers use; ``GenerationIndex`` is what the backends
(:mod:`index.whoosh_backend`, :mod:`index.tantivy_backend`) share behind it.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

from docgen.index import layout
from docgen.index.errors import IndexLocked, IndexNeedsRebuild
from docgen.index.model import IndexDoc, SearchQuery, SearchResult

if TYPE_CHECKING:
    from docgen.index.analysis import Segmenter  # loaded by the backends (jieba is slow to load)

CORRUPT = "索引文件损坏或不完整，需要重建索引（docgen index rebuild）"


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

    def refresh(self) -> None:
        """Let this process's searches see what other processes committed, now (without it they
        follow within about half a second)."""
        ...


E = TypeVar("E")  # the engine's index object (whoosh.index.Index, tantivy.Index)
W = TypeVar("W")  # the engine's writer


class GenerationIndex(ABC, Generic[E, W]):
    """What both backends share, on the :mod:`index.layout` folder: opening (or creating) the
    active generation with the recorded backend, schema and analyzer, the probe that turns
    damaged files into :meth:`check`'s reason, damaged files met later, the write-lock retry, and
    the resumable rebuild loop with its progress file. A backend adds its engine's calls only
    (the abstract methods) and its own ``add``/``delete``/``search``.
    """

    backend: str
    schema_version: int
    analyzer: str
    commit_closes_writer: bool
    """True when a committed writer cannot take more documents (the rebuild opens a new one)."""

    def __init__(self, root: Path, segmenter: Segmenter, lock_timeout: float = 10.0) -> None:
        self.root = Path(root)
        self.segmenter = segmenter
        self.lock_timeout = lock_timeout
        self.schema = self._build_schema()
        self._ix: E | None = None
        self._problem: str | None = None
        self._open()

    # -- the engine's calls -----------------------------------------------------------------

    @abstractmethod
    def _build_schema(self) -> Any: ...

    @abstractmethod
    def _probe(self, path: Path) -> E | None:
        """The engine's index in ``path`` if it opens with our schema and reads, else None."""

    @abstractmethod
    def _create(self, path: Path) -> E:
        """A new empty index in the (existing, empty) folder ``path``."""

    @abstractmethod
    def _is_read_error(self, exc: BaseException) -> bool:
        """What the engine raises on damaged or foreign index files."""

    def _after_damage(self, exc: BaseException) -> None:
        """Clean-up after the engine failed on damaged files (before IndexNeedsRebuild)."""

    @abstractmethod
    def _try_writer(self, ix: E, *, rebuild: bool) -> W | None:
        """A writer, or None while another writer holds the engine's lock."""

    @abstractmethod
    def _put(self, writer: W, doc: IndexDoc, *, replace: bool) -> None:
        """Write ``doc``; ``replace``: a document of its ``doc_id`` may be there already."""

    @abstractmethod
    def _commit(self, writer: W) -> None: ...

    @abstractmethod
    def _cancel(self, writer: W) -> None:
        """Drop what ``writer`` has not committed."""

    def _release(self, writer: W) -> None:
        """Let go of ``writer`` after its commit or cancel (and of the engine's lock)."""

    def _committed(self, ix: E) -> None:
        """After a write committed: make it visible to this process's searches."""

    def refresh(self) -> None:
        if self._ix is not None:
            self._committed(self._ix)

    @abstractmethod
    def _committed_ids(self, ix: E) -> set[str]:
        """The ``doc_id`` of every document committed in ``ix`` (to resume a rebuild)."""

    # -- opening and checking ---------------------------------------------------------------

    def _open(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._ix = None
        meta, self._problem = layout.usable_meta(
            self.root, self.backend, self.schema_version, self.analyzer, self._create_empty
        )
        if meta is not None:
            self._ix = self._probe(self.root / meta.active)
            if self._ix is None:
                self._problem = CORRUPT

    def _create_empty(self) -> layout.Meta:
        gen = layout.next_generation(self.root)
        (self.root / gen).mkdir()
        self._create(self.root / gen)
        meta = layout.Meta(self.schema_version, self.analyzer, gen, self.backend)
        layout.write_meta(self.root, meta)
        return meta

    def check(self) -> str | None:
        """None when usable, else the Chinese reason a rebuild is needed."""
        return self._problem

    def _require(self) -> E:
        if self._ix is None:
            raise IndexNeedsRebuild(self._problem or CORRUPT)
        return self._ix

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn what damaged files make the engine raise into IndexNeedsRebuild (and remember
        it: ``check`` then gives the reason, until a rebuild)."""
        try:
            yield
        except BaseException as exc:
            if not self._is_read_error(exc):
                raise
            self._after_damage(exc)
            self._problem, self._ix = CORRUPT, None
            raise IndexNeedsRebuild(CORRUPT) from exc

    # -- writing ----------------------------------------------------------------------------

    def _writer(self, ix: E, *, rebuild: bool = False) -> W:
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while (writer := self._try_writer(ix, rebuild=rebuild)) is None:
            if time.monotonic() >= deadline:
                raise IndexLocked(
                    f"索引正被其他程序写入，等待 {self.lock_timeout:g} 秒后仍未释放，请稍后重试"
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
        return writer

    @contextmanager
    def _writing(self) -> Iterator[W]:
        """One commit: a writer for the block, committed when it ends, cancelled on error."""
        ix = self._require()
        with self._reading():
            writer = self._writer(ix)
        try:
            yield writer
        except BaseException:
            self._cancel(writer)
            self._release(writer)
            raise
        with self._reading():
            try:
                self._commit(writer)
            finally:
                self._release(writer)
            self._committed(ix)

    def rebuild(
        self,
        docs: Iterable[IndexDoc],
        progress: Callable[[int], None] | None = None,
        batch_size: int = 2000,
    ) -> int:
        """Rebuild into a new generation, committing every ``batch_size`` documents and noting
        the progress; an interrupted rebuild of the same backend, schema and analyzer resumes
        from the documents it committed. The new generation is switched to when complete."""
        state = layout.resumable_rebuild(
            self.root, self.backend, self.schema_version, self.analyzer
        )
        ix, seen = None, set[str]()
        if state is not None:
            ix = self._probe(self.root / state.generation)
            if ix is not None:
                seen = self._committed_ids(ix)
                gen = state.generation
        if ix is None:
            gen = layout.fresh_generation(self.root, layout.active_generation(self.root))
            ix = self._create(self.root / gen)
        done = len(seen)
        self._save_progress(gen, done)
        resumed = set(seen)
        writer, pending = self._writer(ix, rebuild=True), 0
        try:
            for doc in docs:
                if doc.doc_id in resumed:
                    continue  # committed before a crash
                replace = doc.doc_id in seen  # duplicate id in the source: last wins
                self._put(writer, doc, replace=replace)
                if not replace:
                    seen.add(doc.doc_id)
                    done += 1
                pending += 1
                if pending >= batch_size:
                    self._commit(writer)
                    self._save_progress(gen, done)
                    if progress:
                        progress(done)
                    if self.commit_closes_writer:
                        writer = self._writer(ix, rebuild=True)
                    pending = 0
            self._commit(writer)
        except BaseException:
            self._cancel(writer)
            raise
        finally:
            self._release(writer)
        if progress:
            progress(done)
        meta = layout.Meta(self.schema_version, self.analyzer, gen, self.backend)
        layout.switch_to(self.root, meta)
        self._open()
        return done

    def _save_progress(self, gen: str, done: int) -> None:
        state = layout.RebuildState(gen, self.schema_version, self.analyzer, done, self.backend)
        layout.write_rebuild(self.root, state)
