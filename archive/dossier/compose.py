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


def stamp(writer: PdfWriter, page: PageObject, form: IndirectObject, name: str) -> None:
    """Draw ``form`` on ``page`` with its top-right corner at the page's top-right corner."""
    box = page.mediabox
    dx, dy = float(box.right) - A4_W_PT, float(box.top) - A4_H_PT
    old = page.get("/Resources")
    resources = DictionaryObject(old.get_object()) if old is not None else DictionaryObject()
    xobjects = resources.get("/XObject")
    xobjects = (
        DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
    )
    xobjects[NameObject(name)] = form
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    raw = page.raw_get("/Contents") if "/Contents" in page else None
    if raw is None:
        existing: list = []  # type: ignore[type-arg]
    elif isinstance(raw.get_object(), ArrayObject):
        existing = list(raw.get_object())
    else:
        existing = [raw]
    head = _stream(writer, b"q\n")
    tail = _stream(writer, f"\nQ q 1 0 0 1 {dx:.4f} {dy:.4f} cm {name} Do Q\n".encode())
    page[NameObject("/Contents")] = ArrayObject([head, *existing, tail])


def compose(
    parts: list[Part],
    overlays: dict[int, tuple[PdfReader, int]],
    outline: list[Outline],
    metadata: dict[str, str],
) -> PdfWriter:
    """Parts in order → writer; ``overlays`` maps an output page index to its overlay page."""
    writer = PdfWriter()
    for part in parts:
        for i in range(part.start, part.start + part.count):
            writer.add_page(part.reader.pages[i])
    for index, (reader, overlay_index) in overlays.items():
        form = form_xobject(writer, reader.pages[overlay_index])
        stamp(writer, writer.pages[index], form, f"/DocgenArch{index}")
    for entry in outline:
        parent = writer.add_outline_item(title=entry.title, page_number=entry.page)
        for child in entry.children:
            writer.add_outline_item(title=child.title, page_number=child.page, parent=parent)
    writer.add_metadata(metadata)
    writer.page_mode = "/UseOutlines"
    return writer
