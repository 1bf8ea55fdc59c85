"""Format variant → base .docx (page set-up, document grid, named styles, footers) with python-docx.

Run ``python -m docgen.typeset.docx_base`` to rewrite ``base.docx`` (公文) and
``base-<variant>.docx`` for the other variants. Paper templates are copies of one of these files
with docxtpl tags typed into paragraphs that use the named styles below; the PDF typesetter maps the same names to
``gb9704.css``. Layout numbers come from ``docgen.typeset.variants``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from docgen.docx_xml import p_element, r_element
from docgen.templates import TEMPLATES_DIR
from docgen.typeset import variants as v

STYLES_DIR = TEMPLATES_DIR / "styles"

# Official font names written into the .docx: Word/WPS on an office PC has them; elsewhere the
# application substitutes, and the PDF typesetter maps roles through docgen.fonts.
XBS = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
#: The font role (``docgen.fonts.ROLES``) each name serves: a paper made where an office font is
#: installed under another name names that one instead (``docgen.papers.docx_fonts``).
ROLE_OF_FONT_NAME = {
    FANGSONG: "body",
    XBS: "title",
    HEITI: "heading1",
    KAITI: "heading2",
    SONGTI: "page_number",
}

LINE_TWIPS = 579  # 22 lines in the 225 mm text block (580 fits only 21)
# 28 characters per line: every run is condensed by 0.25 pt (w:spacing -5 twentieths), so a
# 16 pt character takes 15.75 pt and 28 fit in 156 mm. A lines-and-chars grid with charSpace
# -849 does the same in Word, but LibreOffice gives each 16 pt character two 15.79 pt grid cells
# (14 per line, measured): the grid here is lines only, which both applications honour.
CONDENSE_TWENTIETHS = -5
# A condensed character's box is 0.25 pt wider than its advance, so the last character of a line
# filled to the margin (LibreOffice fills lines holding Latin digits to the edge) would stand
# 0.09 mm past the text block: text paragraphs keep that 0.25 pt (5 twips) free on the right.
# 28 characters still fit (28 × 15.75 pt = 441 pt ≤ 442.2 − 0.25 pt).
RIGHT_RESERVE_TWIPS = -CONDENSE_TWENTIETHS
GRID_TYPE = "lines"
BODY_HALF_POINTS = 32
RED_HEX = v.RED.lstrip("#")


def mm_to_twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


@dataclass
class ParaStyle:
    """A named paragraph style: what paper templates refer to and the stylesheet maps."""

    name: str
    doc: str  # what the style is for (goes into README)
    font: str = FANGSONG
    size_pt: float = v.BODY_PT
    align: str | None = None  # w:jc value: left, center, right, both
    first_line_chars: int = 0  # hundredths of a character
    left_chars: int = 0
    right_chars: int = 0
    hanging_chars: int = 0
    before_lines: int = 0  # hundredths of a line
    after_lines: int = 0
    before_twips: int = 0
    line_twips: int | None = LINE_TWIPS  # exact line spacing; None = single
    snap_to_grid: bool = True
    color: str | None = None
    outline_level: int | None = None
    page_break_before: bool = False
    keep_next: bool = False
    keep_lines: bool = False
    borders: dict[str, tuple[str, int, int, str]] = field(default_factory=dict)
    # side → (w:val, size in eighths of a point, space in points, colour hex)
    ind_twips: tuple[int, int] = (0, 0)  # extra (left, right) indent in twips (negative allowed)
    right_tab_twips: int | None = None  # a right-aligned tab stop (from the left margin)


def paragraph_styles(variant: v.FormatVariant) -> list[ParaStyle]:
    """Every named paragraph style, with the variant's numbers filled in."""
    org_line = round(variant.org_mark_pt * 1.2 * 20)
    number_borders = {}
    if variant.rule_under_number == "single":
        number_borders["bottom"] = ("single", 8, round(v.RULE_GAP_MM / 25.4 * 72), RED_HEX)
    org_borders = {}
    org_indent = (0, 0)
    if variant.letter_rules:
        # Thick over thin, 170 mm: the paragraph reaches 7 mm into both margins.
        org_borders["bottom"] = ("thickThinMediumGap", 24, 11, RED_HEX)
        extra = -mm_to_twips((v.LETTER_RULE_LENGTH_MM - v.TEXT_WIDTH_MM) / 2)
        org_indent = (extra, extra)
    org_before = 0
    if variant.org_mark_top_mm is not None and not variant.letter_rules:
        org_before = mm_to_twips(variant.org_mark_top_mm - v.MARGIN_TOP_MM)
    return [
        ParaStyle(
            "OrgMark",
            "发文机关标志 / 纪要标志（红色小标宋）；信函格式在首页页眉里",
            font=XBS,
            size_pt=variant.org_mark_pt,
            align="center",
            before_twips=org_before,
            line_twips=org_line,
            snap_to_grid=False,
            color=RED_HEX,
            borders=org_borders,
            ind_twips=org_indent,
        ),
        ParaStyle(
            "DocNumber",
            "发文字号（文号），公文居中、信函右对齐；公文下方 4 mm 红色分隔线",
            align=variant.doc_number_align,
            before_lines=200 if variant.org_mark_top_mm and not variant.letter_rules else 0,
            after_lines=200 if variant.rule_under_number == "single" else 100,
            borders=number_borders,
        ),
        ParaStyle(
            "DocNumberUp",
            "上行文（报告）的发文字号：文号左空 1 字（行首一个全角空格，不缩进段落，红线才通栏），"
            "签发人在右对齐制表位后、右空 1 字，同一行",
            align="left",
            before_lines=200 if variant.org_mark_top_mm and not variant.letter_rules else 0,
            after_lines=200 if variant.rule_under_number == "single" else 100,
            borders=number_borders,
            right_tab_twips=mm_to_twips(v.TEXT_WIDTH_MM) - round(v.BODY_PT * 20),
        ),
        ParaStyle(
            "DocTitle",
            "标题，2号小标宋，居中",
            font=XBS,
            size_pt=22,
            align="center",
            after_lines=100,
            snap_to_grid=False,  # LibreOffice gives a 22 pt line two grid rows otherwise
        ),
        ParaStyle("Recipient", "主送机关，顶格，后加全角冒号", align="left"),
        ParaStyle(
            "Signatory",
            "协议书签署栏（每方一行），缩进 2 字，上方空一行留出签字位置；各行同页",
            align="left",
            first_line_chars=200,
            before_lines=100,
            keep_next=True,
        ),
        ParaStyle("Body", "正文，首行缩进 2 字，两端对齐", align="both", first_line_chars=200),
        ParaStyle(
            "Heading 1",
            "一级标题“一、”，黑体",
            font=HEITI,
            align="both",
            first_line_chars=200,
            outline_level=0,
            keep_next=True,
        ),
        ParaStyle(
            "Heading 2",
            "二级标题“（一）”，楷体",
            font=KAITI,
            align="both",
            first_line_chars=200,
            outline_level=1,
            keep_next=True,
        ),
        ParaStyle(
            "Heading 3",
            "三级标题“1.”，仿宋",
            align="both",
            first_line_chars=200,
            outline_level=2,
        ),
        ParaStyle(
            "Heading 4",
            "四级标题“（1）”，仿宋",
            align="both",
            first_line_chars=200,
            outline_level=3,
        ),
        ParaStyle(
            "Attachment",
            "附件说明，空一行，缩进 2 字",
            align="both",
            first_line_chars=200,
            before_lines=100,
        ),
        ParaStyle(
            "Signature",
            "发文机关署名，右空 4 字；上方空两行留出盖章位置；与成文日期同页",
            align="right",
            right_chars=400,
            before_lines=200,
            keep_next=True,
        ),
        ParaStyle(
            "DocDate", "成文日期（2024年6月10日），右空 4 字", align="right", right_chars=400
        ),
        ParaStyle("Note", "附注，缩进 2 字，加圆括号", first_line_chars=200),
        ParaStyle(
            "AttachmentHead",
            "附件页首行“附件1”，黑体，顶格，另起一页",
            font=HEITI,
            page_break_before=True,
        ),
        ParaStyle(
            "Attendance",
            "纪要出席/请假/列席，缩进 2 字，回行与冒号后对齐；不跨页、与下一项同页",
            left_chars=500,
            hanging_chars=300,
            keep_next=True,
            keep_lines=True,
        ),
        ParaStyle(
            "Cc",
            "版记：抄送机关 / 份数，4号仿宋，左右各空 1 字（在页脚处的版记表格 ImprintTable 中）",
            size_pt=14,
            left_chars=100,
            right_chars=100,
            align="left",
        ),
        ParaStyle(
            "Imprint",
            "版记：印发机关和印发日期，4号仿宋，左右各空 1 字（版记表格 ImprintTable 中）",
            size_pt=14,
            left_chars=100,
            right_chars=100,
            align="left",
        ),
        ParaStyle(
            "FormCell",
            "表格单元格文字，4号仿宋",
            size_pt=14,
            line_twips=400,
            snap_to_grid=False,
        ),
        ParaStyle(
            "FormLabel",
            "表格项目名称，4号仿宋，居中",
            size_pt=14,
            align="center",
            line_twips=400,
            snap_to_grid=False,
        ),
        ParaStyle(
            "PageNumber",
            "页码“— N —”，4号宋体（页脚）",
            font=SONGTI,
            size_pt=v.PAGE_NUMBER_PT,
            line_twips=280,
            snap_to_grid=False,
        ),
    ]


#: Character styles (runs), mapped to CSS classes as well.
CHAR_STYLES = {
    "Label": ("黑体 run，例如纪要中的“出席：”", HEITI),
    "Kai": ("楷体 run，例如上行文签发人的姓名", KAITI),
}

#: Ordered child tags of w:pPr (the schema's sequence), for inserting children in place.
_PPR_ORDER = [
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
    "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
]  # fmt: skip


def _child(parent, tag: str, order: list[str]):  # type: ignore[no-untyped-def]
    """The ``tag`` child of ``parent``, created at its schema position if missing."""
    found = parent.find(qn(tag))
    if found is not None:
        return found
    element = OxmlElement(tag)
    successors = order[order.index(tag) + 1 :]
    for sibling in parent:
        if sibling.tag in {qn(s) for s in successors}:
            sibling.addprevious(element)
            break
    else:
        parent.append(element)
    return element


def _set(element, **attrs: str | int) -> None:  # type: ignore[no-untyped-def]
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))


def _set_fonts(rpr, font: str) -> None:  # type: ignore[no-untyped-def]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    _set(fonts, ascii=font, hAnsi=font, eastAsia=font, cs=font)


def _apply_paragraph_style(document, spec: ParaStyle) -> None:  # type: ignore[no-untyped-def]
    styles = document.styles
    existing = {style.name: style for style in styles}
    if spec.name in existing:  # Word's built-in "Heading N": reset it, keep its outline role
        style = existing[spec.name]
        for tag in ("w:pPr", "w:rPr"):
            for element in style.element.findall(qn(tag)):
                style.element.remove(element)
    else:
        style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(spec.size_pt)
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr, spec.font)
    if spec.color:
        color = rpr.find(qn("w:color"))
        if color is None:
            color = OxmlElement("w:color")
            rpr.append(color)
        _set(color, val=spec.color)
    _apply_ppr(style.element.get_or_add_pPr(), spec)


def _apply_ppr(ppr, spec: ParaStyle) -> None:  # type: ignore[no-untyped-def]
    if spec.keep_next:
        _child(ppr, "w:keepNext", _PPR_ORDER)
    if spec.keep_lines:
        _child(ppr, "w:keepLines", _PPR_ORDER)
    if spec.page_break_before:
        _child(ppr, "w:pageBreakBefore", _PPR_ORDER)
    _set(_child(ppr, "w:widowControl", _PPR_ORDER), val=0)
    for tag, value in CJK_PARAGRAPH_SETTINGS.items():  # per style: LibreOffice reads them here
        _set(_child(ppr, tag, _PPR_ORDER), val=value)
    if spec.borders:
        bdr = _child(ppr, "w:pBdr", _PPR_ORDER)
        for side in ("top", "left", "bottom", "right"):
            if side in spec.borders:
                val, size, space, color = spec.borders[side]
                element = OxmlElement(f"w:{side}")
                _set(element, val=val, sz=size, space=space, color=color)
                bdr.append(element)
    if spec.right_tab_twips is not None:
        tab = OxmlElement("w:tab")
        _set(tab, val="right", pos=spec.right_tab_twips)
        _child(ppr, "w:tabs", _PPR_ORDER).append(tab)
    if not spec.snap_to_grid:
        _set(_child(ppr, "w:snapToGrid", _PPR_ORDER), val=0)
    spacing = _child(ppr, "w:spacing", _PPR_ORDER)
    # Word reads beforeLines/afterLines (hundredths of a grid line); LibreOffice ignores them
    # and reads before/after in twips only, so both are written with the same distance.
    before = spec.before_twips + spec.before_lines * LINE_TWIPS // 100
    _set(spacing, before=before, after=spec.after_lines * LINE_TWIPS // 100)
    if spec.before_lines:
        _set(spacing, beforeLines=spec.before_lines)
    if spec.after_lines:
        _set(spacing, afterLines=spec.after_lines)
    if spec.line_twips is not None:
        _set(spacing, line=spec.line_twips, lineRule="exact")
    ind = _child(ppr, "w:ind", _PPR_ORDER)
    left, right = spec.ind_twips
    char_twips = round(spec.size_pt * 20)
    _set(ind, left=left + spec.left_chars * char_twips // 100)
    reserve = 0 if spec.borders else RIGHT_RESERVE_TWIPS  # rules keep their length
    _set(ind, right=right + spec.right_chars * char_twips // 100 + reserve)
    if spec.left_chars:
        _set(ind, leftChars=spec.left_chars)
    if spec.right_chars:
        _set(ind, rightChars=spec.right_chars)
    if spec.first_line_chars:
        _set(ind, firstLine=spec.first_line_chars * char_twips // 100)
        _set(ind, firstLineChars=spec.first_line_chars)
    if spec.hanging_chars:
        _set(ind, hanging=spec.hanging_chars * char_twips // 100)
        _set(ind, hangingChars=spec.hanging_chars)
    if spec.align:
        _set(_child(ppr, "w:jc", _PPR_ORDER), val=spec.align)
    if spec.outline_level is not None:
        _set(_child(ppr, "w:outlineLvl", _PPR_ORDER), val=spec.outline_level)


def _set_defaults(document) -> None:  # type: ignore[no-untyped-def]
    """docDefaults and Normal: 3号仿宋, exact 579-twip lines, Chinese language, black."""
    styles_el = document.styles.element
    rpr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default, FANGSONG)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    _set(lang, val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    # 28 characters of 16 pt need a pitch of 15.79 pt: condense every character by 0.25 pt.
    spacing_r = OxmlElement("w:spacing")
    _set(spacing_r, val=CONDENSE_TWENTIETHS)
    lang.addprevious(spacing_r)
    for tag in ("w:sz", "w:szCs"):
        size = rpr_default.find(qn(tag))
        if size is None:
            size = OxmlElement(tag)
            lang.addprevious(size)
        _set(size, val=BODY_HALF_POINTS)
    ppr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr_default.find(qn("w:spacing"))
    _set(spacing, after=0, line=LINE_TWIPS, lineRule="exact")
    normal = document.styles["Normal"]
    normal.font.size = Pt(v.BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    _apply_ppr(normal.element.get_or_add_pPr(), ParaStyle("Normal", "", align="both"))
    for name, (_doc, font) in CHAR_STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        _set_fonts(style.element.get_or_add_rPr(), font)


#: The font table: official names with the alternative names Word and WPS match on, GB2312
#: charset (86) and the panose class, so a reader without the font substitutes a Chinese face of
#: the same kind (not MS 明朝, the python-docx default table's choice).
FONT_TABLE: tuple[tuple[str, str, str, str], ...] = (
    # name, altName, panose, family
    (FANGSONG, "仿宋", "02010609030101010101", "modern"),
    ("仿宋", "FangSong", "02010609060101010101", "modern"),
    (XBS, "FZXiaoBiaoSong-B05S", "02000000000000000000", "script"),
    (HEITI, "SimHei", "02010609060101010101", "modern"),
    (KAITI, "楷体", "02010609030101010101", "modern"),
    ("楷体", "KaiTi", "02010609060101010101", "modern"),
    (SONGTI, "SimSun", "02010600030101010101", "auto"),
)
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: Paragraph settings for Chinese text (element → w:val): no automatic space between CJK and
#: Latin letters or digits (“2024年” not “2024 年”), no grid-driven right indent, and a closing
#: “。” kept inside the text block. LibreOffice reads ``w:overflowPunct w:val="0"`` as *allow*
#: hanging punctuation (its importer maps val 0 to ParaIsHangingPunctuation; measured: the “。”
#: ran 5.7 mm into the margin), so the value that keeps it inside in LibreOffice is 1. LibreOffice
#: ignores autoSpaceDE/DN on import (a 1.2 mm gap at 3号); Word honours them.
CJK_PARAGRAPH_SETTINGS = {
    "w:overflowPunct": 1,
    "w:autoSpaceDE": 0,
    "w:autoSpaceDN": 0,
    "w:adjustRightInd": 0,
}


def _font_table_xml() -> bytes:
    fonts = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
        f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
        for name, alt, panose, family in FONT_TABLE
    )
    tnr = (
        '<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/>'
        '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    )
    head = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    return (head + f'<w:fonts xmlns:w="{_W_NS}">{fonts}{tnr}</w:fonts>').encode("utf-8")


def _theme_xml(blob: bytes) -> bytes:
    """The default theme with Chinese (Hans) east-Asian fonts and no Japanese entries."""
    import re

    text = blob.decode("utf-8")
    text = re.sub(r'\s*<a:font script="Jpan" typeface="[^"]*"/>', "", text)
    major, minor = text.split("<a:minorFont>", 1)
    major = major.replace('<a:ea typeface=""/>', f'<a:ea typeface="{HEITI}"/>')
    major = re.sub(r'<a:font script="Hans" typeface="[^"]*"/>',
                   f'<a:font script="Hans" typeface="{HEITI}"/>', major)  # fmt: skip
    minor = minor.replace('<a:ea typeface=""/>', f'<a:ea typeface="{FANGSONG}"/>')
    minor = re.sub(r'<a:font script="Hans" typeface="[^"]*"/>',
                   f'<a:font script="Hans" typeface="{FANGSONG}"/>', minor)  # fmt: skip
    return (major + "<a:minorFont>" + minor).encode("utf-8")


def _declare_chinese(document) -> None:  # type: ignore[no-untyped-def]
    """zh-CN in the settings' theme language, the theme's east-Asian fonts and the font table."""
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is None:
        theme_lang = OxmlElement("w:themeFontLang")
        document.settings.element.append(theme_lang)
    _set(theme_lang, val="en-US", eastAsia="zh-CN")
    for part in document.part.package.iter_parts():
        name = str(part.partname)
        if name == "/word/fontTable.xml":
            part._blob = _font_table_xml()
        elif name.startswith("/word/theme/"):
            part._blob = _theme_xml(part.blob)
        elif name == "/word/stylesWithEffects.xml":  # Word 2010 reads its defaults here
            part._blob = part.blob.replace(b'w:eastAsia="en-US"', b'w:eastAsia="zh-CN"')
    ppr_default = document.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault"))
    ppr = ppr_default.find(qn("w:pPr"))
    for tag, value in CJK_PARAGRAPH_SETTINGS.items():
        _set(_child(ppr, tag, _PPR_ORDER), val=value)


def _add_table_style(document) -> None:  # type: ignore[no-untyped-def]
    """FormTable: 0.5 pt black borders on every cell edge, cells padded 0.1 cm."""
    style = document.styles.add_style("FormTable", WD_STYLE_TYPE.TABLE)
    style.base_style = document.styles["Normal Table"]
    tblpr = style.element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        style.element.append(tblpr)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        _set(edge, val="single", sz=4, space=0, color="000000")
        borders.append(edge)
    tblpr.append(borders)
    jc = OxmlElement("w:jc")
    _set(jc, val="center")
    tblpr.append(jc)


def _add_imprint_table_style(document) -> None:  # type: ignore[no-untyped-def]
    """ImprintTable: the 版记 (its rules are set on the table itself by the paper templates)."""
    style = document.styles.add_style("ImprintTable", WD_STYLE_TYPE.TABLE)
    style.base_style = document.styles["Normal Table"]


def _set_page(document, variant: v.FormatVariant) -> None:  # type: ignore[no-untyped-def]
    """A4, GB/T 9704 margins, header/footer distances and exactly one lines-and-chars grid."""
    section = document.sections[0]
    sect_pr = section._sectPr
    pg_sz = sect_pr.find(qn("w:pgSz"))
    _set(pg_sz, w=11906, h=16838)
    pg_mar = sect_pr.find(qn("w:pgMar"))
    footer_mm = v.MARGIN_BOTTOM_MM - v.PAGE_NUMBER_GAP_MM - v.PAGE_NUMBER_PT / 72 * 25.4
    header_mm = (
        variant.org_mark_top_mm if variant.letter_rules and variant.org_mark_top_mm else 15.0
    )
    _set(pg_mar, top=2098, right=1474, bottom=1984, left=1588, gutter=0)
    _set(pg_mar, header=mm_to_twips(header_mm), footer=mm_to_twips(footer_mm))
    for grid in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(grid)
    grid = OxmlElement("w:docGrid")
    _set(grid, type=GRID_TYPE, linePitch=LINE_TWIPS)
    sect_pr.append(grid)


def _page_number_paragraph(paragraph, align: str) -> None:  # type: ignore[no-untyped-def]
    """'— PAGE —' with one character of indent on the outer side."""
    paragraph.style = "PageNumber"
    ppr = p_element(paragraph).get_or_add_pPr()
    _set(_child(ppr, "w:jc", _PPR_ORDER), val=align)
    ind = _child(ppr, "w:ind", _PPR_ORDER)
    side = "right" if align == "right" else "left"
    _set(ind, **{side: round(v.PAGE_NUMBER_PT * 20), f"{side}Chars": 100})
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            _set(fld, fldCharType=kind)
            r_element(run).append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r_element(run).append(instr)
    paragraph.add_run(" —")


def _rule_paragraph(paragraph, side: str, val: str) -> None:  # type: ignore[no-untyped-def]
    """An empty, 1-pt-tall paragraph drawing a red 170 mm double line on ``side``."""
    ppr = p_element(paragraph).get_or_add_pPr()
    spec = ParaStyle(
        "rule",
        "",
        size_pt=1,
        line_twips=20,
        snap_to_grid=False,
        borders={side: (val, 24, 0, RED_HEX)},
    )
    extra = -mm_to_twips((v.LETTER_RULE_LENGTH_MM - v.TEXT_WIDTH_MM) / 2)
    spec.ind_twips = (extra, extra)
    _apply_ppr(ppr, spec)
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    _set(size, val=2)
    rpr.append(size)
    ppr.append(rpr)


def _set_footers(document, variant: v.FormatVariant) -> None:  # type: ignore[no-untyped-def]
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    if variant.page_numbers:
        _page_number_paragraph(section.footer.paragraphs[0], "right")
        _page_number_paragraph(section.even_page_footer.paragraphs[0], "left")
    if not variant.number_first_page or variant.letter_rules:
        section.different_first_page_header_footer = True
        first_footer = section.first_page_footer
        first_footer.is_linked_to_previous = False
        if variant.letter_rules:
            _rule_paragraph(first_footer.paragraphs[0], "bottom", "thinThickMediumGap")
            header_para = section.first_page_header.paragraphs[0]
            header_para.style = "OrgMark"
            header_para.add_run("{{ org_name }}")


def build_base(variant_name: str = v.DEFAULT_VARIANT):  # type: ignore[no-untyped-def]
    """A python-docx Document: the base of every paper template of this format variant."""
    variant = v.get_variant(variant_name)
    document = Document()
    _set_defaults(document)
    _declare_chinese(document)
    for spec in paragraph_styles(variant):
        _apply_paragraph_style(document, spec)
    _add_table_style(document)
    _add_imprint_table_style(document)
    _set_page(document, variant)
    _set_footers(document, variant)
    props = document.core_properties
    props.category = v.CATEGORY_PREFIX + variant.name
    props.title = ""
    props.author = "docgen"
    props.comments = f"GB/T 9704-2012 {variant.label}底稿（由 docgen/typeset/docx_base.py 生成）"
    body = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
    body.style = "Body"
    return document


SPECIMEN_BODY = (
    "为进一步规范信访积案化解工作，压实属地责任，切实维护群众合法权益，根据信访工作条例有关规定，"
    "现将有关事项通知如下。请各责任单位高度重视，认真组织开展核查，依法依规提出处理意见。"
)


def build_specimen(variant_name: str = v.DEFAULT_VARIANT, *, body_repeat: int = 6):  # type: ignore[no-untyped-def]
    """The base document filled with one paragraph of every style: a style specimen and a test
    fixture (tables only in the form variant)."""
    variant = v.get_variant(variant_name)
    document = build_base(variant.name)
    first = document.paragraphs[0]

    def add(style: str, text: str):  # type: ignore[no-untyped-def]
        paragraph = document.add_paragraph(text, style=style)
        return paragraph

    if variant.letter_rules:
        header = document.sections[0].first_page_header.paragraphs[0]
        header.runs[0].text = "某某区信访局"
    elif variant.org_mark_top_mm is not None:
        mark = "某某区信访工作联席会议纪要" if variant.name == "minutes" else "某某区信访局文件"
        first.style = "OrgMark"
        first.add_run(mark)
    if variant.org_mark_top_mm is None:
        first.style = "DocTitle"
        first.add_run("送达回证")
    else:
        if variant.letter_rules:
            first.style = "DocNumber"
            first.add_run("某信函〔2026〕12号")
        else:
            add("DocNumber", "某信发〔2026〕12号")
        add("DocTitle", "关于交办信访积案的通知")
        add("Recipient", "各街道办事处，区直各有关单位：")
        for index in range(body_repeat):
            add("Body", SPECIMEN_BODY)
            if index == 1:
                add("Heading 1", "一、工作要求")
                add("Heading 2", "（一）压实责任")
                add("Heading 3", "1.明确包案领导")
                add("Heading 4", "（1）建立台账")
        add("Attachment", "附件：1.信访事项交办清单")
        add("Signature", "某某区信访局")
        add("DocDate", "2026年11月29日")
        add("Note", "（联系人：张三，联系电话：12345678）")
        if variant.name == "minutes":
            paragraph = add("Attendance", "")
            paragraph.add_run("出席：", style="Label")
            paragraph.add_run("李四、王五、赵六")
        return document
    table = document.add_table(rows=0, cols=4)
    table.style = "FormTable"
    rows = [
        ("送达文书名称", "信访事项处理意见书", "件数", "1"),
        ("受送达人", "张𠮷", "送达地址", "某某区某某街道1号"),
        ("送达方式", "直接送达", "送达时间", "2026年11月29日"),
        ("受送达人签收", "", "代收人", ""),
    ]
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.paragraphs[0].style = "FormLabel" if index % 2 == 0 else "FormCell"
            cell.paragraphs[0].add_run(value)
    return document


def base_path(variant_name: str) -> Path:
    name = "base.docx" if variant_name == v.DEFAULT_VARIANT else f"base-{variant_name}.docx"
    return STYLES_DIR / name


def write_all(directory: Path = STYLES_DIR) -> list[Path]:
    written = []
    for name in v.VARIANTS:
        target = directory / base_path(name).name
        tmp = target.with_suffix(".tmp")
        build_base(name).save(tmp)
        tmp.replace(target)
        written.append(target)
    return written


def write_specimens(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in v.VARIANTS:
        target = directory / f"specimen-{name}.docx"
        build_specimen(name).save(target)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else STYLES_DIR):
        print(path)
