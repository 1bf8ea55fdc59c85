"""Seal settings → the office's round red seal as a one-page vector PDF (+ a PNG preview).

Also: a scanned seal PNG with transparency → the same kind of one-page PDF, so stamping and
signing treat drawn and scanned seals alike. The PDF page is exactly the seal's bounding box
(diameter × diameter); every glyph is an outline, so no font is embedded.
"""

from __future__ import annotations

import io
import math
import random
import shutil
import subprocess
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from docgen.atomic import write_bytes as atomic_write
from docgen.seal.errors import DependencyError, SealError
from docgen.seal.geometry import (
    Matrix,
    circle_path,
    cm,
    mm,
    multiply,
    num,
    polygon_path,
    rotation,
    star_points,
    to_mm,
    wobbly_circle,
)
from docgen.seal.glyphs import Glyph, OutlineFont, open_font

MAX_DIAMETER_MM = 45.0
MIN_DIAMETER_MM = 20.0
MAX_NAME_CHARS = 22
MAX_LOWER_CHARS = 8
DEFAULT_RED = "#E60012"

# Layout of the drawn seal, as fractions of the diameter D (tuned by eye on 42 mm renders).
_NAME_EM = 0.165  # em height of the arc characters
_NAME_GAP = 0.022  # gap between rim and the top of the arc characters
_MAX_SPAN_DEG = 240.0  # the arc text never reaches further round than this
_MIN_X_SCALE = 0.62  # narrowest character (width / height) before the height shrinks instead
_MIN_NAME_EM = 0.12
_STAR_R = 0.17  # outer radius of the star
_LOWER_EM = 0.105  # em height of the horizontal lower text
_LOWER_Y = -0.25  # centre of the lower text, below the seal centre
_LOWER_MAX_W = 0.52  # widest the lower text may be


@dataclass(frozen=True)
class SealSpec:
    """What the drawn seal says and how big it is."""

    org_name: str
    lower_text: str = ""
    diameter_mm: float = 42.0
    rim_mm: float = 1.1
    color: str = DEFAULT_RED
    ink_texture: bool = False
    seed: int = 0
    font_path: str | None = None
    font_family: str | None = None


@dataclass(frozen=True)
class Seal:
    """A seal ready for stamping and signing: a one-page PDF whose page is the seal's box."""

    pdf_path: Path
    png_path: Path | None
    width_mm: float
    height_mm: float
    source: Literal["drawn", "scan"] = "drawn"
    notes: tuple[str, ...] = field(default=())


def validate_spec(spec: SealSpec) -> None:
    """Refuse settings that would give an unlawful or unreadable seal."""
    name = spec.org_name.strip()
    if not name:
        raise SealError("印章单位名称不能为空", code="seal_spec")
    if len(name) > MAX_NAME_CHARS:
        raise SealError(
            f"印章单位名称过长（{len(name)} 字，最多 {MAX_NAME_CHARS} 字）", code="seal_spec"
        )
    if len(spec.lower_text.strip()) > MAX_LOWER_CHARS:
        raise SealError(f"印章下方文字最多 {MAX_LOWER_CHARS} 字", code="seal_spec")
    if spec.diameter_mm > MAX_DIAMETER_MM:
        raise SealError(
            f"印章直径 {spec.diameter_mm:g} 毫米超过上限 {MAX_DIAMETER_MM:g} 毫米"
            "（国发〔1999〕25号：市辖区及以下机关印章直径不超过 4.5 厘米）",
            code="seal_too_large",
        )
    if spec.diameter_mm < MIN_DIAMETER_MM:
        raise SealError(
            f"印章直径 {spec.diameter_mm:g} 毫米过小（至少 {MIN_DIAMETER_MM:g} 毫米）",
            code="seal_spec",
        )
    if not 0.5 <= spec.rim_mm <= 2.0:
        raise SealError("印章边框宽度应在 0.5～2 毫米之间（常用 1～1.2 毫米）", code="seal_spec")
    parse_color(spec.color)


def parse_color(text: str) -> tuple[float, float, float]:
    """``#RRGGBB`` → RGB components in 0…1."""
    value = text.strip().lstrip("#")
    if len(value) != 6 or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise SealError(f"印章颜色“{text}”无效，应为 #RRGGBB 形式，如 #E60012", code="seal_spec")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def seal_content(spec: SealSpec) -> str:
    """The seal's content stream (origin at the lower-left of its D × D box, units: points)."""
    validate_spec(spec)
    font = open_font(spec.font_path, spec.font_family)
    rng = random.Random(spec.seed)
    d = mm(spec.diameter_mm)
    c = d / 2
    r, g, b = parse_color(spec.color)
    ops = [f"{num(r)} {num(g)} {num(b)} rg", "/GS0 gs"]
    ops.append(_rim(spec, c, rng))
    ops.append(polygon_path(star_points(c, c, _STAR_R * d)) + "\nf")
    ops.extend(_arc_text(spec, font, c, rng))
    ops.extend(_lower_text(spec, font, c, rng))
    return "\n".join(ops) + "\n"


def _ink(rng: random.Random, spec: SealSpec) -> str:
    """With ink texture on, pick one of three ink densities for the next element."""
    if not spec.ink_texture:
        return ""
    return f"/GS{rng.choice((0, 0, 1, 2))} gs\n"


def _rim(spec: SealSpec, c: float, rng: random.Random) -> str:
    outer = c
    inner = c - mm(spec.rim_mm)
    if not spec.ink_texture:
        # Outer circle counter-clockwise + inner circle: even-odd fill leaves the ring.
        return f"{circle_path(c, c, outer)}\n{circle_path(c, c, inner)}\nf*"
    steps = 240
    wear = _smooth_noise(rng, steps, mm(0.18))
    outer_pts = wobbly_circle(c, c, outer - mm(0.18), [-abs(w) for w in wear])
    inner_pts = wobbly_circle(c, c, inner, _smooth_noise(rng, steps, mm(0.12)))
    return f"{_ink(rng, spec)}{polygon_path(outer_pts)}\n{polygon_path(inner_pts)}\nf*\n/GS0 gs"


def _smooth_noise(rng: random.Random, n: int, amplitude: float) -> list[float]:
    """Closed, slowly varying noise: a few random harmonics."""
    waves = [(rng.randint(3, 17), rng.uniform(0, 2 * math.pi), rng.random()) for _ in range(4)]
    total = sum(w for _, _, w in waves) or 1.0
    return [
        amplitude * sum(w * math.sin(k * 2 * math.pi * i / n + p) for k, p, w in waves) / total
        for i in range(n)
    ]


def _glyph_matrix(glyph: Glyph, em_height: float, x_scale: float) -> Matrix:
    """Font units → points, with the glyph's em box centred on the origin."""
    s = em_height / (glyph.em_top - glyph.em_bottom)
    centre_y = (glyph.em_top + glyph.em_bottom) / 2
    return multiply(
        (1.0, 0.0, 0.0, 1.0, -glyph.advance / 2, -centre_y), (s * x_scale, 0.0, 0.0, s, 0.0, 0.0)
    )


def _draw_glyph(glyph: Glyph, m: Matrix) -> str:
    return f"q {cm(m)}\n{glyph.path}\nf Q"


def _arc_text(spec: SealSpec, font: OutlineFont, c: float, rng: random.Random) -> list[str]:
    """The organisation name on the upper arc, reading left to right (clockwise)."""
    name = spec.org_name.strip()
    d = mm(spec.diameter_mm)
    em = _NAME_EM * d
    text_outer = c - mm(spec.rim_mm) - _NAME_GAP * d
    n = len(name)
    while True:
        r_mid = text_outer - em / 2
        natural = 1.08 * em / r_mid  # radians per character at full width plus a little spacing
        # Short names spread out a little (up to a half circle); long ones stop at the maximum.
        span = min(math.radians(_MAX_SPAN_DEG), max(n * natural, min(math.pi, 1.5 * n * natural)))
        step = span / n
        x_scale = min(1.0, 0.94 * step * r_mid / em)
        if x_scale >= _MIN_X_SCALE or em <= _MIN_NAME_EM * d:
            break
        em *= 0.96  # long names: smaller characters rather than unreadably narrow ones
    ops = []
    for i, char in enumerate(name):
        theta = math.pi / 2 + span / 2 - (i + 0.5) * step
        jitter = rng.uniform(-0.02, 0.02) if spec.ink_texture else 0.0
        place = multiply(
            rotation(theta - math.pi / 2 + jitter),
            (1.0, 0.0, 0.0, 1.0, c + r_mid * math.cos(theta), c + r_mid * math.sin(theta)),
        )
        glyph = font.glyph(char)
        m = multiply(_glyph_matrix(glyph, em, x_scale), place)
        ops.append(_ink(rng, spec) + _draw_glyph(glyph, m))
    if spec.ink_texture:
        ops.append("/GS0 gs")
    return ops


def _lower_text(spec: SealSpec, font: OutlineFont, c: float, rng: random.Random) -> list[str]:
    """Optional horizontal text below the star (e.g. 信访专用章)."""
    text = spec.lower_text.strip()
    if not text:
        return []
    d = mm(spec.diameter_mm)
    em = _LOWER_EM * d
    pitch = min(em, _LOWER_MAX_W * d / len(text))
    x_scale = min(1.0, 0.96 * pitch / em)
    y = c + _LOWER_Y * d
    x0 = c - pitch * len(text) / 2
    ops = []
    for i, char in enumerate(text):
        glyph = font.glyph(char)
        place = (1.0, 0.0, 0.0, 1.0, x0 + (i + 0.5) * pitch, y)
        ops.append(
            _ink(rng, spec) + _draw_glyph(glyph, multiply(_glyph_matrix(glyph, em, x_scale), place))
        )
    if spec.ink_texture:
        ops.append("/GS0 gs")
    return ops


def _ext_gstates() -> DictionaryObject:
    """Multiply blending (red ink lets black text show through) at three ink densities."""
    states = DictionaryObject()
    for i, alpha in enumerate((1.0, 0.86, 0.72)):
        states[NameObject(f"/GS{i}")] = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/ExtGState"),
                NameObject("/BM"): NameObject("/Multiply"),
                NameObject("/ca"): FloatObject(alpha),
                NameObject("/CA"): FloatObject(alpha),
            }
        )
    return states


def _one_page_pdf(
    width_pt: float,
    height_pt: float,
    content: str,
    resources: DictionaryObject,
    title: str,
) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=width_pt, height=height_pt)
    stream = StreamObject()
    stream.set_data(content.encode("ascii"))
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
    page[NameObject("/Resources")] = resources
    writer.add_metadata({"/Title": title, "/Creator": "docgen"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def draw_seal(spec: SealSpec, out_pdf: Path, preview_dpi: int | None = 300) -> Seal:
    """Draw the seal described by ``spec`` into ``out_pdf`` (and ``out_pdf.png`` as preview)."""
    out_pdf = Path(out_pdf)
    content = seal_content(spec)
    d = mm(spec.diameter_mm)
    resources = DictionaryObject({NameObject("/ExtGState"): _ext_gstates()})
    data = _one_page_pdf(d, d, content, resources, f"印章：{spec.org_name.strip()}")
    atomic_write(out_pdf, data)
    png = None
    if preview_dpi:
        png = render_png(out_pdf, out_pdf.with_suffix(".png"), dpi=preview_dpi)
    return Seal(out_pdf, png, spec.diameter_mm, spec.diameter_mm, "drawn")


def render_png(pdf: Path, out_png: Path, dpi: int = 300, page: int = 1) -> Path:
    """Render one page of ``pdf`` to a PNG with a transparent background (poppler's pdftocairo)."""
    tool = shutil.which("pdftocairo")
    if tool is None:
        raise DependencyError(
            "缺少 pdftocairo（poppler-utils），无法生成印章预览图", code="poppler"
        )
    stem = out_png.with_suffix("")
    args = [tool, "-png", "-transp", "-singlefile", "-r", str(dpi), "-f", str(page)]
    args += ["-l", str(page), str(pdf), str(stem)]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SealError(f"印章预览图生成失败：{result.stderr.strip()}", code="seal_render")
    return stem.with_suffix(".png")


def load_seal(pdf_path: Path) -> Seal:
    """A seal PDF made earlier (by :func:`draw_seal` or :func:`register_scanned_seal`)."""
    pdf_path = Path(pdf_path)
    if not pdf_path.is_file():
        raise SealError(f"找不到印章文件：{pdf_path}", code="seal_missing")
    try:
        box = PdfReader(pdf_path).pages[0].mediabox
    except Exception as exc:
        raise SealError(
            f"印章文件 {pdf_path.name} 不是有效的 PDF：{exc}", code="seal_missing"
        ) from exc
    png = pdf_path.with_suffix(".png")
    return Seal(
        pdf_path,
        png if png.is_file() else None,
        round(to_mm(float(box.width)), 3),
        round(to_mm(float(box.height)), 3),
    )


# --- scanned seals -----------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_SCAN_PX = 150
MAX_SCAN_PX = 5000


def register_scanned_seal(png_path: Path, out_pdf: Path, diameter_mm: float = 42.0) -> Seal:
    """Validate a scanned seal PNG with transparency and wrap it as a seal PDF ``out_pdf``.

    The PNG is checked to be a real PNG with an alpha channel, a sensible size, roughly square and
    transparent around the seal. It is copied next to the PDF as the preview.
    """
    from PIL import Image, UnidentifiedImageError

    png_path, out_pdf = Path(png_path), Path(out_pdf)
    if diameter_mm > MAX_DIAMETER_MM or diameter_mm < MIN_DIAMETER_MM:
        raise SealError(
            f"印章直径应在 {MIN_DIAMETER_MM:g}～{MAX_DIAMETER_MM:g} 毫米之间", code="seal_too_large"
        )
    if not png_path.is_file():
        raise SealError(f"找不到印章图片：{png_path}", code="seal_scan")
    with png_path.open("rb") as handle:
        if handle.read(8) != PNG_SIGNATURE:
            raise SealError(f"{png_path.name} 不是 PNG 图片", code="seal_scan")
    try:
        with Image.open(png_path) as probe:
            probe.verify()
        image = Image.open(png_path)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise SealError(f"{png_path.name} 已损坏，无法读取：{exc}", code="seal_scan") from exc
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if not has_alpha:
        raise SealError(
            f"{png_path.name} 没有透明通道：请提供背景透明的 PNG 印章图片", code="seal_scan"
        )
    w, h = image.size
    if min(w, h) < MIN_SCAN_PX or max(w, h) > MAX_SCAN_PX:
        raise SealError(
            f"印章图片尺寸 {w}×{h} 像素不合适（每边应在 {MIN_SCAN_PX}～{MAX_SCAN_PX} 像素之间）",
            code="seal_scan",
        )
    if not 0.8 <= w / h <= 1.25:
        raise SealError(f"印章图片应接近正方形（现为 {w}×{h} 像素）", code="seal_scan")
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A")
    histogram = alpha.histogram()
    transparent = sum(histogram[:16]) / (w * h)
    opaque = sum(histogram[200:]) / (w * h)
    if transparent < 0.15:
        raise SealError(
            f"{png_path.name} 的背景不透明（透明区域仅 {transparent:.0%}），请去除白色背景后再登记",
            code="seal_scan",
        )
    if opaque < 0.02:
        raise SealError(f"{png_path.name} 几乎全透明，看不到印章", code="seal_scan")

    width_pt = mm(diameter_mm)
    height_pt = width_pt * h / w
    rgb_data = zlib.compress(rgba.convert("RGB").tobytes())
    alpha_data = zlib.compress(alpha.tobytes())
    data = _image_seal_pdf(w, h, rgb_data, alpha_data, width_pt, height_pt, png_path.name)
    atomic_write(out_pdf, data)
    preview = out_pdf.with_suffix(".png")
    if preview.resolve() != png_path.resolve():
        atomic_write(preview, png_path.read_bytes())
    return Seal(out_pdf, preview, diameter_mm, round(to_mm(height_pt), 3), "scan")


def _image_seal_pdf(
    w: int, h: int, rgb: bytes, alpha: bytes, width_pt: float, height_pt: float, title: str
) -> bytes:
    def image_stream(data: bytes, colour_space: str) -> StreamObject:
        stream = StreamObject()
        stream._data = data
        stream.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(w),
                NameObject("/Height"): NumberObject(h),
                NameObject("/ColorSpace"): NameObject(colour_space),
                NameObject("/BitsPerComponent"): NumberObject(8),
                NameObject("/Filter"): NameObject("/FlateDecode"),
            }
        )
        return stream

    writer = PdfWriter()
    page = writer.add_blank_page(width=width_pt, height=height_pt)
    mask_ref = writer._add_object(image_stream(alpha, "/DeviceGray"))
    image = image_stream(rgb, "/DeviceRGB")
    image[NameObject("/SMask")] = mask_ref
    image_ref = writer._add_object(image)
    content = StreamObject()
    content.set_data(f"q /GS0 gs {num(width_pt)} 0 0 {num(height_pt)} 0 0 cm /Im0 Do Q\n".encode())
    page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): image_ref}),
            NameObject("/ExtGState"): _ext_gstates(),
            NameObject("/ProcSet"): ArrayObject([NameObject("/PDF"), NameObject("/ImageC")]),
        }
    )
    writer.add_metadata({"/Title": f"印章（扫描）：{title}", "/Creator": "docgen"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
