"""``--set`` values: a length cap per field kind, stated in ``paper types --json`` (issue 19,
item 12), and characters no configured font has refused before a paper is printed (item 11)."""

from __future__ import annotations

import json

import pytest

from docgen.errors import ValidationError
from docgen.fonts import ensure_fonts
from docgen.papers.context import clerk_values
from docgen.papers.registry import MAX_CHARS, PAPER_TYPES
from docgen.rare_glyphs import missing_glyphs, refuse_missing_glyphs
from tests.conftest import Cli


def test_paper_types_state_every_fields_cap() -> None:
    rows = json.loads(Cli()("paper", "types", "--json").output)
    letter = next(r for r in rows if r["类型"] == "交办函")
    assert letter["字段长度上限"]["联系人"] == MAX_CHARS["short"] == 64
    for row in rows:
        assert set(row["字段长度上限"]) == {*row["必填字段"], *row["可选字段"]}
        assert set(row["字段长度上限"].values()) <= set(MAX_CHARS.values())
    assert max(MAX_CHARS.values()) == 20_000  # the ledger's long-text cap


def test_values_over_the_cap_are_refused_naming_the_field() -> None:
    paper = PAPER_TYPES["交办函"]
    assert clerk_values(paper, {"联系人": "张" * 64})["contact"] == "张" * 64
    with pytest.raises(ValidationError, match="“联系人”40000 字（最多 64 字）"):
        clerk_values(paper, {"联系人": "张" * 40_000})


def test_characters_no_font_has_are_refused() -> None:
    fonts = ensure_fonts()
    assert missing_glyphs(fonts, "😀𠮷龘") == "😀"
    with pytest.raises(ValidationError, match="U\\+1F600"):
        refuse_missing_glyphs(fonts, "信访人张三😀")
    refuse_missing_glyphs(fonts, "信访人𠮷祥")  # rare but present in the CJK fonts
