"""Chinese analysis: text → index terms (CJK bigrams with positions, jieba words) and query terms.

Two term streams are produced from the same folded text (see :mod:`index.normalize`):

* **grams** (field ``content``/``title``, with positions): every CJK run of n ≥ 2 characters
  becomes its n-1 overlapping character bigrams at consecutive positions; ASCII/other words are
  one token each. Two marker unigrams per run make single characters at a run edge findable:
  the run's last character (``"龘"``) sits at the position of the last bigram, and the run's first
  character plus :data:`START` sits at the position of the first bigram. A one-character run
  emits both at one position. Because a query string is cut the same way, an exact substring of
  the text is always a whoosh phrase of consecutive positions, including names with rare
  characters outside the BMP (𠮷). See :func:`query_grams`.
* **words** (field ``words``, frequencies only): jieba segmentation (rjieba, the Rust port, with
  a per-workspace domain dictionary) used to rank hits where the query is a real word above hits
  where it straddles two words (市长 in 南京市长江大桥).

Nothing here loads whoosh: the whoosh tokenizers over these streams are in
:mod:`index.whoosh_schema`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from operator import add

from docgen.index.normalize import fold
from docgen.jieba_dict import own_jieba

START = "\x01"
"""Suffix of the marker term for "this character starts a CJK run"."""

CJK_CHARS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
TOKEN_RE = re.compile(rf"(?P<cjk>[{CJK_CHARS}]+)|(?P<word>[^\W_{CJK_CHARS}]+)")
CJK_RE = re.compile(rf"[{CJK_CHARS}]")

ANALYZER_NAME = "cjk-bigram-edge/1+rjieba/1"
"""Recorded beside the index; a change of analysis rules must change this name."""


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


def gram_positions(text: str) -> dict[str, list[int]]:
    """Index-side grams of ``text``: term → sorted positions."""
    poses: dict[str, list[int]] = {}
    pos = 0
    for m in TOKEN_RE.finditer(fold(text)):
        run = m.group()
        if m.lastgroup == "cjk":
            n = len(run)
            if n == 1:
                poses.setdefault(run, []).append(pos)
                poses.setdefault(run + START, []).append(pos)
                pos += 1
                continue
            for i in range(n - 1):
                poses.setdefault(run[i : i + 2], []).append(pos + i)
            poses.setdefault(run[0] + START, []).append(pos)
            poses.setdefault(run[-1], []).append(pos + n - 2)
            pos += n - 1
        else:
            poses.setdefault(run, []).append(pos)
            pos += 1
    return poses


def gram_tokens(text: str) -> Iterator[tuple[str, int, int, int]]:
    """Index-side grams as ``(term, position, startchar, endchar)`` in text order."""
    pos = 0
    for m in TOKEN_RE.finditer(fold(text)):
        run, start = m.group(), m.start()
        if m.lastgroup != "cjk":
            yield run, pos, start, m.end()
            pos += 1
            continue
        n = len(run)
        yield run[0] + START, pos, start, start + 1
        if n == 1:
            yield run, pos, start, start + 1
            pos += 1
            continue
        for i in range(n - 1):
            yield run[i : i + 2], pos + i, start + i, start + i + 2
        yield run[-1], pos + n - 2, start + n - 1, start + n
        pos += n - 1


def gram_terms(folded: str) -> tuple[list[str], list[int]]:
    """:func:`gram_tokens`' terms and positions, same order, of text already folded, without
    character offsets (tantivy keeps positions only): a CJK run's bigrams are cut by one C-level
    ``map``, not a Python step per term, as the index takes some 180 terms per ledger record."""
    terms: list[str] = []
    poses: list[int] = []
    pos = 0
    for cjk, word in TOKEN_RE.findall(folded):  # one of the two is empty
        if word:
            terms.append(word)
            poses.append(pos)
            pos += 1
        elif len(cjk) == 1:
            terms += (cjk + START, cjk)
            poses += (pos, pos)
            pos += 1
        else:
            end = pos + len(cjk) - 1  # the position after the run's last bigram
            terms.append(cjk[0] + START)
            terms += map(add, cjk, cjk[1:])
            terms.append(cjk[-1])
            poses.append(pos)
            poses += range(pos, end)
            poses.append(end - 1)
            pos = end
    return terms, poses


class SingleChar(str):
    """Query grams for a lone CJK character: match it anywhere (prefix of its bigrams)."""


def query_grams(text: str) -> list[str] | SingleChar:
    """Query-side grams of ``text``: consecutive-position terms whose phrase = exact substring.

    Returns a :class:`SingleChar` when ``text`` is one CJK character and nothing else, since
    that needs a prefix query (the character may start any bigram) rather than a phrase.
    """
    runs = [(m.group(), m.lastgroup == "cjk") for m in TOKEN_RE.finditer(fold(text))]
    if len(runs) == 1 and runs[0][1] and len(runs[0][0]) == 1:
        return SingleChar(runs[0][0])
    grams: list[str] = []
    last = len(runs) - 1
    for idx, (run, is_cjk) in enumerate(runs):
        if not is_cjk:
            grams.append(run)
        elif len(run) >= 2:
            grams.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif idx == last:
            grams.append(run + START)  # the text may continue after it in the same run
        else:
            grams.append(run)  # a run in the text must end here
    return grams


class Segmenter:
    """jieba word segmentation (rjieba) with optional domain dictionary words."""

    def __init__(self, dictionary_words: Iterable[str] = ()) -> None:
        self._jieba = own_jieba()
        self.dictionary_words = tuple(sorted({w.strip() for w in dictionary_words if w.strip()}))
        for word in self.dictionary_words:
            self._jieba.add_word(word, None, None)

    def words(self, text: str) -> list[str]:
        """Words of ``text`` (folded), punctuation and spaces dropped."""
        return self.folded_words(fold(text))

    def folded_words(self, folded: str) -> list[str]:
        """:meth:`words` of text already folded (:func:`index.normalize.fold`)."""
        return list(filter(TOKEN_RE.match, self._jieba.cut(folded, False)))

    def word_counts(self, text: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for w in self.words(text):
            counts[w] = counts.get(w, 0) + 1
        return counts


@lru_cache(maxsize=8)
def _segmenter(words: tuple[str, ...]) -> Segmenter:
    return Segmenter(words)


def get_segmenter(dictionary_words: Iterable[str] = ()) -> Segmenter:
    """A shared :class:`Segmenter` per distinct dictionary (loading one costs ~0.1 s)."""
    return _segmenter(tuple(sorted({w.strip() for w in dictionary_words if w.strip()})))


def __getattr__(name: str) -> object:
    """The whoosh tokenizers under the names an existing whoosh index recorded (its pickled
    schema names ``docgen.index.analysis.GramTokenizer``): loaded only when asked for."""
    if name in ("GramTokenizer", "WordTokenizer"):
        from docgen.index import whoosh_schema

        return getattr(whoosh_schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
