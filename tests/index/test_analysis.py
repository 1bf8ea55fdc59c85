"""Analysis: bigram positions make every substring a phrase; segmentation uses the dictionary."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from docgen.index.analysis import (
    START,
    SingleChar,
    get_segmenter,
    gram_positions,
    gram_terms,
    gram_tokens,
    query_grams,
)
from docgen.index.normalize import fold


def _phrase_at(poses: dict[str, list[int]], grams: list[str]) -> bool:
    starts = set(poses.get(grams[0], []))
    for k, gram in enumerate(grams[1:], 1):
        starts &= {p - k for p in poses.get(gram, [])}
    return bool(starts)


TEXT = "王𠮷（身份证号110105199001011234）反映朝阳区住建委拖欠工资，依据朝信转〔2024〕12号文件，龘某到场。"


def _splits_latin(i: int, j: int) -> bool:
    """Latin/digit words match whole (or by prefix as a lone term), not from their middle."""

    def inside(k: int) -> bool:
        return 0 < k < len(TEXT) and TEXT[k - 1].isascii() and TEXT[k].isascii()

    return inside(i) or inside(j)


def test_every_substring_is_a_phrase_of_consecutive_positions() -> None:
    poses = gram_positions(TEXT)
    rng = random.Random(3)
    for _ in range(400):
        i = rng.randrange(len(TEXT))
        j = rng.randrange(i + 1, len(TEXT) + 1)
        if _splits_latin(i, j):
            continue
        grams = query_grams(TEXT[i:j])
        if isinstance(grams, SingleChar):
            assert any(t.startswith(grams) for t in poses)
        elif grams:
            assert _phrase_at(poses, grams), TEXT[i:j]


@pytest.mark.parametrize("absent", ["拖欠住建委", "工资拖欠", "12号文件龘", "王𠮷反", "2024〕13号"])
def test_non_substrings_do_not_match(absent: str) -> None:
    grams = query_grams(absent)
    assert not isinstance(grams, SingleChar)
    assert not _phrase_at(gram_positions(TEXT), grams)


def test_run_edge_markers() -> None:
    poses = gram_positions("12号文")
    assert "号" + START in poses and "文" in poses and "号文" in poses
    assert query_grams("12号") == ["12", "号" + START]
    assert query_grams("号2024") == ["号", "2024"]
    assert query_grams("𠮷") == SingleChar("𠮷")


def test_tokenizer_agrees_with_fast_path() -> None:
    fast = gram_positions(TEXT)
    slow: dict[str, list[int]] = {}
    for term, pos, start, end in gram_tokens(TEXT):
        slow.setdefault(term, []).append(pos)
        if not term.endswith(START):
            assert TEXT[start:end].lower() == term
    assert {k: sorted(v) for k, v in slow.items()} == fast


def test_bulk_terms_agree_with_the_tokens() -> None:
    """gram_terms (tantivy's fast path) gives gram_tokens' terms and positions, in order."""
    rng = random.Random(7)
    alphabet = "南京市长江大桥龘𠮷〇 ，。、（）abcXYZ１２ＡＢ12_-é日本かな\u3000\n"
    texts = [TEXT, "", "江", "江 河", "12号文"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    for text in texts:
        terms, positions = gram_terms(fold(text))
        assert list(zip(terms, positions, strict=True)) == [
            (t, p) for t, p, _, _ in gram_tokens(text)
        ]


def _fold_char(c: str) -> str:
    """The folding rule, one character at a time."""
    if "\uff01" <= c <= "\uff5e":
        c = chr(ord(c) - 0xFEE0)
    elif c == "\u3000":
        c = " "
    return c.lower() if "A" <= c <= "Z" else c


def test_fold_follows_its_rule_everywhere() -> None:
    """fold's fast paths (ASCII, runs of folded characters) agree with the rule on every code
    point, alone and among others."""
    every = "".join(map(chr, range(0x110000)))
    assert fold(every) == "".join(map(_fold_char, every))
    rng = random.Random(11)
    alphabet = [chr(c) for c in (*range(0x20, 0x80), *range(0xFF00, 0xFF70), 0x3000, 0x4E2D)]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert fold(text) == "".join(map(_fold_char, text))


def test_dictionary_words_change_segmentation() -> None:
    plain = get_segmenter().words("朝阳区住建委协调处理")
    custom = get_segmenter(["朝阳区住建委"]).words("朝阳区住建委协调处理")
    assert "朝阳区住建委" not in plain
    assert custom[0] == "朝阳区住建委"


def test_search_and_title_breaks_each_have_their_own_jieba() -> None:
    """The first instance asked for is the one rjieba built at import (no second dictionary
    load); the words a workspace adds to search's never reach title breaking's."""
    code = (
        "import rjieba\n"
        "from docgen.index.analysis import Segmenter\n"
        "from docgen.papers import title_breaks\n"
        "search = Segmenter(['信访事项'])\n"
        "print(search._jieba is rjieba.cut.__self__)\n"
        "print(title_breaks._jieba() is not search._jieba)\n"
        "print('|'.join(search.words('信访事项办理')))\n"
        "print('|'.join(title_breaks._jieba().cut('信访事项办理')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True", "信访事项|办理", "信访|事项|办理"]
