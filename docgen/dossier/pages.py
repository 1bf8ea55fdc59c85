"""Dossier facts → HTML + CSS for the pages docgen draws itself: 案卷封面, 卷内目录, 卷内备考表,
and the transparent overlay pages that carry the archival page number and the 归档章.

Pure string building (no I/O); ``render`` turns these into WeasyPrint pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from docgen.fonts import ResolvedFont, css_font_stack, font_face_css

A4_W_PT = 595.2756
A4_H_PT = 841.8898


@dataclass(frozen=True)
class TocRow:
    seq: int  # 顺序号
    doc_no: str
    author: str
    title: str
    date: dt.date | None
    page: int  # archival page number where the document starts
    last_page: int
    note: str = ""


@dataclass(frozen=True)
class CoverFacts:
    archive_no: str  # 档号
    title: str  # 案卷题名
    unit: str  # 责任单位
    leader: str  # 包案领导
    first: dt.date | None
    last: dt.date | None
    items: int  # 件数
    pages: int  # 页数
    retention: str  # 保管期限
    filer: str  # 立卷人
    filed_on: dt.date  # 立卷日期
    org: str


@dataclass(frozen=True)
class StampFacts:
    """归档章 cells: 全宗号 年度 保管期限 / 件号 页数 机构."""

    fonds: str
    year: str
    retention: str
    item_no: str
    pages: int
    unit_code: str


def cn_date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def compact_date(value: dt.date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def css(fonts: dict[str, ResolvedFont], *, font_faces: bool = True) -> str:
    """The dossier pages' CSS; ``font_faces=False`` when the font configuration already holds the
    prepared faces (registered by a paper stylesheet), which saves loading them again."""
    body = css_font_stack(fonts["body"])
    title = css_font_stack(fonts["title"])
    sans = css_font_stack(fonts["heading1"])
    number = css_font_stack(fonts["page_number"])
    faces = font_face_css(fonts) if font_faces else ""
    return f"""{faces}
@page {{ size: A4; margin: 25mm 20mm 25mm 25mm; }}
@page overlay {{ size: A4; margin: 0; }}
* {{ bookmark-level: none; }}
body {{ font-family: {body}; font-size: 14pt; margin: 0; }}
.sheet {{ break-after: page; }}
h1 {{ font-family: {title}; font-size: 26pt; text-align: center; margin: 10mm 0 12mm;
      font-weight: bold; letter-spacing: 4pt; }}
h2 {{ font-family: {title}; font-size: 20pt; text-align: center; margin: 0 0 8mm;
      font-weight: bold; letter-spacing: 2pt; }}
.cover .org {{ text-align: center; font-size: 16pt; margin-top: 5mm; }}
.cover table {{ width: 100%; border-collapse: collapse; margin-top: 8mm; }}
.cover th {{ font-family: {sans}; font-weight: normal; width: 32mm; text-align: justify;
            text-align-last: justify; padding: 3.2mm 4mm 3.2mm 0; vertical-align: top; }}
.cover td {{ border-bottom: 0.6pt solid #000; padding: 3.2mm 2mm; }}
.cover .archno {{ text-align: right; font-size: 12pt; margin-bottom: 18mm; }}
table.toc {{ width: 100%; border-collapse: collapse; font-size: 10.5pt; table-layout: fixed; }}
table.toc th, table.toc td {{ border: 0.6pt solid #000; padding: 1.6mm 1.2mm; }}
table.toc th {{ font-family: {sans}; font-weight: normal; text-align: center; }}
table.toc td.c {{ text-align: center; }}
table.toc thead {{ display: table-header-group; }}
.backnote table {{ width: 100%; border-collapse: collapse; }}
.backnote td {{ border: 0.6pt solid #000; padding: 4mm; vertical-align: top; }}
.backnote .say {{ height: 150mm; }}
.backnote .say p {{ margin: 0 0 2mm; text-indent: 2em; }}
.ov {{ page: overlay; break-after: page; position: relative; width: 210mm; height: 296mm; }}
.ov .no {{ position: absolute; top: 8mm; right: 12mm; font-family: {number};
          font-size: 12pt; }}
.ov .sd {{ position: absolute; font-family: {sans}; }}
.ov .stamp {{ position: absolute; top: 10mm; left: 82.5mm; table-layout: fixed; width: 45mm; height: 16mm;
             border-collapse: collapse; color: #d40000; font-family: {sans}; font-size: 7pt; }}
.ov .stamp td {{ border: 0.8pt solid #d40000; width: 15mm; height: 8mm; text-align: center;
                vertical-align: middle; padding: 0; }}
"""


def cover_html(f: CoverFacts) -> str:
    span = "—".join(x for x in (cn_date(f.first), cn_date(f.last)) if x)
    rows = [
        ("案卷题名", f.title),
        ("责任单位", f.unit),
        ("包案领导", f.leader),
        ("起止日期", span),
        ("件数", f"{f.items} 件"),
        ("页数", f"{f.pages} 页"),
        ("保管期限", f.retention),
        ("立卷人", f.filer),
        ("立卷日期", cn_date(f.filed_on)),
    ]
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return (
        f'<section class="sheet cover"><p class="archno">档号：{escape(f.archive_no)}</p>'
        f'<h1>信访事项案卷</h1><p class="org">{escape(f.org)}</p><table>{body}</table></section>'
    )


#: 卷内目录 column widths (mm); 题名 takes the rest of the line.
TOC_COLUMNS = (("顺序号", 11), ("文号", 30), ("责任者", 24), ("题名", None), ("日期", 19),
               ("页号", 11), ("备注", 12))  # fmt: skip


def toc_html(rows: list[TocRow]) -> str:
    cols = "".join(f'<col style="width: {w}mm">' if w else "<col>" for _, w in TOC_COLUMNS)
    head = "".join(f"<th>{h}</th>" for h, _ in TOC_COLUMNS)
    body = "".join(
        f'<tr><td class="c">{r.seq}</td><td>{escape(r.doc_no)}</td><td>{escape(r.author)}</td>'
        f'<td>{escape(r.title)}</td><td class="c">{compact_date(r.date)}</td>'
        f'<td class="c">{r.page}</td><td>{escape(r.note)}</td></tr>'
        for r in rows
    )
    return (
        f'<section class="sheet toc"><h2>卷内目录</h2><table class="toc"><colgroup>{cols}</colgroup><thead><tr>{head}</tr>'
        f"</thead><tbody>{body}</tbody></table></section>"
    )


def back_note_html(statement: list[str], filer: str, checker: str, on: dt.date) -> str:
    said = "".join(f"<p>{escape(line)}</p>" for line in statement)
    return (
        '<section class="sheet backnote"><h2>卷内备考表</h2><table>'
        f'<tr><td class="say"><b>本卷情况说明：</b>{said}</td></tr>'
        f"<tr><td>立卷人：{escape(filer)}</td></tr><tr><td>检查人：{escape(checker)}</td></tr>"
        f"<tr><td>立卷日期：{cn_date(on)}</td></tr></table></section>"
    )


MM = 72 / 25.4
NUMBER_PT = 12.0  # archival page number: 12 pt, right edge 12 mm from the page's right side
NUMBER_TOP_MM = 8.0
NUMBER_RIGHT_MM = 12.0
STAMP_PT = 7.0  # 归档章 text
STAMP_LEFT_MM, STAMP_TOP_MM, CELL_W_MM, CELL_H_MM = 82.5, 10.0, 15.0, 8.0


def digit_pages_html(size_pt: float, color: str, top: str, css_class: str = "no") -> str:
    """Ten overlay pages, each holding one digit at the left edge and ``top`` (CSS length).

    They become Form XObjects drawn side by side for any number, so numbering a page needs no
    layout (reuse instead of one rendered overlay per page)."""
    style = f"left: 0; right: auto; top: {top}; font-size: {size_pt}pt; color: {color};"
    return "".join(
        f'<div class="ov"><span class="{css_class}" style="{style} line-height: 1">{d}</span></div>'
        for d in "0123456789"
    )


def stamp_frame_html(stamp: StampFacts) -> str:
    """One overlay page: the 归档章 box with its fixed cells (全宗号 年度 保管期限 / — — 机构);
    件号 and 页数 are drawn into the empty cells with the red digits."""
    top = (stamp.fonds, stamp.year, stamp.retention)
    low = ("", "", stamp.unit_code)
    cells = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in (top, low)
    )
    return f'<div class="ov"><table class="stamp">{cells}</table></div>'


def number_top_css() -> str:
    return f"{NUMBER_TOP_MM}mm"


def stamp_digit_top_css() -> str:
    return f"calc({STAMP_TOP_MM + CELL_H_MM * 1.5}mm - {STAMP_PT / 2 - 0.6}pt)"
