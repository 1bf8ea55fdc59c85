"""Long paper titles broken the way GB/T 9704 7.3.1 asks: whole words, lines of similar length.

Word and WeasyPrint fill a line and carry the rest over, so a 21-character title ends with one
character alone on its second line ("…信访事项的" / "函"). The standard wants 回行 that keeps words
whole and lines balanced (梯形 or 菱形). After a paper is filled, ``balance_titles`` puts explicit
line breaks into each 标题 paragraph that needs more than one line, so the .docx and the PDF break
at the same places. Breaks fall between words (rjieba), never inside a value filled into the
title (a name such as 冯𠮷祥, a unit) or a term of the trade (``TERMS``), never before closing
or after opening punctuation.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Iterable
from itertools import pairwise
from typing import TYPE_CHECKING

from docgen.docx_xml import p_element, r_element
from docgen.typeset.variants import TEXT_WIDTH_MM, TITLE_PT

if TYPE_CHECKING:
    import rjieba

TITLE_STYLE = "DocTitle"
NO_LINE_START = frozenset("、，。：；？！）〕》」』”’…—%·")
NO_LINE_END = frozenset("（〔《「『“‘")
#: Terms of the trade that rjieba cuts in two (信访|事项) but a title line must keep whole.
TERMS = ("信访事项", "信访人", "领导包案", "包案会商", "会议纪要", "办理情况", "处理意见", "复查意见",
         "复核意见", "息诉罢访", "稳控方案", "查办报告", "送达回证", "回访记录")  # fmt: skip


def title_capacity() -> int:
    """Full-width characters per title line (22 pt in the 156 mm text block: 20)."""
    return math.floor(TEXT_WIDTH_MM / (TITLE_PT * 25.4 / 72) + 1e-6)


#: Width of a half-width character (digits, Latin) in em. The title faces set digits wider than
#: half an em (Noto Serif CJK Bold: 0.55–0.6), so 0.5 let “关于2024年11月…的报告” overflow its
#: line by one character, which then stood alone on the next.
NARROW_EM = 0.6


def _width(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else NARROW_EM for ch in text)


@functools.cache
def _jieba() -> rjieba.Jieba:
    """This module's own jieba instance: the default dictionary only (search adds words to its
    own), loaded when a title first needs breaking."""
    from docgen.jieba_dict import own_jieba

    return own_jieba()


def _breakable(text: str, keep: Iterable[str]) -> list[int]:
    """Offsets where a line may end: word boundaries outside kept values and punctuation rules."""
    bounds, offset = set(), 0
    for word in _jieba().cut(text):
        offset += len(word)
        bounds.add(offset)
    for value in (*keep, *TERMS):
        if not value:
            continue
        start = text.find(value)
        while start >= 0:
            bounds -= set(range(start + 1, start + len(value)))
            start = text.find(value, start + 1)
    return sorted(
        b for b in bounds
        if 0 < b < len(text) and text[b] not in NO_LINE_START and text[b - 1] not in NO_LINE_END
    )  # fmt: skip


def break_title(text: str, keep: Iterable[str] = (), capacity: float | None = None) -> list[str]:
    """``text`` as title lines: as few as fit, as even as the allowed breaks make them."""
    capacity = capacity or title_capacity()
    total = _width(text)
    if total <= capacity or "\n" in text:
        return [text]
    keep = list(keep)
    for candidates in (_breakable(text, keep), list(range(1, len(text)))):
        cuts = [0, *candidates, len(text)]
        for lines in range(math.ceil(total / capacity), len(cuts)):
            best = _balanced(text, cuts, lines, capacity, total / lines)
            if best is not None:
                return [text[a:b] for a, b in pairwise(best)]
    return [text]


def _balanced(text: str, cuts: list[int], lines: int, capacity: float,
              target: float) -> list[int] | None:  # fmt: skip
    """Cut offsets (from ``cuts``) giving ``lines`` lines within ``capacity`` closest to
    ``target`` width each (least squares), or None. Small dynamic programme over the cuts."""
    n = len(cuts)
    # best[k][j]: (cost, previous index) of k lines ending at cuts[j]
    best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
    for _k in range(lines):
        row: dict[int, tuple[float, int]] = {}
        for i, (cost, _prev) in best[-1].items():
            for j in range(i + 1, n):
                width = _width(text[cuts[i] : cuts[j]])
                if width > capacity:
                    break
                total = cost + (width - target) ** 2
                if j not in row or total < row[j][0]:
                    row[j] = (total, i)
        best.append(row)
    if n - 1 not in best[-1]:
        return None
    path, j = [], n - 1
    for k in range(lines, 0, -1):
        path.append(cuts[j])
        j = best[k][j][1]
    return [0, *reversed(path)]


def balance_titles(document, keep: Iterable[str] = ()) -> None:  # type: ignore[no-untyped-def]
    """Break every multi-line 标题 paragraph of a python-docx ``document`` (see module doc).

    A title the template author already broke by hand (it holds a line break) is left alone."""
    from docx.oxml.ns import qn

    keep = list(keep)
    for paragraph in document.paragraphs:
        if paragraph.style is None or paragraph.style.name != TITLE_STYLE or not paragraph.runs:
            continue
        if p_element(paragraph).find(f".//{qn('w:br')}") is not None:
            continue
        lines = break_title(paragraph.text, keep)
        if len(lines) < 2:
            continue
        first, *rest = paragraph.runs
        for run in rest:
            r_element(run).getparent().remove(r_element(run))
        first.text = lines[0]
        for line in lines[1:]:
            first.add_break()
            first.add_text(line)
