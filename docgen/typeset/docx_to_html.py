"""Filled .docx → HTML: each paragraph becomes ``<p class="s-<StyleName>">``, runs keep bold,
italic, underline and character styles, tables keep their spans, page breaks become breaks.

Only structure and named styles cross over; layout comes from the stylesheet. All text is
escaped, so ``<script>``, ``{{ }}`` or a ``file://`` URL in a value is printed, never interpreted.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from docgen import chars
from docgen.docx_xml import p_element
from docgen.errors import ValidationError
from docgen.safezip import check_word_zip
from docgen.typeset.variants import FormatVariant, get_variant, variant_from_category

_ALIGN = {"center": "center", "right": "right", "end": "right", "both": "justify"}


@dataclass(frozen=True)
class HtmlPaper:
    """The paper as HTML body markup plus what the stylesheet needs to know."""

    body: str
    variant: FormatVariant
    title: str


def css_class(style_name: str) -> str:
    """``Heading 1`` → ``s-Heading1``: the stylesheet's selector for a paragraph style."""
    return "s-" + re.sub(r"[^A-Za-z0-9_-]", "", style_name)


#: A date, a 文号's 〔年〕号, or a number with its unit (“30日”, “189号”, “3.2亩”): one
#: unbreakable piece (.nb). An opening bracket or quote right after it goes into the piece with
#: the character it opens: WeasyPrint (with ``word-break: break-all``) breaks after an opening
#: “（” that starts the text following an inline box (seen: “8件（ / 已化解1件）”).
_UNBROKEN = re.compile(
    r"(?:〔\d{4}〕\d+号|\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|\d+(?:\.\d+)?[年月日号天个条款份件亩元])"
    r"(?:[（“‘《〈【〔「『][^\s<&])?"
)


def _text(value: str) -> str:
    escaped = html.escape(chars.XML_CONTROL.sub("", value), quote=True)
    return _UNBROKEN.sub(lambda m: f'<span class="nb">{m.group()}</span>', escaped)


def _run_html(run_el, paragraph: Paragraph) -> tuple[list[str], bool]:  # type: ignore[no-untyped-def]
    """HTML pieces of one w:r and whether it holds a page break (splitting the paragraph)."""
    from docx.text.run import Run

    run = Run(run_el, paragraph)
    pieces: list[str] = []
    page_break = False
    for child in run_el:
        tag = child.tag
        if tag == qn("w:t"):
            pieces.append(_text(child.text or ""))
        elif tag == qn("w:tab"):
            pieces.append(_TAB)
        elif tag == qn("w:br"):
            if child.get(qn("w:type")) == "page":
                pieces.append("\x00PAGE\x00")
                page_break = True
            else:
                pieces.append("<br>")
        elif tag in (qn("w:cr"),):
            pieces.append("<br>")
    if not pieces:
        return [], False
    classes = []
    char_style = run_el.find(qn("w:rPr"))
    if char_style is not None and char_style.find(qn("w:rStyle")) is not None:
        style = run.style
        if style is not None and style.name:
            classes.append("c-" + re.sub(r"[^A-Za-z0-9_-]", "", style.name))
    if run.bold:
        classes.append("b")
    if run.italic:
        classes.append("i")
    if run.underline:
        classes.append("u")
    if run.font.highlight_color is not None:  # a place left to fill (the reports' 【请填写：…】)
        classes.append("hl")
    if not classes:
        return pieces, page_break
    open_tag = f'<span class="{" ".join(classes)}">'
    wrapped = []
    for piece in pieces:
        wrapped.append(piece if piece == "\x00PAGE\x00" else open_tag + piece + "</span>")
    return wrapped, page_break


#: An item of a 、/，-list short enough to be a name or a unit (“彭国华”): kept on one line.
_SHORT_ITEM = re.compile(r"(?<![^、，,（）()\s])[^、，,（）()\s<>]{2,8}(?=[、，,（）()]|$)")


def _short_items_unbroken(markup: str) -> str:
    """Wrap short list items of the text (not of the tags) in ``.nb`` spans (table cells)."""
    tokens = re.split(r"(<[^>]+>)", markup)
    return "".join(
        token if token.startswith("<") else _SHORT_ITEM.sub(r'<span class="nb">\g<0></span>', token)
        for token in tokens
    )


#: One “character” of an indent: a 16 pt character condensed by 0.25 pt, as on the grid.
CHAR_PT = 15.75


_TAB = "\x00TAB\x00"


def _has_right_tab(paragraph: Paragraph) -> bool:
    from docx.enum.text import WD_TAB_ALIGNMENT

    formats = [paragraph.paragraph_format]
    if paragraph.style is not None:
        formats.append(paragraph.style.paragraph_format)
    return any(stop.alignment == WD_TAB_ALIGNMENT.RIGHT for f in formats for stop in f.tab_stops)


def _direct_indent_css(ppr) -> str:  # type: ignore[no-untyped-def]
    """A paragraph's own indents (typed in Word: “首行缩进 2 字符”) as an inline style, so the PDF
    keeps what the clerk set; character units win over twips as in Word."""
    ind = ppr.find(qn("w:ind")) if ppr is not None else None
    if ind is None:
        return ""

    def length(chars_attr: str, twips_attr: str) -> float | None:
        chars, twips = ind.get(qn(f"w:{chars_attr}")), ind.get(qn(f"w:{twips_attr}"))
        if chars is not None:
            return int(chars) / 100 * CHAR_PT
        return int(twips) / 20 if twips is not None else None

    rules = []
    first, hanging = length("firstLineChars", "firstLine"), length("hangingChars", "hanging")
    left = length("leftChars", "left")
    if left is None:
        left = length("startChars", "start")
    right = length("rightChars", "right")
    if right is None:
        right = length("endChars", "end")
    if hanging:
        rules.append(f"text-indent: -{hanging:g}pt")
    elif first is not None:
        rules.append(f"text-indent: {first:g}pt")
    if left is not None:
        rules.append(f"padding-left: {left:g}pt")
    if right is not None:
        rules.append(f"padding-right: {right:g}pt")
    return f' style="{"; ".join(rules)}"' if rules else ""


def _tiny(ppr) -> bool:  # type: ignore[no-untyped-def]
    """An exact line height of 2 pt or less: a spacer paragraph, not a line of text."""
    spacing = ppr.find(qn("w:spacing")) if ppr is not None else None
    if spacing is None or spacing.get(qn("w:lineRule")) != "exact":
        return False
    return int(spacing.get(qn("w:line")) or 0) <= 40


def _paragraph_html(paragraph: Paragraph) -> str:
    style = paragraph.style.name if paragraph.style is not None else "Normal"
    classes = [css_class(style or "Normal")]
    align = p_element(paragraph).find(qn("w:pPr"))
    if align is not None:
        jc = align.find(qn("w:jc"))
        if jc is not None and jc.get(qn("w:val")) in _ALIGN:
            classes.append("a-" + _ALIGN[jc.get(qn("w:val"))])
        if align.find(qn("w:pageBreakBefore")) is not None:
            classes.append("break-before")
        if align.find(qn("w:keepNext")) is not None:
            classes.append("keep-next")
    style_attr = _direct_indent_css(align)
    pieces: list[str] = []
    for child in p_element(paragraph):
        if child.tag == qn("w:r"):
            pieces.extend(_run_html(child, paragraph)[0])
        elif child.tag in (qn("w:hyperlink"), qn("w:ins"), qn("w:smartTag"), qn("w:fldSimple")):
            for run_el in child.iter(qn("w:r")):
                pieces.extend(_run_html(run_el, paragraph)[0])
    if not pieces and _tiny(align):  # a 1-pt spacer (the 版记's anchor): takes no line
        return ""
    open_tag = f'<p class="{" ".join(classes)}"{style_attr}>'
    if style == "FormCell":
        pieces = [_short_items_unbroken(piece) for piece in pieces]
    joined = "".join(pieces)
    if _TAB in joined and _has_right_tab(paragraph):  # “文号<tab>签发人：…”: the rest flush right
        head, tail = joined.split(_TAB, 1)
        joined = head + '<span class="tab-end">' + tail.replace(_TAB, "\u3000") + "</span>"
    parts = joined.replace(_TAB, "\u3000").split("\x00PAGE\x00")
    out = []
    for index, part in enumerate(parts):
        if index:
            out.append('<div class="page-break"></div>')
        if part or index == 0:
            out.append(open_tag + (part or "\u00a0") + "</p>")
    return "".join(out)


def _table_html(table: Table) -> str:
    style = table.style.name if table.style is not None else "Table"
    widths = [int(col.get(qn("w:w")) or 0) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    total = sum(widths) or 1
    cols = "".join(f'<col style="width:{100 * w / total:.2f}%">' for w in widths)
    rows_html = []
    grid_rows = []
    header_rows = 0  # leading rows marked w:tblHeader: the <thead>, repeated on every page
    for tr in table._tbl.tr_lst:
        if (
            header_rows == len(grid_rows)
            and tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        ):
            header_rows += 1
        cells = []
        for tc in tr.tc_lst:
            tcpr = tc.tcPr
            span = 1
            merge = None
            if tcpr is not None:
                grid_span = tcpr.find(qn("w:gridSpan"))
                if grid_span is not None:
                    span = int(grid_span.get(qn("w:val")) or 1)
                v_merge = tcpr.find(qn("w:vMerge"))
                if v_merge is not None:
                    merge = v_merge.get(qn("w:val")) or "continue"
            cells.append((tc, span, merge))
        grid_rows.append(cells)
    for row_index, cells in enumerate(grid_rows):
        tds = []
        column = 0
        for tc, span, merge in cells:
            if merge == "continue":
                column += span
                continue
            rowspan = 1
            if merge == "restart":
                for below in grid_rows[row_index + 1 :]:
                    col = 0
                    found = False
                    for _tc, b_span, b_merge in below:
                        if col == column:
                            found = b_merge == "continue"
                            break
                        col += b_span
                    if not found:
                        break
                    rowspan += 1
            attrs = (f' colspan="{span}"' if span > 1 else "") + (
                f' rowspan="{rowspan}"' if rowspan > 1 else ""
            )
            inner = _blocks_html(tc, table)
            tds.append(f"<td{attrs}>{inner}</td>")
            column += span
        rows_html.append("<tr>" + "".join(tds) + "</tr>")
    cls = "t-" + re.sub(r"[^A-Za-z0-9_-]", "", style or "Table")
    head = f"<thead>{''.join(rows_html[:header_rows])}</thead>" if header_rows else ""
    body = "".join(rows_html[header_rows:])
    markup = f'<table class="{cls}"><colgroup>{cols}</colgroup>{head}{body}</table>'
    if _anchored_at_foot(table):  # the 版记: placed at the foot of the page it ends on
        return f'{IMPRINT_OPEN}<div class="foot">{markup}</div></div>'
    return markup


#: The block holding the 版记; the typesetter gives it ``imprint-alone`` to move it to a page of
#: its own (GB/T 9704 7.4.1: the last page of a paper printed on both sides is an even one).
IMPRINT_OPEN = '<div class="imprint">'
IMPRINT_ALONE = '<div class="imprint imprint-alone">'


def _anchored_at_foot(table: Table) -> bool:
    tbl_pr = table._tbl.tblPr
    position = tbl_pr.find(qn("w:tblpPr")) if tbl_pr is not None else None
    if position is None:
        return False
    style = table.style.name if table.style is not None else ""
    return style == "ImprintTable" or position.get(qn("w:tblpYSpec")) == "bottom"


def _blocks_html(container, parent) -> str:  # type: ignore[no-untyped-def]
    out = []
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            out.append(_paragraph_html(Paragraph(child, parent)))
        elif child.tag == qn("w:tbl"):
            out.append(_table_html(Table(child, parent)))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                out.append(_blocks_html(content, parent))
    return "".join(out)


def _first_page_header_html(document) -> str:  # type: ignore[no-untyped-def]
    """OrgMark paragraphs of the first-page header (the 信函 标志 lives there)."""
    section = document.sections[0]
    if not section.different_first_page_header_footer:
        return ""
    out = []
    for paragraph in section.first_page_header.paragraphs:
        if paragraph.style is not None and paragraph.style.name == "OrgMark":
            out.append(_paragraph_html(paragraph))
    return "".join(out)


def docx_to_html(path: Path, *, variant: str | None = None) -> HtmlPaper:
    """Read a filled .docx and return its body as HTML with its format variant."""
    check_word_zip(Path(path), "Word 文件")
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise ValidationError(
            f"无法读取 Word 文件 {Path(path).name}：文件已损坏或不是 .docx（{exc}）",
            code="bad_docx",
        ) from None
    chosen = get_variant(variant) if variant else None
    chosen = chosen or variant_from_category(document.core_properties.category) or get_variant(None)
    body = document.element.body
    markup = _first_page_header_html(document) + _blocks_html(
        body, document
    )  # the proxies' parent: the part
    title = document.core_properties.title or ""
    return HtmlPaper(markup, chosen, title)
