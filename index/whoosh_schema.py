"""The whoosh side of the schema (:mod:`index.schema`): tokenizers over the term streams of
:mod:`index.analysis` and the fields built on them. Only the whoosh backend loads this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import pairwise
from typing import Any

from whoosh import fields
from whoosh.analysis import Token, Tokenizer
from whoosh.compat import dumps
from whoosh.system import pack_uint

from docgen.index.analysis import Segmenter, get_segmenter, gram_positions, gram_tokens
from docgen.index.model import DATE_FIELDS


class GramTokenizer(Tokenizer):
    """whoosh tokenizer over :func:`gram_tokens` (used by whoosh tools; indexing is faster)."""

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        spans = ((term, start_pos + pos, start_char + a, start_char + b)
                 for term, pos, a, b in gram_tokens(value))  # fmt: skip
        return _filled(t, spans, keeporiginal, positions, chars)


class WordTokenizer(Tokenizer):
    """whoosh tokenizer yielding jieba words; the segmenter is rebuilt after unpickling."""

    def __init__(self, dictionary_words: Iterable[str] = ()) -> None:
        self.dictionary_words = tuple(dictionary_words)

    @property
    def segmenter(self) -> Segmenter:
        return get_segmenter(self.dictionary_words)

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        words = ((word, start_pos + i, 0, 0) for i, word in enumerate(self.segmenter.words(value)))
        return _filled(t, words, keeporiginal, positions, chars=False)


def _filled(t: Token, spans: Iterable[tuple[str, int, int, int]], keeporiginal: bool,
            positions: bool, chars: bool) -> Iterator[Token]:  # fmt: skip
    """whoosh's reused Token filled in turn with each (text, position, start char, end char)."""
    for text, pos, startchar, endchar in spans:
        t.text = text
        t.boost = 1.0
        t.stopped = False
        if keeporiginal:
            t.original = text
        if positions:
            t.pos = pos
        if chars:
            t.startchar, t.endchar = startchar, endchar
        yield t


class GramField(fields.TEXT):
    """TEXT field indexed with :func:`index.analysis.gram_positions` (fast path, no Token objects)."""

    def __init__(self, stored: bool = False) -> None:
        super().__init__(analyzer=GramTokenizer(), phrase=True, stored=stored)

    def index(self, value: Any, **kwargs: Any) -> Any:
        # Same bytes as whoosh.formats.Positions.encode, without a call per term.
        return [
            (
                term.encode("utf-8"),
                len(poslist),
                float(len(poslist)),
                _one_position(poslist[0]) if len(poslist) == 1 else _positions(poslist),
            )
            for term, poslist in gram_positions(value).items()
        ]


@lru_cache(maxsize=65536)
def _one_position(pos: int) -> bytes:
    return pack_uint(1) + dumps([pos], 2)


def _positions(poslist: list[int]) -> bytes:
    deltas = [poslist[0]] + [b - a for a, b in pairwise(poslist)]
    return pack_uint(len(deltas)) + dumps(deltas, 2)


class WordsField(fields.TEXT):
    """TEXT field of jieba words without positions; the segmenter is attached at runtime."""

    def __init__(self, segmenter: Segmenter) -> None:
        super().__init__(analyzer=WordTokenizer(segmenter.dictionary_words), phrase=False)
        self.segmenter = segmenter

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("segmenter", None)  # rjieba objects cannot be pickled into the TOC
        return state

    def index(self, value: Any, **kwargs: Any) -> Any:
        for word, n in self.segmenter.word_counts(value).items():
            yield word.encode("utf-8"), n, float(n), pack_uint(n)


def _keyword(stored: bool = False) -> fields.KEYWORD:
    return fields.KEYWORD(stored=stored, lowercase=False, commas=True, scorable=False)


def build_schema(segmenter: Segmenter) -> fields.Schema:
    return fields.Schema(
        doc_id=fields.ID(stored=True, unique=True),
        content=GramField(),
        words=WordsField(segmenter),
        title=GramField(stored=True),
        ids=_keyword(),
        case_no=fields.ID(stored=True),
        kind=fields.ID(stored=True),
        section=fields.ID(stored=True),
        category=fields.ID(stored=True),
        unit=fields.ID(stored=True),
        leader=fields.ID(stored=True),
        status=fields.ID(stored=True),
        flags=_keyword(),
        persons=_keyword(),
        date=fields.NUMERIC(int, bits=32, signed=False, stored=True),
        **{name: fields.NUMERIC(int, bits=32, signed=False) for name in DATE_FIELDS},
        text=fields.STORED(),
        path=fields.STORED(),
        has_text=fields.STORED(),
        ocr=fields.STORED(),
    )
