"""Typesetting measured from the outputs: our PDF (WeasyPrint) and LibreOffice's rendering of the
same .docx. Geometry comes from ``pdftotext -bbox-layout``; fonts from pypdf and pdffonts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.errors import ValidationError
from docgen.typeset import typeset_docx
from docgen.typeset.docx_base import build_base, build_specimen
from docgen.typeset.fetcher import FolderFetcher
from docgen.typeset.render import default_typesetter
from docgen.typeset.variants import get_variant

PT_PER_MM = 72 / 25.4
HANZI = "信访工作条例规定各级机关应当畅通群众诉求表达渠道依法及时就地解决合理诉求"
LONG = (HANZI * 300)[:10_000]
DANGEROUS = "{{ name }} {% if x %} <script>alert(1)</script> <img src='file:///etc/passwd'>"

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils")


def _long_docx(path: Path, variant: str = "document") -> Path:
    document = build_base(variant)
    document.paragraphs[0].style = "DocTitle"
    document.paragraphs[0].add_run("关于信访事项办理情况的报告")
    document.add_paragraph("区信访工作联席会议办公室：", style="Recipient")
    document.add_paragraph(LONG, style="Body")
    document.add_paragraph("张𠮷、龘某某：" + DANGEROUS, style="Body")
    document.save(path)
    return path


def _two_line_title_docx(path: Path) -> Path:
    document = build_base("document")
    title = document.paragraphs[0]
    title.style = "DocTitle"
    run = title.add_run("关于交办蒋德明、彭国华、冯吉祥")
    run.add_break()
    run.add_text("信访事项的函")
    document.add_paragraph("区卫生健康局：", style="Recipient")
    document.save(path)
    return path


def _title_pitch_mm(pdf: Path) -> float:
    lines = _lines(pdf, 1)
    first = next(i for i, line in enumerate(lines) if line["text"].startswith("关于交办"))
    return lines[first + 1]["yMin"] - lines[first]["yMin"]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("typeset")
    _long_docx(directory / "long.docx")
    _long_docx(directory / "long-letter.docx", "letter")
    build_specimen("form").save(directory / "form.docx")
    build_specimen("letter").save(directory / "letter.docx")
    _two_line_title_docx(directory / "title.docx")
    for name in ("long", "long-letter", "form", "letter", "title"):
        typeset_docx(directory / f"{name}.docx", directory / f"{name}.pdf")
    return directory


def _lines(pdf: Path, page: int) -> list[dict]:
    """Text lines of one page: text, and box in mm from the page's top-left corner."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = []
    for match in re.finditer(r"<line (.*?)>(.*?)</line>", xml, re.S):
        box = dict(re.findall(r'(\w+)="([\d.]+)"', match[1]))
        words = re.findall(r">([^<]*)</word>", match[2])
        lines.append(
            {
                "text": "".join(words),
                **{k: float(box[k]) / PT_PER_MM for k in ("xMin", "yMin", "xMax", "yMax")},
            }
        )
    return lines


def _body_lines(pdf: Path, page: int) -> list[dict]:
    return [line for line in _lines(pdf, page) if "—" not in line["text"]]


def _text(pdf: Path, *args: str) -> str:
    cmd = ["pdftotext", *args, str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def test_a4_pages(out: Path) -> None:
    for page in PdfReader(out / "long.pdf").pages:
        assert float(page.mediabox.width) == pytest.approx(595.28, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(841.89, abs=0.5)


def test_full_page_is_22_lines_of_28_characters(out: Path) -> None:
    lines = _body_lines(out / "long.pdf", 2)
    assert len(lines) == 22
    assert [len(line["text"]) for line in lines] == [28] * 22


def test_margins_measured_from_text(out: Path) -> None:
    lines = _body_lines(out / "long.pdf", 3)
    pitch = (lines[-1]["yMin"] - lines[0]["yMin"]) / (len(lines) - 1)
    centre_first = (lines[0]["yMin"] + lines[0]["yMax"]) / 2
    centre_last = (lines[-1]["yMin"] + lines[-1]["yMax"]) / 2
    assert pitch == pytest.approx(225 / 22, abs=0.05)
    assert centre_first - pitch / 2 == pytest.approx(37, abs=1)  # top
    assert 297 - (centre_last + pitch / 2) == pytest.approx(35, abs=1)  # bottom
    assert min(line["xMin"] for line in lines) == pytest.approx(28, abs=1)  # left
    assert 210 - max(line["xMax"] for line in lines) == pytest.approx(26, abs=1)  # right


def test_long_paragraph_flows_over_pages(out: Path) -> None:
    reader = PdfReader(out / "long.pdf")
    assert len(reader.pages) >= 10_000 // (22 * 28)
    flat = re.sub(r"\s", "", _text(out / "long.pdf"))
    flat = re.sub(r"—\d+—", "", flat)
    assert LONG in flat


def _font_sizes(pdf: Path, page: int) -> dict[str, float]:
    """First characters of each text run → effective font size in pt."""
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font_dict, font_size) -> None:  # type: ignore[no-untyped-def]
        if text.strip():
            scale = (tm[0] * cm[0] + tm[1] * cm[2]) if tm else 1
            sizes.setdefault(text.strip()[:4], round(font_size * abs(scale or 1), 1))

    PdfReader(pdf).pages[page - 1].extract_text(visitor_text=visit)
    return sizes


def test_title_22pt_body_16pt(out: Path) -> None:
    sizes = _font_sizes(out / "long.pdf", 1)
    title = next(v for k, v in sizes.items() if k.startswith("关于"))
    body = next(v for k, v in sizes.items() if k.startswith("区信访"))
    assert title == pytest.approx(22, abs=0.1)
    assert body == pytest.approx(16, abs=0.1)


def test_page_numbers_odd_right_even_left(out: Path) -> None:
    for page in (2, 3):
        (number,) = [line for line in _lines(out / "long.pdf", page) if "—" in line["text"]]
        assert number["text"] == f"—{page}—"
        assert number["yMin"] == pytest.approx(297 - 35 + 7, abs=1.5)
        if page % 2:
            assert 210 - 26 - number["xMax"] == pytest.approx(14 / PT_PER_MM, abs=1)
        else:
            assert number["xMin"] - 28 == pytest.approx(14 / PT_PER_MM, abs=1)


def test_letter_has_no_number_on_page_one(out: Path) -> None:
    assert "—" not in _text(out / "long-letter.pdf", "-f", "1", "-l", "1")
    assert "—2—" in _text(out / "long-letter.pdf", "-f", "2", "-l", "2").replace(" ", "")


def test_letter_red_double_lines_on_page_one(out: Path) -> None:
    from PIL import Image

    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            str(out / "letter.pdf"),
            str(out / "l"),
        ],
        check=True,
    )
    image = Image.open(next(out.glob("l-*1.png"))).convert("RGB")
    width, height = image.size
    red_rows = [
        y
        for y in range(height)
        if sum(
            1
            for x in range(width)
            if image.getpixel((x, y))[0] > 180 > image.getpixel((x, y))[1] + 60
        )
        > width * 0.7
    ]
    rows_mm = [y / height * 297 for y in red_rows]
    assert any(abs(mm - 277) < 3 for mm in rows_mm)  # 20 mm above the bottom edge
    assert any(35 < mm < 55 for mm in rows_mm)  # under the 发文机关标志


def test_rare_characters_render(out: Path) -> None:
    text = _text(out / "long.pdf")
    assert "𠮷" in text and "龘" in text  # each drawn with its own glyph, not the other's
    # The prepared subsets lack 𠮷 and 龘: each comes from a tiny glyph font cut from the full
    # font, not from the full font itself (which WeasyPrint would embed at ~90 KB).
    import pikepdf
    from fontTools.ttLib import TTFont

    embedded = {}
    with pikepdf.open(out / "long.pdf") as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                embedded[str(obj.FontName)] = obj.FontFile2.read_bytes()
    rare = {name: data for name, data in embedded.items() if "docgen-rare-" in name}
    assert {name.split("docgen-rare-")[1].split("-")[0] for name in rare} == {"9f98", "20bb7"}
    assert not any("Noto-Serif-CJK" in name or "NotoSerifCJK" in name for name in embedded)
    for data in rare.values():
        assert len(data) < 8_000
        glyf = TTFont(io.BytesIO(data))["glyf"]
        assert any(glyf[name].numberOfContours > 0 for name in glyf.glyphOrder)  # not .notdef


def test_template_syntax_and_markup_printed_literally(out: Path) -> None:
    flat = _text(out / "long.pdf").replace("\n", "")
    for piece in ("{{ name }}", "{% if x %}", "<script>alert(1)</script>", "file:///etc/passwd"):
        assert piece in flat


def test_form_table_has_borders_and_cells(out: Path) -> None:
    text = _text(out / "form.pdf")
    for label in ("送达文书名称", "受送达人", "送达时间", "代收人"):
        assert label in text
    content = PdfReader(out / "form.pdf").pages[0].get_contents().get_data()
    assert content.count(b" re") + content.count(b" l\n") >= 8  # cell borders are drawn


def test_fetcher_refuses_files_outside_project(tmp_path: Path) -> None:
    fetcher = FolderFetcher([tmp_path])
    assert not fetcher.allows("file:///etc/passwd")
    assert not fetcher.allows("http://example.invalid/x.png")
    assert not fetcher.allows((tmp_path / ".." / "x").as_uri())
    result = default_typesetter().typeset_html(
        '<p>正文</p><img src="file:///etc/passwd"><link rel="stylesheet" href="file:///etc/passwd">',
        get_variant(None),
        tmp_path / "x.pdf",
    )
    assert "file:///etc/passwd" in result.refused_urls
    assert "root:" not in _text(tmp_path / "x.pdf")


def test_failed_render_leaves_no_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValidationError):
        typeset_docx(bad, tmp_path / "bad.pdf")
    assert list(tmp_path.iterdir()) == [bad]


def test_variant_read_from_docx(tmp_path: Path, out: Path) -> None:
    result = typeset_docx(out / "letter.docx", tmp_path / "l.pdf")
    assert result.variant == "letter"
    assert (
        typeset_docx(out / "letter.docx", tmp_path / "d.pdf", variant="公文").variant == "document"
    )


def test_base_docx_carries_grid_and_page_setup() -> None:
    base = Path(__file__).resolve().parents[2] / "templates" / "styles" / "base.docx"
    xml = zipfile.ZipFile(base).read("word/document.xml").decode()
    assert xml.count("<w:docGrid") == 1
    assert 'w:linePitch="579"' in xml
    assert '<w:pgSz w:w="11906" w:h="16838"/>' in xml
    for attr in ('w:top="2098"', 'w:right="1474"', 'w:bottom="1984"', 'w:left="1588"'):
        assert attr in xml
    styles = zipfile.ZipFile(base).read("word/styles.xml").decode()
    assert 'w:eastAsia="仿宋_GB2312"' in styles
    for name in ("DocTitle", "DocNumber", "Recipient", "Body", "Signature", "DocDate", "Cc"):
        assert f'w:val="{name}"' in styles


@pytest.mark.skipif(shutil.which("soffice") is None, reason="需要 LibreOffice")
def test_libreoffice_renders_docx_on_the_same_grid(out: Path, tmp_path: Path) -> None:
    lo_dir = tmp_path / "lo"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(lo_dir),
         str(out / "long.docx"), str(out / "letter.docx"), str(out / "title.docx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    lines = _body_lines(lo_dir / "long.pdf", 2)
    assert len(lines) == 22
    assert [len(line["text"]) for line in lines] == [28] * 22
    assert min(line["xMin"] for line in lines) == pytest.approx(28, abs=1)
    assert "—" not in _text(lo_dir / "letter.pdf", "-f", "1", "-l", "1")
    assert "—2—" in _text(lo_dir / "long.pdf", "-f", "2", "-l", "2").replace(" ", "")
    # A two-line 标题 keeps one line pitch between its lines in both renderings (LibreOffice
    # used to give each 22 pt line two grid rows).
    pitch = 225 / 22
    assert _title_pitch_mm(lo_dir / "title.pdf") == pytest.approx(pitch, abs=1.5)
    assert _title_pitch_mm(out / "title.pdf") == pytest.approx(pitch, abs=1.5)


def test_no_line_ends_in_an_opening_bracket_after_a_number(tmp_path: Path) -> None:
    """A number with its unit is one unbreakable piece (.nb); the “（” after it once ended a line
    (“民生问题类8件（ / 已化解1件）”): WeasyPrint broke after an opening bracket that starts the
    text after an inline box. The sentence is the 进展报告's, at the width that showed it."""
    sentence = ("截至2024年7月10日，共排查信访积案19件，已化解1件，化解率5.3%；已办结5件，未办结14件，"
                "其中超期9件。积案按归类分：组织人事问题类5件（已化解0件），民生问题类8件（已化解1件），"
                "其它遗留问题类6件（已化解0件）。")  # fmt: skip
    document = build_base("document")
    document.paragraphs[0].style = "DocTitle"
    document.paragraphs[0].add_run("关于信访积案化解工作进展情况的报告")
    document.add_paragraph("一、排查情况", style="Heading 1")
    document.add_paragraph(sentence, style="Body")
    document.save(tmp_path / "p.docx")
    typeset_docx(tmp_path / "p.docx", tmp_path / "p.pdf")
    lines = [line.strip() for line in _text(tmp_path / "p.pdf", "-layout").splitlines()]
    body = "".join(line for line in lines if line and "—" not in line)
    assert sentence in body  # nothing lost
    assert not [line for line in lines if re.search(r"[（“《]$", line)], lines
