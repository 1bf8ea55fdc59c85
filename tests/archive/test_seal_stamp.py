"""Stamping: one shared XObject, GB/T 9704 placement from the date line, 骑缝章 strips rejoin."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter
from pypdf import PdfReader, PdfWriter

from docgen.seal.draw import SealSpec, draw_seal
from docgen.seal.errors import SealError
from docgen.seal.locate import find_date_line, locate_seal_position
from docgen.seal.stamp import cross_page_seal, plan_groups, stamp_dossier, stamp_seal
from tests.archive.test_seal_support import DATE, ORG, make_font, render_paper

A4 = (595.276, 841.89)
DPI = 150


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stamp")


@pytest.fixture(scope="module")
def seal(work: Path):
    return draw_seal(SealSpec(ORG, lower_text="信访专用章"), work / "seal.pdf", preview_dpi=None)


@pytest.fixture(scope="module")
def paper(work: Path) -> Path:
    return render_paper(work / "paper.pdf", make_font(work))


def blank_pdf(path: Path, pages: int, rotate: int = 0) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(*A4)
        if rotate:
            page.rotate(rotate)
    writer.write(path)
    return path


def form_xobjects(pdf: Path) -> int:
    reader = PdfReader(pdf)
    count = 0
    for number in range(1, reader.trailer["/Size"]):
        try:
            obj = reader.get_object(number)
        except Exception:
            continue
        if hasattr(obj, "get") and obj.get("/Subtype") == "/Form":
            count += 1
    return count


def render(pdf: Path, out: Path, dpi: int = DPI) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out)], check=True)
    return sorted(out.parent.glob(f"{out.name}-*.png"))


def red_pixels(image: Image.Image) -> list[bool]:
    data = image.convert("RGB").tobytes()
    return [
        data[i] > 150 and data[i + 1] < 110 and data[i + 2] < 120 for i in range(0, len(data), 3)
    ]


def red_fraction(image: Image.Image) -> float:
    return sum(red_pixels(image)) / (image.width * image.height)


def test_one_shared_xobject_for_many_pages(work: Path, seal) -> None:
    src = blank_pdf(work / "five.pdf", 5)
    out = work / "five-sealed.pdf"
    result = stamp_seal(src, out, seal, [0, 1, 2, 3, 4], (150, 240))
    assert len(result.seals) == 5
    assert form_xobjects(out) == 1
    reader = PdfReader(out)
    refs = {
        page["/Resources"]["/XObject"].raw_get(name).idnum
        for page in reader.pages
        for name in page["/Resources"]["/XObject"]
    }
    assert len(refs) == 1
    assert subprocess.run(["qpdf", "--check", str(out)], capture_output=True).returncode == 0


def test_a_second_pass_reuses_the_seal_object(work: Path, seal) -> None:
    first = work / "pass1.pdf"
    stamp_seal(blank_pdf(work / "pass0.pdf", 3), first, seal, 0, (150, 240))
    second = work / "pass2.pdf"
    cross_page_seal(first, second, seal)
    assert form_xobjects(second) == 1


def test_seal_lands_where_asked(work: Path, seal, tmp_path: Path) -> None:
    out = work / "one.pdf"
    stamp_seal(blank_pdf(work / "one-src.pdf", 1), out, seal, 0, (60, 80))
    image = Image.open(render(out, tmp_path / "one", dpi=50)[0]).convert("RGB")
    px = 50 / 25.4
    bbox = ImageChops.invert(image).getbbox()
    assert bbox is not None
    centre = ((bbox[0] + bbox[2]) / 2 / px, (bbox[1] + bbox[3]) / 2 / px)
    assert centre == pytest.approx((60, 80), abs=1.0)
    assert (bbox[2] - bbox[0]) / px == pytest.approx(42, abs=1.0)


def test_rotated_page_gets_an_upright_seal_at_the_displayed_position(
    work: Path, seal, tmp_path: Path
) -> None:
    out = work / "rot.pdf"
    stamp_seal(blank_pdf(work / "rot-src.pdf", 1, rotate=90), out, seal, 0, (60, 40))
    image = Image.open(render(out, tmp_path / "rot", dpi=50)[0]).convert("RGB")
    assert image.width > image.height  # landscape as displayed
    px = 50 / 25.4
    bbox = ImageChops.invert(image).getbbox()
    assert bbox is not None
    centre = ((bbox[0] + bbox[2]) / 2 / px, (bbox[1] + bbox[3]) / 2 / px)
    assert centre == pytest.approx((60, 40), abs=1.0)
    # Upright: the name arc is at the top, so the upper half holds more red.
    crop = image.crop(bbox)
    top = crop.crop((0, 0, crop.width, crop.height // 2))
    bottom = crop.crop((0, crop.height // 2, crop.width, crop.height))
    assert red_fraction(top) > red_fraction(bottom)


def test_page_out_of_range(work: Path, seal) -> None:
    with pytest.raises(SealError, match="超出范围"):
        stamp_seal(blank_pdf(work / "r.pdf", 1), work / "r-out.pdf", seal, 3, (50, 50))


def test_date_line_found_and_seal_placed_by_gbt9704(paper: Path) -> None:
    index, date, signer = find_date_line(paper)
    assert index == 0 and date.text == DATE
    assert signer is not None and signer.text == ORG
    # The sample paper right-indents the date by 4 characters (16 pt ≈ 5.64 mm each).
    assert 210 - 26 - (date.x_mm + date.width_mm) == pytest.approx(4 * 5.644, abs=2.5)
    pos = locate_seal_position(paper)
    assert pos.center_mm[0] == pytest.approx((date.center_x_mm + signer.center_x_mm) / 2, abs=0.1)
    # 署名 and 日期 both sit below the seal centre, inside the seal.
    assert pos.center_mm[1] < signer.center_y_mm < date.center_y_mm < pos.center_mm[1] + 21
    assert pos.top_within_one_line is True


def test_no_date_line_is_a_clear_error(work: Path) -> None:
    with pytest.raises(SealError, match="没有找到"):
        locate_seal_position(blank_pdf(work / "nodate.pdf", 1))


def test_stamped_paper_keeps_its_text(work: Path, seal, paper: Path) -> None:
    pos = locate_seal_position(paper)
    out = work / "paper-sealed.pdf"
    stamp_seal(paper, out, seal, pos.page_index, pos.center_mm)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert DATE in text and ORG in text
    assert "信访专用章" not in text  # the seal is paths, not text


@pytest.mark.parametrize(
    ("pages", "groups"),
    [(2, [2]), (8, [8]), (9, [5, 4]), (17, [6, 6, 5]), (40, [8, 8, 8, 8, 8])],
)
def test_group_rule(pages: int, groups: list[int]) -> None:
    assert plan_groups(pages, 42.0) == groups


def test_group_rule_limits() -> None:
    with pytest.raises(SealError, match="至少需要两页"):
        plan_groups(1, 42.0)
    assert plan_groups(10, 30.0) == [5, 5]  # 30 mm / 5 mm → at most 6 strips
    with pytest.raises(SealError, match="无法切分"):
        plan_groups(3, 9.0)


def _joined_strips(pngs: list[Path], strip_px: float, centre_y_px: float, seal_px: float):
    strips = []
    for i, png in enumerate(pngs):
        image = Image.open(png).convert("RGB")
        left = round(image.width - strip_px)
        top = round(centre_y_px - seal_px / 2)
        strips.append(image.crop((left, top, image.width, top + round(seal_px))))
        assert i < len(pngs)
    joined = Image.new("RGB", (sum(s.width for s in strips), strips[0].height), "white")
    x = 0
    for strip in strips:
        joined.paste(strip, (x, 0))
        x += strip.width
    return joined


def _red_mask(image: Image.Image) -> Image.Image:
    mask = Image.new("L", image.size)
    mask.putdata([255 if red else 0 for red in red_pixels(image)])
    return mask


def _similarity(a: Image.Image, b: Image.Image) -> float:
    """How much of each image's red ink lies on (or within 2 px of) the other's red ink.

    Returns the smaller of the two shares, so missing strips and misplaced strips both fail.
    A 2 px tolerance absorbs the rounding of strip edges to whole pixels.
    """
    ma, mb = _red_mask(a), _red_mask(b.resize(a.size))
    grown_a, grown_b = ma.filter(ImageFilter.MaxFilter(5)), mb.filter(ImageFilter.MaxFilter(5))

    def share(mask: Image.Image, grown_other: Image.Image) -> float:
        both = ImageChops.multiply(mask, grown_other)
        return sum(both.tobytes()) / max(1, sum(mask.tobytes()))

    return min(share(ma, grown_b), share(mb, grown_a))


def test_cross_page_strips_rejoin_into_the_seal(work: Path, seal, tmp_path: Path) -> None:
    src = blank_pdf(work / "six.pdf", 6)
    out = work / "six-cross.pdf"
    result = cross_page_seal(src, out, seal)
    assert result.groups == ((0, 1, 2, 3, 4, 5),)
    assert form_xobjects(out) == 1
    pngs = render(out, tmp_path / "p")
    px = DPI / 25.4
    joined = _joined_strips(pngs, 42 / 6 * px, 297 / 2 * px, 42 * px)
    full_png = render(seal.pdf_path, tmp_path / "full")[0]
    full = Image.open(full_png).convert("RGB")
    assert _similarity(full, joined) > 0.95
    # Each strip carries a real share of ink, and nothing is drawn off the strip.
    for png in pngs:
        page = Image.open(png).convert("RGB")
        rest = page.crop((0, 0, page.width - round(42 / 6 * px) - 2, page.height))
        assert red_fraction(rest) == 0


def test_cross_page_in_groups_and_dossier_in_one_pass(work: Path, seal, tmp_path: Path) -> None:
    src = blank_pdf(work / "nine.pdf", 9)
    out = work / "nine-dossier.pdf"
    result = stamp_dossier(src, out, seal, cover_center_mm=(105, 200))
    assert result.groups == ((0, 1, 2, 3, 4), (5, 6, 7, 8))
    assert form_xobjects(out) == 1
    pngs = render(out, tmp_path / "g")
    px = DPI / 25.4
    second = _joined_strips(pngs[5:], 42 / 4 * px, 297 / 2 * px, 42 * px)
    full = Image.open(render(seal.pdf_path, tmp_path / "full")[0]).convert("RGB")
    assert _similarity(full, second) > 0.95
