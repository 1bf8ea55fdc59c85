"""Filled .docx + the typesetter's page decision → .docx whose 版记 stands alone on its page.

GB/T 9704 7.4.1: the 版记 is at the foot of the last page, and the last page of a paper printed
on both sides is an even one; 7.5: that page, holding only the 版记, carries no page number. The
PDF typesetter decides (``TypesetResult.imprint_alone``); this module writes the same decision
into the .docx as a section break before the 版记 table, the new section having empty headers and
footers, so Word, WPS and LibreOffice put the 版记 on the same page as our PDF, unnumbered.
"""

from __future__ import annotations

import copy
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from docgen import atomic

_SECT_ORDER_AFTER_TYPE = ("w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType",
                          "w:pgNumType", "w:cols", "w:formProt", "w:vAlign", "w:noEndnote",
                          "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid",
                          "w:printerSettings", "w:sectPrChange")  # fmt: skip


def _imprint_table(body):  # type: ignore[no-untyped-def]
    """The floating 版记 table (style ImprintTable, anchored by w:tblpPr), or None."""
    for tbl in body.iterchildren(qn("w:tbl")):
        tbl_pr = tbl.find(qn("w:tblPr"))
        if tbl_pr is None or tbl_pr.find(qn("w:tblpPr")) is None:
            continue
        style = tbl_pr.find(qn("w:tblStyle"))
        if style is not None and style.get(qn("w:val")) == "ImprintTable":
            return tbl
    return None


def _tiny_paragraph():  # type: ignore[no-untyped-def]
    """An empty paragraph 1 pt tall (as the 版记 table's anchor): it takes no line."""
    paragraph = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    spacing = OxmlElement("w:spacing")
    for key, value in (("before", "0"), ("after", "0"), ("line", "20"), ("lineRule", "exact")):
        spacing.set(qn(f"w:{key}"), value)
    ppr.append(spacing)
    paragraph.append(ppr)
    return paragraph


def has_imprint_section(document) -> bool:  # type: ignore[no-untyped-def]
    """Whether a python-docx document already starts its 版记 on a section of its own: a
    section break in one of the paragraphs just before the 版记 table."""
    table = _imprint_table(document.element.body)
    previous = table.getprevious() if table is not None else None
    for _ in range(2):
        if previous is None or previous.tag != qn("w:p"):
            return False
        ppr = previous.find(qn("w:pPr"))
        if ppr is not None and ppr.find(qn("w:sectPr")) is not None:
            return True
        previous = previous.getprevious()
    return False


def put_imprint_on_its_own_page(path: Path) -> bool:
    """Start the 版记 on a new, unnumbered section; False when there is no 版记 or it already
    has its own section. The file is replaced atomically."""
    document = Document(str(path))
    body = document.element.body
    table = _imprint_table(body)
    final = body.find(qn("w:sectPr"))
    if table is None or final is None:
        return False
    if has_imprint_section(document):
        return False
    before = table.getprevious()
    if before is None or before.tag != qn("w:p"):
        before = _tiny_paragraph()
        table.addprevious(before)
    ppr = before.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        before.insert(0, ppr)
    # The new section opens with a 1-pt paragraph: LibreOffice keeps a floating table that
    # directly follows a section break on the previous page (measured, LibreOffice 7.4).
    table.addprevious(_tiny_paragraph())
    # The body's section (page set-up, its headers and footers) now ends before the 版记 …
    change = ppr.find(qn("w:pPrChange"))
    ended = copy.deepcopy(final)
    if change is not None:
        change.addprevious(ended)
    else:
        ppr.append(ended)
    # … and the 版记's section is the same page set-up with empty headers and footers.
    for tag in ("w:headerReference", "w:footerReference", "w:titlePg", "w:type"):
        for element in final.findall(qn(tag)):
            final.remove(element)
    kind = OxmlElement("w:type")
    kind.set(qn("w:val"), "nextPage")
    successor = next((final.find(qn(t)) for t in _SECT_ORDER_AFTER_TYPE
                      if final.find(qn(t)) is not None), None)  # fmt: skip
    if successor is not None:
        successor.addprevious(kind)
    else:
        final.append(kind)
    section = document.sections[-1]
    section.different_first_page_header_footer = False
    for part in (section.header, section.even_page_header, section.footer,
                 section.even_page_footer):  # fmt: skip
        part.is_linked_to_previous = False  # a new, empty definition
    atomic.write_with(Path(path), lambda target: document.save(str(target)))
    return True
