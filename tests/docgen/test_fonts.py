"""Font roles, the report, and the prepared subsets."""

from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTFont

from docgen.fonts import (
    ROLES,
    ensure_fonts,
    font_dir,
    font_report,
    prepare_fonts,
    resolve_fonts,
    subset_repertoire,
)


def test_report_names_a_font_file_for_every_role() -> None:
    report = font_report()
    assert [row[0] for row in report] == list(ROLES)
    for _role, family, file, official in report:
        assert family and Path(file).exists() and isinstance(official, bool)


def test_prepare_is_idempotent_and_subsets_are_truetype() -> None:
    fonts = ensure_fonts()
    result = prepare_fonts()
    assert result.built == []
    body = TTFont(fonts["body"].prepared)
    assert "glyf" in body and "CFF " not in body and "GSUB" not in body and "vmtx" not in body
    cmap = body.getBestCmap()
    for ch in "信访〔〕—年月日０１ABC":
        assert ord(ch) in cmap
    assert 0x20BB7 not in cmap  # 𠮷 comes from the full font through the CSS fallback chain


def test_repertoire_covers_gb2312() -> None:
    points = set(subset_repertoire())
    assert len([p for p in points if 0x4E00 <= p <= 0x9FFF]) == 6763


def test_font_dir_follows_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DOCGEN_FONT_DIR", str(tmp_path))
    assert font_dir() == tmp_path
    assert all(font.prepared.parent == tmp_path for font in resolve_fonts().values())


def test_rare_characters_get_tiny_glyph_fonts_built_once(tmp_path: Path, monkeypatch) -> None:
    from docgen.rare_glyphs import glyph_css, rare_characters

    monkeypatch.setenv("DOCGEN_FONT_DIR", str(tmp_path))
    fonts = resolve_fonts()
    assert rare_characters("张𠮷、龘某某：abc—〔〕") == "龘𠮷"
    assert glyph_css(fonts, "关于信访事项的函〔2024〕") == ""
    css = glyph_css(fonts, "赵龘😀")  # no CJK font has 😀: it is left to the rest of the stack
    files = sorted((tmp_path / "rare").glob("*.ttf"))
    assert files and all(f.name.startswith("9f98-") and f.stat().st_size < 8_000 for f in files)
    for face in fonts.values():
        assert f"{face.rare_property}: " in css
    built = [f.stat().st_mtime_ns for f in files]
    glyph_css(fonts, "韩龘")
    assert [f.stat().st_mtime_ns for f in files] == built
