"""A seal PDF + a target PDF writer → one shared Form XObject, and pages that draw it.

The seal page is imported once as a Form XObject; every page that carries the seal (whole or a
strip of it) only gets a small content stream ``q … cm … re W n /Name Do Q`` and a resource entry
pointing at that same object. Page coordinates are handled "as displayed": origin at the top-left
of the visible page (CropBox), y downwards, /Rotate taken into account.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
    StreamObject,
)

from docgen.seal.errors import SealError
from docgen.seal.geometry import Matrix, cm, num

SEAL_RESOURCE_NAME = "/DGSeal"


@dataclass(frozen=True)
class PageFrame:
    """A page as the reader sees it: displayed size and the map from display to user space."""

    width: float  # points, as displayed
    height: float
    display_to_user: Matrix  # displayed coordinates, origin bottom-left, y up → user space


def page_frame(page: PageObject) -> PageFrame:
    box = page.cropbox if "/CropBox" in page else page.mediabox
    x0, y0 = float(box.left), float(box.bottom)
    w, h = float(box.width), float(box.height)
    rotate = int(page.get("/Rotate", 0) or 0) % 360
    if rotate == 0:
        return PageFrame(w, h, (1.0, 0.0, 0.0, 1.0, x0, y0))
    if rotate == 90:
        return PageFrame(h, w, (0.0, 1.0, -1.0, 0.0, x0 + w, y0))
    if rotate == 180:
        return PageFrame(w, h, (-1.0, 0.0, 0.0, -1.0, x0 + w, y0 + h))
    if rotate == 270:
        return PageFrame(h, w, (0.0, -1.0, 1.0, 0.0, x0, y0 + h))
    raise SealError(f"页面旋转角度 {rotate} 无效（应为 90 的整数倍）", code="seal_page")


def is_signed(reader: PdfReader) -> bool:
    """Whether the PDF carries a filled signature field (rewriting it would break the signature)."""
    form = reader.trailer["/Root"].get("/AcroForm")
    if form is None:
        return False
    stack = list(form.get_object().get("/Fields") or [])
    while stack:
        field = stack.pop().get_object()
        if field.get("/FT") == "/Sig" and field.get("/V") is not None:
            return True
        stack.extend(field.get("/Kids") or [])
    return False


def refuse_signed(reader: PdfReader, name: str, action: str) -> None:
    if is_signed(reader):
        raise SealError(
            f"{name} 已有数字签名，{action}会使签名失效：签名必须是最后一步，请在签名前{action}",
            code="already_signed",
        )


def import_seal(writer: PdfWriter, seal_pdf: Path) -> tuple[IndirectObject, float, float]:
    """Add the seal's page as one Form XObject to ``writer``; return it with its width/height."""
    try:
        seal_page = PdfReader(seal_pdf).pages[0]
    except Exception as exc:
        raise SealError(f"无法读取印章文件 {seal_pdf}：{exc}", code="seal_missing") from exc
    box = seal_page.mediabox
    width, height = float(box.width), float(box.height)
    contents = seal_page.get_contents()
    data = contents.get_data() if contents is not None else b""
    existing = _existing_seal(writer, data)
    if existing is not None:  # stamped before (e.g. a paper inside a dossier): reuse that object
        return existing, width, height
    form = StreamObject()
    form.set_data(data)
    form = form.flate_encode()
    resources = seal_page.get("/Resources")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/FormType"): NumberObject(1),
            NameObject("/BBox"): RectangleObject(
                [float(box.left), float(box.bottom), float(box.right), float(box.top)]
            ),
            NameObject("/Resources"): (
                resources.get_object().clone(writer)
                if resources is not None
                else DictionaryObject()
            ),
        }
    )
    if float(box.left) or float(box.bottom):
        form[NameObject("/Matrix")] = ArrayObject(
            [FloatObject(v) for v in (1, 0, 0, 1, -float(box.left), -float(box.bottom))]
        )
    return writer._add_object(form), width, height


def _existing_seal(writer: PdfWriter, data: bytes) -> IndirectObject | None:
    """A seal XObject with the same drawing, placed by an earlier stamping pass."""
    for page in writer.pages:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            continue
        for name, ref in xobjects.get_object().items():
            if not name.startswith(SEAL_RESOURCE_NAME) or not isinstance(ref, IndirectObject):
                continue
            if ref.get_object().get_data() == data:
                return ref
    return None


class PageDrawer:
    """Appends seal drawings to pages of a writer, sharing one XObject and one ``q`` stream."""

    def __init__(self, writer: PdfWriter, seal_ref: IndirectObject) -> None:
        self.writer = writer
        self.seal_ref = seal_ref
        self._push: IndirectObject | None = None
        self._wrapped: set[int] = set()

    def draw(
        self,
        page_index: int,
        placement: Matrix,
        clip: tuple[float, float, float, float] | None = None,
    ) -> None:
        """Draw the seal on a page.

        ``placement`` maps seal coordinates to displayed coordinates (origin bottom-left, y up);
        ``clip`` is an optional (x, y, w, h) rectangle in displayed coordinates.
        """
        page = self.writer.pages[page_index]
        frame = page_frame(page)
        name = self._register(page)
        ops = ["q", cm(frame.display_to_user)]
        if clip is not None:
            ops.append(" ".join(num(v) for v in clip) + " re W n")
        ops += [cm(placement), f"{name} Do", "Q"]
        self._append(page_index, page, "\n".join(ops) + "\n")

    def _register(self, page: PageObject) -> str:
        if "/Resources" not in page:  # pypdf copies inherited resources onto each page
            page[NameObject("/Resources")] = DictionaryObject()
        resources = page["/Resources"].get_object()
        if "/XObject" not in resources:
            resources[NameObject("/XObject")] = DictionaryObject()
        xobjects = resources["/XObject"].get_object()
        for key, value in xobjects.items():
            if isinstance(value, IndirectObject) and value.idnum == self.seal_ref.idnum:
                return key
        name, n = SEAL_RESOURCE_NAME, 0
        while name in xobjects:
            n += 1
            name = f"{SEAL_RESOURCE_NAME}{n}"
        xobjects[NameObject(name)] = self.seal_ref
        return name

    def _append(self, page_index: int, page: PageObject, ops: str) -> None:
        existing = page.get("/Contents")
        parts: list[IndirectObject] = []
        if existing is not None:
            existing_obj = existing.get_object()
            if isinstance(existing_obj, ArrayObject):
                parts.extend(existing_obj)
            else:
                parts.append(
                    existing if isinstance(existing, IndirectObject) else self._add(existing)
                )
        if page_index not in self._wrapped:
            # Protect the seal from the page's own graphics state: q … original … Q.
            if self._push is None:
                self._push = self._add_stream(b"q\n")
            parts.insert(0, self._push)
            ops = "Q\n" + ops
            self._wrapped.add(page_index)
        parts.append(self._add_stream(ops.encode("ascii")))
        page[NameObject("/Contents")] = ArrayObject(parts)

    def _add_stream(self, data: bytes) -> IndirectObject:
        stream = StreamObject()
        stream.set_data(data)
        return self._add(stream)

    def _add(self, obj: object) -> IndirectObject:
        return self.writer._add_object(obj)  # type: ignore[arg-type]
