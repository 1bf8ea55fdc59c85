"""Generated PDF (front, papers, back note, overlays) + source PDFs → one ``PdfWriter``.

Pages are added in binding order; a source page keeps its content streams untouched (the overlay
is drawn by an extra stream appended after the original ones, wrapped so graphics state cannot
leak). Overlays are turned into Form XObjects once each and aligned to each page's top-right
corner; bookmarks are added per section and per document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)

from archive.dossier.pages import A4_H_PT, A4_W_PT


@dataclass
class Part:
    """A run of pages taken from one reader: ``reader.pages[start:start + count]``."""

    reader: PdfReader
    start: int
    count: int


@dataclass
class Outline:
    title: str
    page: int  # 0-based index in the output
    children: list[Outline] = field(default_factory=list)


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def form_xobject(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """A rendered overlay page → a Form XObject in ``writer`` (resources shared by reference)."""
    form = DecodedStreamObject()
    contents = page.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    resources = page.get("/Resources")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(page.mediabox),
            NameObject("/Resources"): (
                resources.get_object().clone(writer)
                if resources is not None
                else DictionaryObject()
            ),
        }
    )
    return writer._add_object(form.flate_encode())


@dataclass(frozen=True)
class Mark:
    """Draw the Form XObject ``name`` translated by (x, y) in the overlay's A4 coordinates."""

    name: str
    x: float
    y: float = 0.0


def stamp(writer: PdfWriter, page: PageObject, forms: dict[str, IndirectObject],
          marks: list[Mark]) -> None:  # fmt: skip
    """Draw ``marks`` on ``page``, the overlay's top-right corner at the page's top-right corner.

    The page's own content streams are kept as they are; one stream is added before (``q``) and
    one after (``Q`` + the marks)."""
    box = page.mediabox
    dx, dy = float(box.right) - A4_W_PT, float(box.top) - A4_H_PT
    old = page.get("/Resources")
    resources = DictionaryObject(old.get_object()) if old is not None else DictionaryObject()
    xobjects = resources.get("/XObject")
    xobjects = (
        DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
    )
    for mark in marks:
        xobjects[NameObject(mark.name)] = forms[mark.name]
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    raw = page.raw_get("/Contents") if "/Contents" in page else None
    if raw is None:
        existing: list = []  # type: ignore[type-arg]
    elif isinstance(raw.get_object(), ArrayObject):
        existing = list(raw.get_object())
    else:
        existing = [raw]
    draws = " ".join(f"q 1 0 0 1 {m.x:.3f} {m.y:.3f} cm {m.name} Do Q" for m in marks)
    head = _stream(writer, b"q\n")
    tail = _stream(writer, f"\nQ q 1 0 0 1 {dx:.3f} {dy:.3f} cm {draws} Q\n".encode())
    page[NameObject("/Contents")] = ArrayObject([head, *existing, tail])


def compose(
    parts: list[Part],
    forms: dict[str, tuple[PdfReader, int]],
    marks: dict[int, list[Mark]],
    outline: list[Outline],
    metadata: dict[str, str],
) -> PdfWriter:
    """Parts in order → writer; ``forms`` names overlay pages turned into Form XObjects once,
    ``marks`` says which of them to draw where on each output page (by index)."""
    writer = PdfWriter()
    for part in parts:
        for i in range(part.start, part.start + part.count):
            writer.add_page(part.reader.pages[i])
    used = {m.name for page_marks in marks.values() for m in page_marks}
    refs = {name: form_xobject(writer, reader.pages[i]) for name, (reader, i) in forms.items()
            if name in used}  # fmt: skip
    for index, page_marks in marks.items():
        stamp(writer, writer.pages[index], refs, page_marks)
    for entry in outline:
        parent = writer.add_outline_item(title=entry.title, page_number=entry.page)
        for child in entry.children:
            writer.add_outline_item(title=child.title, page_number=child.page, parent=parent)
    writer.add_metadata(metadata)
    writer.page_mode = "/UseOutlines"
    return writer


PDFA_VARIANT = "pdf/a-2u"


def declare_pdfa(writer: PdfWriter, rendered: PdfReader) -> None:
    """Carry WeasyPrint's PDF/A declaration (sRGB OutputIntent, XMP with pdfaid) from the
    generated part into the composed file; the scanned parts are images, which PDF/A-2 allows."""
    root = rendered.trailer["/Root"]
    for key in ("/OutputIntents", "/Metadata"):
        if key in root:
            writer.root_object[NameObject(key)] = root.raw_get(key).clone(writer)
    writer.generate_file_identifiers()  # PDF/A requires the trailer /ID
