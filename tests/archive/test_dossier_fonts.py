"""Sharing font programs between separately rendered papers (docgen.dossier.fonts)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter

from docgen.dossier.fonts import (
    merge_subsets,
    parse_to_unicode,
    parse_widths,
    share_font_programs,
    to_unicode_cmap,
    widths_array,
)
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


def test_papers_of_one_face_share_one_font_cmap_and_widths(two_papers) -> None:  # type: ignore[no-untyped-def]
    writer = PdfWriter()
    for pdf in two_papers:
        writer.append(str(pdf))
    texts = [page.extract_text() for page in writer.pages]
    assert share_font_programs(writer) >= 1
    first, second = (page["/Resources"]["/Font"] for page in writer.pages)
    shared = [
        name for name in first if name in second and "regular" in str(first[name]["/BaseFont"])
    ]
    assert shared
    for name in shared:
        assert first.raw_get(name).idnum == second.raw_get(name).idnum  # one font dictionary
    font = first[shared[0]].get_object()
    program = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]["/FontFile2"]
    tables = set(TTFont(io.BytesIO(program.get_object().get_data())).reader.tables)
    assert tables <= {"glyf", "loca", "head", "hhea", "hmtx", "maxp"}, tables
    assert [page.extract_text() for page in writer.pages] == texts  # text as issued


def test_to_unicode_cmaps_and_width_arrays_round_trip() -> None:
    mapping = {3: "A".encode("utf-16-be"), 4: "B".encode("utf-16-be"), 5: "C".encode("utf-16-be"),
               0x1FF: "信".encode("utf-16-be"), 0x200: "访".encode("utf-16-be"),
               0x300: "𠮷".encode("utf-16-be"), 0x301: "ﬁ".encode("utf-16-be")}  # fmt: skip
    cmap = to_unicode_cmap(mapping)
    assert b"<0003> <0005> <0041>" in cmap  # a run becomes a range
    assert parse_to_unicode(cmap) == mapping
    widths = {1: 500.0, 2: 1000.0, 3: 1000.0, 4: 1000.0, 5: 1000.0, 9: 250.5, 10: 1000.0}
    array = widths_array(widths)
    assert [int(v) if not isinstance(v, list) else "[]" for v in array[:5]] == [1, "[]", 2, 5, 1000]
    assert parse_widths(array) == widths
