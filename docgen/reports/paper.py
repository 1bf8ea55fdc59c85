"""Report blocks → a GB/T 9704 报告: a .docx in the base styles (the clerk's editable copy) and
its PDF through the paper pipeline (.docx → HTML → WeasyPrint), with vector charts.

A block is a styled paragraph, a ``Table``, a ``Figure`` (PNG in the .docx, SVG in the PDF, tied
by the picture's description) or a ``Blank``: a place only a person can write (经验做法, 存在问题),
shown as a marked 【请填写：…】 paragraph until ``--set`` fills it.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

from docgen.atomic import atomic_path
from docgen.docx_xml import p_element, tr_element
from docgen.papers.title_breaks import balance_titles
from docgen.reports.charts import CHART_WIDTH_MM, bar_chart
from docgen.reports.stats import Tally

FIGURE_MARK = "docgen-figure:"
#: A place left for the clerk: the .docx shows it in this form, the checks look for it.
BLANK_MARK = "【请填写：{label}】"
FIRST_COLUMN_MM = 34  # a statistics table's name column (责任单位, 包案领导)
CLOSING = "特此报告。"  # a 报告's last body line: the 署名 page always carries body text


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: list[tuple[object, ...]]
    caption: str = ""  # printed above as “表N　caption” (tables never touch: Word would merge them)


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    tallies: tuple[Tally, ...]


@dataclass(frozen=True)
class Blank:
    label: str
    text: str | None = None  # the clerk's words, once given


Block = tuple[str, str] | Table | Figure | Blank


@dataclass(frozen=True)
class ReportPaper:
    org_mark: str
    doc_no: str
    signer: str
    title: str
    addressee: str
    blocks: list[Block]
    sender: str
    date_text: str
    attachments: tuple[str, ...] = ()


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return "" if value is None else str(value)


def _style(paragraph, style_id: str) -> None:  # type: ignore[no-untyped-def]
    """Give a table cell's paragraph a style by its id. python-docx 1.2's ``paragraph.style = …``
    looks the document's default style up on every call (~5 ms: seconds over a report's
    tables); its documented escape hatch, the paragraph's element, is used here only."""
    p_element(paragraph).get_or_add_pPr().style = style_id


def charts_of(paper: ReportPaper) -> dict[str, tuple[bytes, str]]:
    """Each figure's chart drawn once: key → (PNG for the .docx, SVG for the PDF)."""
    return {b.key: bar_chart(b.title, b.tallies, b.key) for b in paper.blocks
            if isinstance(b, Figure)}  # fmt: skip


def build_docx(paper: ReportPaper, charts: dict[str, tuple[bytes, str]] | None = None):  # type: ignore[no-untyped-def]
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.shared import Mm

    from docgen.typeset.docx_base import base_path
    from docgen.typeset.variants import TEXT_WIDTH_MM

    document = Document(str(base_path("document")))
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    document.add_paragraph(paper.org_mark, style="OrgMark")
    if paper.signer:  # 上行文: 文号 left, 签发人 right (GB/T 9704 7.2.5)
        number = document.add_paragraph(style="DocNumberUp")
        number.add_run(f"\u3000{paper.doc_no}\t签发人：")
        number.add_run(paper.signer, style="Kai")
    else:  # no 签发人 known: the 文号 alone, never an empty label
        document.add_paragraph(paper.doc_no, style="DocNumber")
    document.add_paragraph(paper.title, style="DocTitle")
    document.add_paragraph(f"{paper.addressee}：", style="Recipient")
    tables = 0
    for block in paper.blocks:
        if isinstance(block, Table):
            tables += 1
            if block.caption:
                caption = document.add_paragraph(f"表{tables}　{block.caption}", style="FormLabel")
                caption.paragraph_format.keep_with_next = True
            table = document.add_table(rows=0, cols=len(block.header))
            table.style = "FormTable"
            first = FIRST_COLUMN_MM if len(block.header) > 2 else TEXT_WIDTH_MM / 2
            rest = (TEXT_WIDTH_MM - first) / (len(block.header) - 1)
            for n, column in enumerate(table.columns):  # names need room, figures do not
                column.width = Mm(first if n == 0 else rest)
            for n, values in enumerate([block.header, *block.rows]):
                row = table.add_row()
                if n == 0:  # a header row: repeated on every page, never left alone at a foot
                    tr_element(row).get_or_add_trPr().append(OxmlElement("w:tblHeader"))
                cells = row.cells
                for k, (cell, value) in enumerate(zip(cells, values, strict=True)):
                    cell.width = Mm(first if k == 0 else rest)  # Word and WPS read the cell's
                    _style(cell.paragraphs[0], "FormLabel" if n == 0 else "FormCell")
                    cell.paragraphs[0].add_run(_cell(value))
        elif isinstance(block, Figure):
            picture = document.add_paragraph(style="FormLabel")
            # the style's exact line height would clip an inline picture to one line in Word
            picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            png = (charts or charts_of(paper))[block.key][0]
            picture.add_run().add_picture(io.BytesIO(png), width=Mm(CHART_WIDTH_MM))
            doc_pr = p_element(picture).xpath(".//wp:docPr")[0]
            doc_pr.set("descr", FIGURE_MARK + block.key)
            document.add_paragraph(block.title, style="FormLabel")
        elif isinstance(block, Blank):
            if block.text:
                for line in block.text.splitlines() or [block.text]:
                    document.add_paragraph(line, style="Body")
            else:  # highlighted in Word/WPS and in the PDF, so no one sends it unfilled
                run = document.add_paragraph(style="Body").add_run(
                    BLANK_MARK.format(label=block.label)
                )
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        else:
            style, text = block
            document.add_paragraph(text, style=style)
    document.add_paragraph(CLOSING, style="Body")
    if paper.attachments:  # one paragraph, a line each: the blank line only above the first
        attachment = document.add_paragraph(style="Attachment")
        # left, not justified: Word spreads a justified line that ends in a line break
        attachment.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for n, name in enumerate(paper.attachments, start=1):
            run = attachment.add_run(("附件：" if n == 1 else "\u3000" * 5)
                                     + (f"{n}．{name}" if len(paper.attachments) > 1 else name))  # fmt: skip
            if n < len(paper.attachments):
                run.add_break()
    signature = document.add_paragraph(paper.sender, style="Signature")
    document.paragraphs[-2].paragraph_format.keep_with_next = True
    del signature
    document.add_paragraph(paper.date_text, style="DocDate")
    balance_titles(document)
    document.core_properties.title = paper.title
    document.core_properties.category = "docgen-format:document"
    return document


def figure_image(svg: str, title: str) -> str:
    """A chart's SVG as an ``<img>`` of a ``data:`` URL, drawn the same as the SVG inline (at its
    own size): WeasyPrint cascades the page's stylesheet over every element of an inline SVG
    (some 500 for a 月报's two charts: near half the page's styles), and not inside an image."""
    data = base64.b64encode(svg.encode()).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(title)}">'


def html_with_figures(body: str, figures: dict[str, str]) -> str:
    """The converter leaves a figure's paragraph empty: put each figure there, in block order."""
    charts = iter(figures.values())
    out: list[str] = []
    pos = 0
    for m in re.finditer(r'<p class="s-FormLabel[^"]*">\u00a0</p>', body):
        chart = next(charts, None)
        if chart is None:
            break
        out.append(body[pos : m.start()])
        out.append(f'<div class="report-figure">{chart}</div>')
        pos = m.end()
    out.append(body[pos:])
    return "".join(out).replace(
        '<table class="t-FormTable">', '<table class="t-FormTable t-Stats">'
    )


def write_report(paper: ReportPaper, docx_path: Path, pdf_path: Path, typesetter=None):  # type: ignore[no-untyped-def]
    """→ (.docx, PDF page count). Both written atomically; the PDF is typeset from the .docx,
    which then names the office fonts the PDF is set in (``docgen.papers.docx_fonts``, as for
    every paper)."""
    from docgen.papers.docx_fonts import font_names, name_fonts
    from docgen.typeset.docx_to_html import docx_to_html
    from docgen.typeset.render import default_typesetter

    setter = typesetter or default_typesetter()
    charts = charts_of(paper)
    document = build_docx(paper, charts)
    with atomic_path(docx_path) as tmp:
        document.save(str(tmp))
    converted = docx_to_html(docx_path)
    titles = {b.key: b.title for b in paper.blocks if isinstance(b, Figure)}
    images = {k: figure_image(svg, titles[k]) for k, (_png, svg) in charts.items()}
    body = html_with_figures(converted.body, images)
    result = setter.typeset_html(body, converted.variant, pdf_path, converted.title)
    name_fonts(docx_path, font_names(setter.fonts))
    return result.pages
