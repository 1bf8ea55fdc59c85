"""Characters + a CJK font file → glyph outlines as PDF path operators (no font embedded).

The seal must not depend on a font at viewing time, so each character is written as its outline
(``m``/``l``/``c``/``h`` operators in font units); the caller positions it with a ``cm`` matrix.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTCollection, TTFont

from docgen.seal.errors import DependencyError, SealError
from docgen.seal.geometry import num

# Song-class (宋体) fonts first: the 1999 State Council rule asks for 宋体 lettering on seals.
DEFAULT_FONTS: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
)


@dataclass(frozen=True)
class Glyph:
    """One character's outline in font units, with its em box."""

    char: str
    path: str  # PDF path operators, font units, not yet filled
    advance: float  # horizontal advance, font units
    em_bottom: float  # ideographic em box, font units (e.g. -120 … 880 in Noto CJK)
    em_top: float


class _PdfPathPen(BasePen):
    """A fontTools pen that writes PDF path operators; quadratic curves become cubics."""

    def __init__(self, glyph_set: object) -> None:
        super().__init__(glyph_set)
        self.ops: list[str] = []

    def _moveTo(self, pt: tuple[float, float]) -> None:
        self.ops.append(f"{num(pt[0])} {num(pt[1])} m")

    def _lineTo(self, pt: tuple[float, float]) -> None:
        self.ops.append(f"{num(pt[0])} {num(pt[1])} l")

    def _curveToOne(self, p1: tuple, p2: tuple, p3: tuple) -> None:
        coords = " ".join(num(v) for p in (p1, p2, p3) for v in p)
        self.ops.append(f"{coords} c")

    def _qCurveToOne(self, p1: tuple, p2: tuple) -> None:
        p0 = self._getCurrentPoint()
        c1 = (p0[0] + 2 / 3 * (p1[0] - p0[0]), p0[1] + 2 / 3 * (p1[1] - p0[1]))
        c2 = (p2[0] + 2 / 3 * (p1[0] - p2[0]), p2[1] + 2 / 3 * (p1[1] - p2[1]))
        self._curveToOne(c1, c2, p2)

    def _closePath(self) -> None:
        self.ops.append("h")

    def _endPath(self) -> None:
        self.ops.append("h")


class OutlineFont:
    """A font opened for outline extraction (one face of a .ttc, or a .ttf/.otf)."""

    def __init__(self, path: Path, family: str | None = None) -> None:
        self.path = path
        try:
            # Read into memory: the font stays cached for the process and holds no open file.
            data = io.BytesIO(path.read_bytes())
            if path.suffix.lower() in (".ttc", ".otc"):
                faces = TTCollection(data, lazy=True).fonts
            else:
                faces = [TTFont(data, lazy=True)]
        except Exception as exc:  # fontTools raises many types for a bad file
            raise SealError(f"无法读取印章字体文件 {path}：{exc}", code="seal_font") from exc
        self.font = _pick_face(faces, family, path)
        self.cmap = self.font.getBestCmap() or {}
        self.glyph_set = self.font.getGlyphSet()
        os2 = self.font.get("OS/2", None)
        upem = self.font["head"].unitsPerEm
        if os2 is not None and os2.sTypoAscender - os2.sTypoDescender > 0:
            self.em_top, self.em_bottom = float(os2.sTypoAscender), float(os2.sTypoDescender)
        else:
            self.em_top, self.em_bottom = 0.88 * upem, -0.12 * upem
        self.name = self.font["name"].getDebugName(4) or path.name

    def glyph(self, char: str) -> Glyph:
        name = self.cmap.get(ord(char))
        if name is None:
            raise SealError(
                f"印章字体“{self.name}”缺少字符“{char}”，请换用包含该字的宋体字体",
                code="seal_font",
            )
        pen = _PdfPathPen(self.glyph_set)
        self.glyph_set[name].draw(pen)
        return Glyph(
            char=char,
            path="\n".join(pen.ops),
            advance=float(self.glyph_set[name].width),
            em_bottom=self.em_bottom,
            em_top=self.em_top,
        )


def _pick_face(faces: list[TTFont], family: str | None, path: Path) -> TTFont:
    if family is None:
        return faces[0]
    for face in faces:
        names = {face["name"].getDebugName(i) or "" for i in (1, 4, 16)}
        if any(family.lower() in n.lower() for n in names):
            return face
    raise SealError(f"字体文件 {path} 中没有名为“{family}”的字体", code="seal_font")


@functools.lru_cache(maxsize=2)
def open_font(path: str | None = None, family: str | None = None) -> OutlineFont:
    """Open ``path`` (or the first installed default Song-class CJK font) for outlines."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise SealError(f"找不到印章字体文件：{p}", code="seal_font")
        return OutlineFont(p, family)
    for candidate, default_family in DEFAULT_FONTS:
        if Path(candidate).is_file():
            return OutlineFont(Path(candidate), default_family)
    raise DependencyError(
        "没有找到可用于印章的中文字体（需要 fonts-noto-cjk 或指定宋体字体文件）",
        code="seal_font_missing",
    )
