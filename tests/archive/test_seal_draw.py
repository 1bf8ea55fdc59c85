"""Seal drawing and scanned-seal registration: vector outlines, no fonts, limits, PNG checks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from docgen.seal.draw import SealSpec, draw_seal, load_seal, register_scanned_seal, seal_content
from docgen.seal.errors import SealError
from docgen.seal.geometry import star_points

ORG = "北京市朝阳区信访局"


def is_red(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return r > 150 and g < 110 and b < 120


@pytest.fixture(scope="module")
def seal(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("seal") / "seal.pdf"
    return draw_seal(SealSpec(ORG, lower_text="信访专用章"), out)


def test_seal_is_a_42mm_vector_page_without_fonts(seal) -> None:
    page = PdfReader(seal.pdf_path).pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4, 2) == 42.0
    assert "/Font" not in page["/Resources"]
    assert "/XObject" not in page["/Resources"]  # no images either: pure paths
    fonts = subprocess.run(["pdffonts", str(seal.pdf_path)], capture_output=True, text=True)
    assert len(fonts.stdout.strip().splitlines()) == 2  # header lines only
    content = page.get_contents().get_data().decode()
    assert " c\n" in content and "f*" in content  # Bézier glyph outlines, even-odd rim
    assert seal.png_path is not None and seal.png_path.is_file()


def test_preview_png_is_transparent_outside_the_seal(seal) -> None:
    image = Image.open(seal.png_path)
    assert image.mode == "RGBA"
    assert image.getpixel((2, 2))[3] == 0  # corner outside the circle
    w, h = image.size
    centre = image.getpixel((w // 2, h // 2))  # the star's centre
    assert centre[3] > 200 and is_red(centre[:3])


def test_star_is_regular_and_points_up() -> None:
    points = star_points(0.0, 0.0, 10.0)
    assert points[0] == pytest.approx((0.0, 10.0))
    xs = [p[0] for p in points]
    assert sum(xs) == pytest.approx(0.0, abs=1e-9)  # left/right symmetric
    outer = points[::2]
    assert all((x * x + y * y) ** 0.5 == pytest.approx(10.0) for x, y in outer)


def test_render_is_left_right_balanced_and_name_on_top(seal, tmp_path: Path) -> None:
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-singlefile", str(seal.pdf_path), str(tmp_path / "s")],
        check=True,
    )
    image = Image.open(tmp_path / "s.png").convert("RGB")
    w, h = image.size
    pixels = image.load()
    red = [(x, y) for y in range(h) for x in range(w) if is_red(pixels[x, y])]
    left = sum(1 for x, _ in red if x < w / 2)
    right = len(red) - left
    assert abs(left - right) / len(red) < 0.08
    # The arc text lives in the upper half: more red above the centre than below.
    upper = sum(1 for _, y in red if y < h / 2)
    assert upper > len(red) - upper


def test_arc_text_reads_left_to_right() -> None:
    # Glyph placements appear in text order; the first must sit left of the last, both high up.
    content = seal_content(SealSpec(ORG))
    placements = [line for line in content.splitlines() if line.startswith("q ") and " cm" in line]
    first = [float(v) for v in placements[0].split()[1:7]]
    last = [float(v) for v in placements[-1].split()[1:7]]
    assert first[4] < last[4]
    # Upright at the top: the middle character's matrix has no rotation (b ≈ 0, a > 0).
    middle = [float(v) for v in placements[len(placements) // 2].split()[1:7]]
    assert abs(middle[1]) < 1e-3 and middle[0] > 0


def test_diameter_limit_and_empty_name(tmp_path: Path) -> None:
    with pytest.raises(SealError, match="超过上限 45"):
        draw_seal(SealSpec(ORG, diameter_mm=46), tmp_path / "big.pdf")
    with pytest.raises(SealError, match="不能为空"):
        draw_seal(SealSpec("  "), tmp_path / "empty.pdf")
    seal45 = draw_seal(SealSpec(ORG, diameter_mm=45), tmp_path / "ok.pdf", preview_dpi=None)
    assert seal45.width_mm == 45 and load_seal(seal45.pdf_path).width_mm == 45


def test_ink_texture_is_optional_and_reproducible(tmp_path: Path) -> None:
    plain = seal_content(SealSpec(ORG))
    worn = seal_content(SealSpec(ORG, ink_texture=True, seed=7))
    assert "/GS1" not in plain and "/GS2" not in plain
    assert worn != plain and worn == seal_content(SealSpec(ORG, ink_texture=True, seed=7))


def test_missing_glyph_is_a_clear_error() -> None:
    with pytest.raises(SealError, match="缺少字符"):
        seal_content(SealSpec("信访局\U0001f600"))


def _scan(path: Path, mode: str = "RGBA", size: int = 400, background: int = 0) -> Path:
    image = Image.new(
        mode, (size, size), (255, 255, 255, background) if mode == "RGBA" else "white"
    )
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, size - 10, size - 10), outline=(230, 0, 18, 255), width=12)
    image.save(path)
    return path


def test_register_scanned_png(tmp_path: Path) -> None:
    seal = register_scanned_seal(_scan(tmp_path / "scan.png"), tmp_path / "scan-seal.pdf")
    assert seal.source == "scan" and seal.width_mm == 42.0
    page = PdfReader(seal.pdf_path).pages[0]
    image = page["/Resources"]["/XObject"]["/Im0"].get_object()
    assert "/SMask" in image


@pytest.mark.parametrize(
    ("maker", "message"),
    [
        (lambda p: p.write_bytes(b"not a png at all"), "不是 PNG"),
        (lambda p: _scan(p, mode="RGB"), "没有透明通道"),
        (lambda p: _scan(p, background=255), "背景不透明"),
        (lambda p: _scan(p, size=60), "尺寸"),
        (lambda p: Image.new("RGBA", (400, 200)).save(p), "正方形"),
    ],
)
def test_bad_scans_are_refused(tmp_path: Path, maker, message: str) -> None:
    png = tmp_path / "bad.png"
    maker(png)
    with pytest.raises(SealError, match=message):
        register_scanned_seal(png, tmp_path / "bad.pdf")
