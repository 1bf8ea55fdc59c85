"""Sharing font programs between separately rendered papers (docgen.dossier.fonts)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from docgen.dossier.fonts import merge_subsets
from docgen.typeset.render import default_typesetter
from docgen.typeset.variants import get_variant


def _programs(pdf: Path) -> dict[str, bytes]:
    """BaseFont (without the subset tag) → embedded TrueType program."""
    out = {}
    for font in PdfReader(pdf).pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        out[str(font["/BaseFont"]).split("+", 1)[1]] = (
            descriptor["/FontFile2"].get_object().get_data()
        )
    return out


def _glyphs(program: bytes) -> dict[int, bytes]:
    """Glyph id → compiled glyph, for the glyphs the subset fills in."""
    font = TTFont(io.BytesIO(program))
    glyf = font["glyf"]
    return {gid: glyf[name].compile(glyf) for gid, name in enumerate(font.getGlyphOrder())
            if gid and glyf[name].numberOfContours != 0}  # fmt: skip


@pytest.fixture(scope="module")
def two_papers(tmp_path_factory) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("fonts")
    ts, variant = default_typesetter(), get_variant(None)
    first, second = tmp / "a.pdf", tmp / "b.pdf"
    ts.typeset_html('<p class="s-DocTitle">关于信访事项的函</p><p class="s-Body">区人力资源局：信访事项请依法办理。</p>',
                    variant, first)  # fmt: skip
    ts.typeset_html('<p class="s-DocTitle">处理意见书</p><p class="s-Body">经查，诉求部分属实，予以支持。</p>',
                    variant, second)  # fmt: skip
    return first, second


def test_subsets_of_one_font_merge_into_one_program_with_every_glyph(two_papers) -> None:  # type: ignore[no-untyped-def]
    first, second = (_programs(pdf) for pdf in two_papers)
    name = next(n for n in first if "regular" in n and n in second)
    merged = merge_subsets([first[name], second[name]])
    assert merged is not None
    glyphs = _glyphs(merged)
    for program in (first[name], second[name]):
        for gid, data in _glyphs(program).items():
            assert glyphs[gid] == data  # same glyph at the same id
    assert len(glyphs) > max(len(_glyphs(first[name])), len(_glyphs(second[name])))


def test_subsets_of_different_fonts_are_not_merged(two_papers) -> None:  # type: ignore[no-untyped-def]
    first = _programs(two_papers[0])
    regular = next(p for n, p in first.items() if "regular" in n)
    bold = next(p for n, p in first.items() if "bold" in n.lower() and "regular" not in n)
    # 信访事项 is in both: same glyph ids, different outlines
    assert merge_subsets([regular, bold]) is None
