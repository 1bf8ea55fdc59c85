"""Characters the prepared subsets lack (𠮷, 龘, rare characters in names) → tiny TrueType fonts.

The prepared subsets hold the GB2312 repertoire. A character outside it used to fall through to
the full system font, and WeasyPrint then embedded that CFF font keeping every glyph id up to the
character's: ~90 KB more per paper for one 龘 in a name. Instead, before a page is rendered, the
characters it needs beyond the subsets are cut from the full fonts into tiny TrueType fonts (one
per character and source font, ~1–3 KB, cached in the font folder, each built once in ~0.3 s),
and ``glyph_css`` gives the render a few lines of CSS: their @font-face rules and, per face, the
custom property ``docgen.fonts.css_font_stack`` leaves for them.

One family per file: WeasyPrint tells fonts apart by family, so two files under one family name
would draw one character with the other's glyph (seen: 𠮷 printed as 龘).
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docgen import atomic
from docgen.errors import ValidationError
from docgen.fonts import (
    RARE_CHAR_SOURCES,
    SUBSET_VERSION,
    FontSource,
    ResolvedFont,
    cut_truetype,
    font_dir,
    subset_repertoire,
)
from docgen.locks import exclusive

RARE_DIR = "rare"


@lru_cache(maxsize=1)
def _subset_points() -> frozenset[int]:
    return frozenset(subset_repertoire())


def rare_characters(text: str) -> str:
    """The distinct printable characters of ``text`` outside the prepared subsets, sorted."""
    points = _subset_points()
    return "".join(
        sorted({ch for ch in text if ord(ch) > 0x7F and ord(ch) not in points and ch.isprintable()})
    )


def _source_key(source: FontSource) -> str:
    stat = source.file.stat()
    key = f"{source.file}|{source.index}|{stat.st_size}|{stat.st_mtime_ns}|{SUBSET_VERSION}"
    return hashlib.sha256(key.encode()).hexdigest()[:8]


@lru_cache(maxsize=8)
def _code_points(source: FontSource) -> array[int]:
    """The sorted code points ``source`` maps, cached on disk (fontTools takes ~0.3 s per font
    to decode a CJK cmap; the cached array loads in a millisecond)."""
    cached = font_dir() / RARE_DIR / f"cmap-{_source_key(source)}.u32"
    points: array[int] = array("I")
    try:
        points.frombytes(cached.read_bytes())
        return points
    except OSError:
        pass
    from fontTools.ttLib import TTFont

    with TTFont(source.file, fontNumber=source.index, lazy=True) as font:
        points.extend(sorted(font.getBestCmap()))
    atomic.write_bytes(cached, points.tobytes())
    return points


def _has(source: FontSource, char: str) -> bool:
    points = _code_points(source)
    i = bisect_left(points, ord(char))
    return i < len(points) and points[i] == ord(char)


@dataclass(frozen=True)
class GlyphFont:
    """A tiny TrueType font holding one character cut from ``source``."""

    source: FontSource
    char: str
    path: Path

    @property
    def family(self) -> str:
        return f"docgen-rare-{self.path.stem}"


def _glyph_font(source: FontSource, char: str, directory: Path) -> GlyphFont:
    name = f"{ord(char):x}-{_source_key(source)}.ttf"
    return GlyphFont(source, char, directory / RARE_DIR / name)


def glyph_fonts(fonts: dict[str, ResolvedFont], chars: str) -> dict[ResolvedFont, list[GlyphFont]]:
    """Per face, the glyph fonts serving ``chars`` (the face's own font first, then the full
    fonts with most characters; a character no font has is left out), built once if missing."""
    directory = font_dir()
    plan: dict[ResolvedFont, list[GlyphFont]] = {}
    for face in {font.css_family: font for font in fonts.values()}.values():
        sources = [face.source, *(s for s in RARE_CHAR_SOURCES if s.file.exists())]
        for ch in chars:
            source = next((s for s in sources if _has(s, ch)), None)
            if source is not None:
                plan.setdefault(face, []).append(_glyph_font(source, ch, directory))
    missing = {g.path: g for glyphs in plan.values() for g in glyphs if not g.path.exists()}
    if missing:
        (directory / RARE_DIR).mkdir(parents=True, exist_ok=True)
        with exclusive(directory / ".lock"):
            for glyph in missing.values():
                if not glyph.path.exists():
                    cut_truetype(glyph.source, [ord(glyph.char)], glyph.path)
    return plan


def missing_glyphs(fonts: dict[str, ResolvedFont], chars: str) -> str:
    """The characters of ``chars`` that no configured font can draw (emoji, unassigned code
    points): they would print as empty boxes."""
    sources = [
        *{f.source for f in fonts.values()},
        *(s for s in RARE_CHAR_SOURCES if s.file.exists()),
    ]
    return "".join(ch for ch in chars if not any(_has(s, ch) for s in sources))


def refuse_missing_glyphs(fonts: dict[str, ResolvedFont], text: str, what: str = "文书") -> None:
    """Raise a Chinese ValidationError naming the characters of ``text`` no font has."""
    missing = missing_glyphs(fonts, rare_characters(text))
    if missing:
        shown = "、".join(f"“{ch}”（U+{ord(ch):04X}）" for ch in missing[:10])
        raise ValidationError(
            f"{what}中有 {len(missing)} 个字符在已配置的字体中都没有字形，打印出来会是空白方框：{shown}。"
            "请删除这些字符（如表情符号）或改用文字描述后重试（docgen fonts 可查看字体）",
            code="missing_glyph",
        )


def glyph_css(fonts: dict[str, ResolvedFont], text: str) -> str:
    """CSS that gives every face the glyphs ``text`` needs beyond the subsets ("" if none)."""
    chars = rare_characters(text)
    if not chars:
        return ""
    plan = glyph_fonts(fonts, chars)
    files = {g.path: g for glyphs in plan.values() for g in glyphs}
    rules = [f'@font-face {{ font-family: "{g.family}"; src: url("{g.path.as_uri()}"); }}'
             for g in files.values()]  # fmt: skip
    props = []
    for face, glyphs in plan.items():
        stack = [*(f'"{g.family}"' for g in glyphs), f'"{face.source.family}"']
        props.append(f"{face.rare_property}: {', '.join(stack)};")
    return "\n".join([*rules, f":root {{ {' '.join(props)} }}"])
