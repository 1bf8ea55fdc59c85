"""Font roles, the report, and the prepared subsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from docgen.errors import ValidationError
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


def test_repertoire_holds_every_code_gb2312_maps() -> None:
    """Each two-byte code of the 87 rows decoded on its own, the unmapped ones skipped."""
    decoded = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                decoded.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    points = set(subset_repertoire())
    assert decoded <= points and 0xFFFD not in points
    assert points - decoded <= set(range(0x20, 0x100)) | set(range(0x2010, 0x2610)) | set(
        range(0x3000, 0x3040)
    ) | set(range(0xFF01, 0xFF5F))


def test_the_fonts_are_listed_in_process_as_fc_list_lists_them() -> None:
    """``fontconfig_listing`` gives fc-list's output itself (no process started per command)."""
    import subprocess

    from docgen.fonts import FC_LIST_FORMAT, fontconfig_listing

    listed = subprocess.run(["fc-list", "--format", FC_LIST_FORMAT], capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    assert fontconfig_listing() == listed and listed.count("\n") > 5


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


def _renamed_font(target: Path, family: str, text: str) -> Path:
    """A small TrueType cut from the Noto fallback whose family names read ``family``."""
    from docgen.fonts import RARE_CHAR_SOURCES, cut_truetype

    cut_truetype(RARE_CHAR_SOURCES[0], [ord(ch) for ch in text], target)
    font = TTFont(target)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
    font.save(target)
    return target


def test_fonts_add_installs_an_official_face_used_for_its_role(tmp_path: Path, monkeypatch) -> None:
    from docgen import fonts

    monkeypatch.setenv("DOCGEN_USER_FONT_DIR", str(tmp_path / "fonts"))
    monkeypatch.setenv("DOCGEN_FONT_DIR", str(tmp_path / "prepared"))  # not the shared cache
    fonts._installed_faces.cache_clear()
    try:
        source = _renamed_font(tmp_path / "simfang.ttf", "FangSong", "关于信访事项的办理意见年月日")
        (added,) = fonts.add_fonts([source])
        assert added.family == "FangSong" and added.installed.parent == tmp_path / "fonts"
        assert "正文（仿宋）" in added.roles and not added.replaced
        body = resolve_fonts()["body"]
        assert body.official and body.source.file == added.installed
        assert fonts.add_fonts([source])[0].replaced
    finally:
        fonts._installed_faces.cache_clear()


def test_fonts_add_refuses_what_is_not_an_official_chinese_font(
    tmp_path: Path, monkeypatch
) -> None:
    from click.testing import CliRunner

    from docgen import fonts
    from docgen.cli import cli

    monkeypatch.setenv("DOCGEN_USER_FONT_DIR", str(tmp_path / "fonts"))
    monkeypatch.setenv("DOCGEN_FONT_DIR", str(tmp_path / "prepared"))  # not the shared cache
    (tmp_path / "fake.ttf").write_text("不是字体")
    other = _renamed_font(tmp_path / "other.ttf", "Some Sans", "关于信访事项的办理意见年月日")
    thin = _renamed_font(tmp_path / "thin.ttf", "SimHei", "ABC")
    good = _renamed_font(tmp_path / "simkai.ttf", "楷体", "关于信访事项的办理意见年月日")
    for path, words in ((tmp_path / "fake.ttf", "不是可用的字体文件"), (other, "不是公文所用的字体"),
                        (thin, "缺少常用汉字"), (tmp_path / "a.txt", "找不到字体文件")):  # fmt: skip
        with pytest.raises(ValidationError, match=words):
            fonts.add_fonts([good, path])
    assert not (tmp_path / "fonts").exists()  # nothing installed when one file is refused
    result = CliRunner().invoke(cli, ["fonts", "add", str(tmp_path / "fake.ttf")])
    assert result.exit_code != 0 and "不是可用的字体文件" in result.output
    assert "Traceback" not in result.output


def test_paper_made_after_fonts_add_names_the_added_family(tmp_path: Path, monkeypatch) -> None:
    import re
    import zipfile

    from docgen import fonts
    from docgen.papers.fill import render_paper
    from docgen.reports.paper import ReportPaper, write_report
    from docgen.typeset.docx_base import build_base
    from docgen.typeset.render import Typesetter

    shared = font_dir()
    monkeypatch.setenv("DOCGEN_USER_FONT_DIR", str(tmp_path / "fonts"))
    monkeypatch.setenv("DOCGEN_FONT_DIR", str(tmp_path / "prepared"))  # not the shared cache
    (tmp_path / "prepared").mkdir()
    for prepared in shared.glob("*.ttf") if shared.is_dir() else []:  # the open faces, read-only
        (tmp_path / "prepared" / prepared.name).symlink_to(prepared)
    fonts._installed_faces.cache_clear()
    try:
        text = "关于信访事项的办理意见年月日"
        fonts.add_fonts([_renamed_font(tmp_path / "simfang.ttf", "FangSong", text),
                         _renamed_font(tmp_path / "simhei.ttf", "SimHei", text)])  # fmt: skip
        template = tmp_path / "template.docx"
        document = build_base("document")
        document.paragraphs[0].add_run(text)
        document.add_paragraph(text, style="Heading 1")
        document.save(template)
        docx, pdf = tmp_path / "paper.docx", tmp_path / "paper.pdf"
        render_paper(template, {}, docx, pdf, variant="document", typesetter=Typesetter())
        with zipfile.ZipFile(docx) as z:
            styles, table = (
                z.read("word/styles.xml").decode(),
                z.read("word/fontTable.xml").decode(),
            )
            theme = z.read("word/theme/theme1.xml").decode()
        # 仿宋 (body, headings 3–4) and 黑体 (heading 1) name the added files' families …
        defaults = styles.split("</w:docDefaults>", 1)[0]
        assert re.search(r'<w:rFonts w:ascii="FangSong" w:hAnsi="FangSong" w:eastAsia="FangSong"',
                         defaults)  # fmt: skip
        heading = styles.split('w:styleId="Heading1"', 1)[1].split("</w:style>", 1)[0]
        assert 'w:eastAsia="SimHei"' in heading and 'w:ascii="SimHei"' in heading
        assert "仿宋_GB2312" not in styles and 'typeface="FangSong"' in theme
        # … with a font-table entry whose altName is the official name it stands for
        assert '<w:font w:name="FangSong"><w:altName w:val="仿宋_GB2312"/>' in table
        assert '<w:charset w:val="86"/>' in table.split('w:name="FangSong"', 1)[1]
        # roles without an added face keep the official names (小标宋, 楷体)
        assert 'w:eastAsia="方正小标宋简体"' in styles and 'w:eastAsia="楷体_GB2312"' in styles
        # a report to the 联席办 (built in code, not from a template) names them the same way
        report = ReportPaper(org_mark="某局", doc_no="某信交报〔2024〕1号", signer="", title=text,
                             addressee="联席办", blocks=[("Body", text)], sender="某局",
                             date_text="2024年6月30日")  # fmt: skip
        write_report(report, tmp_path / "report.docx", tmp_path / "report.pdf", Typesetter())
        with zipfile.ZipFile(tmp_path / "report.docx") as z:
            styles = z.read("word/styles.xml").decode()
        assert "仿宋_GB2312" not in styles and 'w:eastAsia="FangSong"' in styles
    finally:
        fonts._installed_faces.cache_clear()
