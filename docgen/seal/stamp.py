"""An existing PDF + a seal → the PDF with the seal stamped (whole, or as a 骑缝章 in strips).

One Form XObject holds the seal; each stamped page references it (see :mod:`xobject`). Positions
are in millimetres on the page as displayed: x from the left edge, y from the top edge.

骑缝章 rule (cross-page seal): the pages are split into groups; each group receives one
impression of the seal cut into as many equal vertical strips as the group has pages, strip *i*
on the right edge of page *i* of the group. A strip must stay legible, so a seal is cut into at
most ``max_strips`` strips (default 8) and no strip is narrower than ``min_strip_mm`` (default
5 mm; a 42 mm seal therefore gives at most 8 strips). With more pages than that, the pages are
split into the fewest groups that respect the limit, with sizes as equal as possible (e.g. 9 pages
→ 5 + 4; 17 pages → 6 + 6 + 5). A single page cannot carry a 骑缝章.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from docgen.atomic import write_bytes as atomic_write
from docgen.seal.draw import Seal
from docgen.seal.errors import SealError
from docgen.seal.geometry import mm, to_mm
from docgen.seal.xobject import PageDrawer, import_seal, page_frame, refuse_signed
from docgen.typeset.pdf_output import pdf_bytes

DEFAULT_MAX_STRIPS = 8
DEFAULT_MIN_STRIP_MM = 5.0


@dataclass(frozen=True)
class Placement:
    """One whole seal on one page: centre in mm (x from the left, y from the top)."""

    page_index: int
    center_mm: tuple[float, float]


@dataclass(frozen=True)
class StripPlacement:
    """One strip of a 骑缝章 impression on one page."""

    page_index: int
    group: int
    strip: int  # 0 = leftmost strip of the seal
    strips: int  # how many strips this impression is cut into
    x_range_mm: tuple[float, float]  # the strip's span on the page, from the left edge


@dataclass(frozen=True)
class StampResult:
    """What was stamped where."""

    path: Path
    pages: int
    seals: tuple[Placement, ...] = ()
    strips: tuple[StripPlacement, ...] = ()
    groups: tuple[tuple[int, ...], ...] = ()


def _seal_pdf(seal: Seal | Path) -> Path:
    return seal.pdf_path if isinstance(seal, Seal) else Path(seal)


class Stamper:
    """Open a PDF, import the seal once, place it on pages, write the result atomically."""

    def __init__(self, pdf_in: Path, seal: Seal | Path) -> None:
        self.pdf_in = Path(pdf_in)
        try:
            reader = PdfReader(self.pdf_in)
            if reader.is_encrypted:
                raise SealError(f"{self.pdf_in.name} 已加密，不能盖章", code="seal_pdf")
            refuse_signed(reader, self.pdf_in.name, "盖章")
            self.writer = PdfWriter(clone_from=reader)
        except (PdfReadError, OSError, ValueError) as exc:
            raise SealError(
                f"无法读取 PDF 文件 {self.pdf_in.name}：{exc}", code="seal_pdf"
            ) from exc
        ref, self.seal_w, self.seal_h = import_seal(self.writer, _seal_pdf(seal))
        self.drawer = PageDrawer(self.writer, ref)
        self.seals: list[Placement] = []
        self.strips: list[StripPlacement] = []
        self.groups: list[tuple[int, ...]] = []

    @property
    def page_count(self) -> int:
        return len(self.writer.pages)

    def _check_page(self, page_index: int) -> None:
        if not 0 <= page_index < self.page_count:
            raise SealError(
                f"页码 {page_index + 1} 超出范围（文件共 {self.page_count} 页）", code="seal_page"
            )

    def place(self, page_index: int, center_mm: tuple[float, float]) -> None:
        """Stamp the whole seal centred at ``center_mm`` on a page."""
        self._check_page(page_index)
        frame = page_frame(self.writer.pages[page_index])
        cx, cy = mm(center_mm[0]), frame.height - mm(center_mm[1])
        self.drawer.draw(
            page_index, (1.0, 0.0, 0.0, 1.0, cx - self.seal_w / 2, cy - self.seal_h / 2)
        )
        self.seals.append(Placement(page_index, (center_mm[0], center_mm[1])))

    def cross_page(
        self,
        pages: Sequence[int] | None = None,
        center_y_mm: float | None = None,
        max_strips: int = DEFAULT_MAX_STRIPS,
        min_strip_mm: float = DEFAULT_MIN_STRIP_MM,
    ) -> None:
        """Add a 骑缝章 over ``pages`` (default: all pages), in groups as the module doc says."""
        page_list = list(range(self.page_count)) if pages is None else list(pages)
        for index in page_list:
            self._check_page(index)
        groups = plan_groups(len(page_list), to_mm(self.seal_w), max_strips, min_strip_mm)
        start = 0
        for g, size in enumerate(groups):
            group = page_list[start : start + size]
            start += size
            self.groups.append(tuple(group))
            strip_w = self.seal_w / size
            for i, page_index in enumerate(group):
                frame = page_frame(self.writer.pages[page_index])
                cy = frame.height / 2 if center_y_mm is None else frame.height - mm(center_y_mm)
                bottom = cy - self.seal_h / 2
                left = frame.width - (i + 1) * strip_w  # seal origin so strip i meets the edge
                clip = (frame.width - strip_w, bottom, strip_w, self.seal_h)
                self.drawer.draw(page_index, (1.0, 0.0, 0.0, 1.0, left, bottom), clip)
                self.strips.append(
                    StripPlacement(
                        page_index,
                        g,
                        i,
                        size,
                        (to_mm(frame.width - strip_w), to_mm(frame.width)),
                    )
                )

    def write(self, pdf_out: Path) -> StampResult:
        self.writer.compress_identical_objects()
        atomic_write(Path(pdf_out), pdf_bytes(self.writer))
        return StampResult(
            Path(pdf_out),
            self.page_count,
            tuple(self.seals),
            tuple(self.strips),
            tuple(self.groups),
        )


def plan_groups(
    page_count: int,
    seal_width_mm: float,
    max_strips: int = DEFAULT_MAX_STRIPS,
    min_strip_mm: float = DEFAULT_MIN_STRIP_MM,
) -> list[int]:
    """Sizes of the page groups for a 骑缝章 (each group = one seal impression)."""
    if page_count < 2:
        raise SealError("骑缝章至少需要两页", code="seal_cross_page")
    limit = min(max_strips, math.floor(seal_width_mm / min_strip_mm + 1e-9))
    if limit < 2:
        raise SealError(
            f"印章宽 {seal_width_mm:g} 毫米，按每条不窄于 {min_strip_mm:g} 毫米无法切分骑缝章",
            code="seal_cross_page",
        )
    count = math.ceil(page_count / limit)
    base, extra = divmod(page_count, count)
    return [base + 1 if g < extra else base for g in range(count)]


def stamp_seal(
    pdf_in: Path,
    pdf_out: Path,
    seal: Seal | Path,
    page_index: int | Sequence[int],
    center_xy_mm: tuple[float, float],
) -> StampResult:
    """Stamp the seal centred at ``center_xy_mm`` on one page or on several pages."""
    stamper = Stamper(pdf_in, seal)
    indexes = [page_index] if isinstance(page_index, int) else list(page_index)
    for index in indexes:
        stamper.place(index, center_xy_mm)
    return stamper.write(pdf_out)


def cross_page_seal(
    pdf_in: Path,
    pdf_out: Path,
    seal: Seal | Path,
    pages: Sequence[int] | None = None,
    center_y_mm: float | None = None,
    max_strips: int = DEFAULT_MAX_STRIPS,
    min_strip_mm: float = DEFAULT_MIN_STRIP_MM,
) -> StampResult:
    """Add a 骑缝章 on the right edges of ``pages`` (default all), at height ``center_y_mm``."""
    stamper = Stamper(pdf_in, seal)
    stamper.cross_page(pages, center_y_mm, max_strips, min_strip_mm)
    return stamper.write(pdf_out)


def stamp_dossier(
    pdf_in: Path,
    pdf_out: Path,
    seal: Seal | Path,
    cover_center_mm: tuple[float, float] | None,
    cross_page: bool = True,
    center_y_mm: float | None = None,
) -> StampResult:
    """Dossier sealing in one pass: the seal on the cover (page 1) and a 骑缝章 over all pages."""
    stamper = Stamper(pdf_in, seal)
    if cover_center_mm is not None:
        stamper.place(0, cover_center_mm)
    if cross_page and stamper.page_count >= 2:
        stamper.cross_page(None, center_y_mm)
    return stamper.write(pdf_out)
