"""Generated PDF (front, papers, back note, overlays) + source PDFs → one ``PdfWriter``.

Pages are added in binding order; a source page keeps its content streams untouched (the overlay
is drawn by an extra stream appended after the original ones, wrapped so graphics state cannot
leak). Overlays are turned into Form XObjects once each and aligned to each page's top-right
corner; bookmarks are added per section and per document. Form widgets of source pages (the
signature field of a signed paper) are flattened: their appearance (the seal) is drawn into the
page and the widget dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)

from docgen.dossier.pages import A4_H_PT, A4_W_PT
from docgen.typeset.pdf_output import add_object


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
    return add_object(writer, stream)


def form_xobject(writer: PdfWriter, page: PageObject,
                 shared: dict[int, IndirectObject] | None = None) -> IndirectObject:  # fmt: skip
    """A rendered overlay page → a Form XObject in ``writer``. Its resources dictionary is copied
    once into ``writer`` and then shared by reference by every form made from pages that have the
    same one (``shared`` remembers the copies: the overlay pages of one WeasyPrint write)."""
    form = DecodedStreamObject()
    contents = page.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    resources = page.get("/Resources")
    if resources is None:
        copied: Any = DictionaryObject()
    else:
        source = resources.get_object()
        shared = {} if shared is None else shared
        if id(source) not in shared:
            shared[id(source)] = add_object(writer, source.clone(writer))
        copied = shared[id(source)]
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(page.mediabox),
            NameObject("/Resources"): copied,
        }
    )
    return add_object(writer, form.flate_encode(level=9))


@dataclass(frozen=True)
class Mark:
    """Draw the Form XObject ``name`` translated by (x, y) in the overlay's A4 coordinates."""

    name: str
    x: float
    y: float = 0.0


def stamp(writer: PdfWriter, page: PageObject, forms: dict[str, IndirectObject],
          marks: list[Mark]) -> None:  # fmt: skip
    """Draw ``marks`` on ``page``, the overlay's top-right corner at the page's top-right corner."""
    box = page.mediabox
    dx, dy = float(box.right) - A4_W_PT, float(box.top) - A4_H_PT
    draws, at = [], (0, 0)  # each mark moved to from the previous one, in 0.001 pt
    for m in marks:
        target = (round(m.x * 1000), round(m.y * 1000))
        draws.append(f"{_moved(target[0] - at[0], target[1] - at[1])}{m.name} Do")
        at = target
    shift = _moved(round(dx * 1000), round(dy * 1000))
    _draw_over(writer, page, {m.name: forms[m.name] for m in marks},
               f"q {shift}{' '.join(draws)} Q")  # fmt: skip


def _moved(x: int, y: int) -> str:
    """The ``cm`` operator translating by (x, y) thousandths of a point, or nothing for (0, 0).
    A Form XObject's drawing cannot change the graphics state around it (``Do`` saves and restores
    it), so the marks of a page need no ``q``/``Q`` each, only the move from one to the next."""
    return "" if x == y == 0 else f"1 0 0 1 {_milli(x)} {_milli(y)} cm "


def _milli(value: int) -> str:
    text = f"{value / 1000:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _draw_over(writer: PdfWriter, page: PageObject, xobjects: dict[str, Any], ops: str) -> None:
    """Draw ``ops`` (using ``xobjects``) over ``page``. The page's own content streams are kept
    as they are; one stream is added before (``q``) and one after (``Q`` + ``ops``)."""
    old = page.get("/Resources")
    resources = DictionaryObject(old.get_object()) if old is not None else DictionaryObject()
    current = resources.get("/XObject")
    current = DictionaryObject(current.get_object()) if current is not None else DictionaryObject()
    for name, ref in xobjects.items():
        current[NameObject(name)] = ref
    resources[NameObject("/XObject")] = current
    page[NameObject("/Resources")] = resources
    raw = page.raw_get("/Contents") if "/Contents" in page else None
    if raw is None:
        existing: list = []  # type: ignore[type-arg]
    elif isinstance(raw.get_object(), ArrayObject):
        existing = list(raw.get_object())
    else:
        existing = [raw]
    head = _stream(writer, b"q\n")
    tail = _stream(writer, f"\nQ {ops}\n".encode())
    page[NameObject("/Contents")] = ArrayObject([head, *existing, tail])


_HIDDEN = 0b10 | 0b100000  # annotation flags Hidden and NoView


def flatten_widgets(writer: PdfWriter, page: PageObject) -> int:
    """Draw each form widget's appearance into ``page`` and drop the widget; → how many.

    An issued paper signed with the seal as the signature's look keeps the seal; the signature
    field itself belongs to that paper's file, not to the dossier (its own signature comes last).
    """
    annots = page.get("/Annots")
    if annots is None:
        return 0
    kept, xobjects, ops = ArrayObject(), {}, []
    for ref in annots.get_object():
        annot = ref.get_object()
        if annot.get("/Subtype") != "/Widget":
            kept.append(ref)
            continue
        placed = _appearance_placement(annot)
        if placed is not None and not int(annot.get("/F", 0)) & _HIDDEN:
            form, matrix = placed
            name = f"/DocgenW{len(xobjects)}"
            xobjects[name] = form
            ops.append("q " + " ".join(f"{v:.6f}" for v in matrix) + f" cm {name} Do Q")
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page["/Annots"]
    if xobjects:
        _draw_over(writer, page, xobjects, " ".join(ops))
    return len(xobjects)


def _appearance_placement(annot: DictionaryObject) -> tuple[Any, list[float]] | None:
    """(normal appearance stream, matrix placing it in /Rect) per the PDF appearance rules."""
    ap = annot.get("/AP")
    normal = ap.get_object().get("/N") if ap is not None else None
    if normal is None or "/Rect" not in annot:
        return None
    stream = normal.get_object()
    if "/BBox" not in stream:  # appearance states (check boxes): the current one
        state = annot.get("/AS")
        normal = stream.get(state) if state is not None else None
        if normal is None:
            return None
        stream = normal.get_object()
    a, b, c, d, e, f = (float(v) for v in stream.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    x0, y0, x1, y1 = (float(v) for v in stream["/BBox"])
    corners = [(a * x + c * y + e, b * x + d * y + f) for x in (x0, x1) for y in (y0, y1)]
    bx0, bx1 = min(p[0] for p in corners), max(p[0] for p in corners)
    by0, by1 = min(p[1] for p in corners), max(p[1] for p in corners)
    r = [float(v) for v in annot["/Rect"]]
    rx0, rx1, ry0, ry1 = min(r[0], r[2]), max(r[0], r[2]), min(r[1], r[3]), max(r[1], r[3])
    if bx1 <= bx0 or by1 <= by0:
        return None
    sx, sy = (rx1 - rx0) / (bx1 - bx0), (ry1 - ry0) / (by1 - by0)
    return normal, [sx, 0.0, 0.0, sy, rx0 - sx * bx0, ry0 - sy * by0]


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
            flatten_widgets(writer, writer.add_page(part.reader.pages[i]))
    used = {m.name for page_marks in marks.values() for m in page_marks}
    resources: dict[int, IndirectObject] = {}
    refs = {name: form_xobject(writer, reader.pages[i], resources)
            for name, (reader, i) in forms.items() if name in used}  # fmt: skip
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
