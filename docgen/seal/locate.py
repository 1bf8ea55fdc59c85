"""A PDF page → where its 署名 and 成文日期 are → where the seal goes (GB/T 9704-2012 §7.3.5).

Text is read with pypdf's extraction visitor: each text chunk arrives with its text matrix and
the current transformation, which give its baseline position and size. Chunks on the same
baseline are joined into lines. The 成文日期 is the lowest line on the page that consists of a
date only (``2024年6月10日``); the 署名 is the non-empty line just above it, if it lies within two
line pitches. The seal is centred horizontally on the date line and vertically a little above
the middle of 署名 and 日期, so both "sit slightly below the seal centre".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from docgen.seal.errors import SealError
from docgen.seal.geometry import Matrix, apply, multiply, to_mm
from docgen.seal.xobject import page_frame

DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
# How far the seal centre sits above the midpoint of 署名 and 日期, in line pitches: 0.7 puts the
# 署名 just below the centre and the 日期 about one line lower ("居印章中心偏下").
_LIFT = 0.7


@dataclass(frozen=True)
class TextLine:
    """One line of text as displayed: position in mm from the page's top-left corner."""

    text: str
    x_mm: float  # left end
    width_mm: float  # estimated from the characters (CJK 1 em, ASCII ½ em)
    baseline_mm: float  # from the top edge
    size_mm: float  # font size (em height)

    @property
    def center_x_mm(self) -> float:
        return self.x_mm + self.width_mm / 2

    @property
    def center_y_mm(self) -> float:
        """Vertical centre of the ideographic em box (baseline − 0.38 em)."""
        return self.baseline_mm - 0.38 * self.size_mm


@dataclass(frozen=True)
class SealPosition:
    """Where a seal goes on a signed paper."""

    page_index: int
    center_mm: tuple[float, float]
    date_line: TextLine
    signer_line: TextLine | None
    body_gap_mm: float | None = None
    """Gap from the last text line above the 署名 down to the seal's top (None: no such line)."""
    line_pitch_mm: float = 0.0

    @property
    def top_within_one_line(self) -> bool | None:
        """GB/T 9704: the seal's top is within one line of the body text above it."""
        if self.body_gap_mm is None:
            return None
        return self.body_gap_mm <= self.line_pitch_mm + 0.5


@dataclass
class _Chunk:
    text: str
    x: float
    baseline: float
    size: float


def _advance_em(char: str) -> float:
    return 0.5 if ord(char) < 0x2E80 or 0xFF61 <= ord(char) <= 0xFFDC else 1.0


def text_lines(pdf: Path, page_index: int) -> list[TextLine]:
    """The text lines of one page, top to bottom, each joined from its chunks."""
    reader = PdfReader(pdf)
    if not 0 <= page_index < len(reader.pages):
        raise SealError(
            f"页码 {page_index + 1} 超出范围（文件共 {len(reader.pages)} 页）", code="seal_page"
        )
    page = reader.pages[page_index]
    frame = page_frame(page)
    # user space → displayed (origin bottom-left): invert the display → user map.
    a, b, c, d, e, f = frame.display_to_user
    det = a * d - b * c
    inv: Matrix = (
        d / det,
        -b / det,
        -c / det,
        a / det,
        (c * f - d * e) / det,
        (b * e - a * f) / det,
    )
    chunks: list[_Chunk] = []

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        if not text.strip():
            return
        m = multiply(multiply(tuple(tm), tuple(cm)), inv)  # type: ignore[arg-type]
        x, y = apply(m, 0.0, 0.0)
        scale = (m[2] ** 2 + m[3] ** 2) ** 0.5
        chunks.append(_Chunk(text, x, frame.height - y, size * scale))

    page.extract_text(visitor_text=visit)
    lines: list[list[_Chunk]] = []
    for chunk in sorted(chunks, key=lambda ch: (round(ch.baseline, 0), ch.x)):
        if lines and abs(lines[-1][0].baseline - chunk.baseline) < 0.3 * max(chunk.size, 1.0):
            lines[-1].append(chunk)
        else:
            lines.append([chunk])
    result = []
    for parts in lines:
        parts.sort(key=lambda ch: ch.x)
        text = "".join(p.text for p in parts).replace("\n", "")
        size = max(p.size for p in parts)
        stripped = text.strip()
        lead = len(text) - len(text.lstrip())
        x = parts[0].x + lead * 0.5 * size
        width = sum(_advance_em(ch) for ch in stripped) * size
        result.append(
            TextLine(stripped, to_mm(x), to_mm(width), to_mm(parts[0].baseline), to_mm(size))
        )
    return result


def find_date_line(
    pdf: Path, page_index: int | None = None, date_text: str | None = None
) -> tuple[int, TextLine, TextLine | None]:
    """Find the 成文日期 line (and the 署名 line above it), searching from the last page back."""
    pdf = Path(pdf)
    count = len(PdfReader(pdf).pages)
    indexes = [page_index] if page_index is not None else list(range(count - 1, -1, -1))
    for index in indexes:
        lines = text_lines(pdf, index)
        for pos in range(len(lines) - 1, -1, -1):
            line = lines[pos]
            compact = line.text.replace(" ", "")
            if (date_text is not None and compact == date_text.replace(" ", "")) or (
                date_text is None and DATE_LINE.match(compact)
            ):
                return index, line, _signer_above(lines, pos)
    where = f"第 {page_index + 1} 页" if page_index is not None else "文件中"
    wanted = f"“{date_text}”" if date_text else "单独成行的成文日期（如“2024年6月10日”）"
    raise SealError(
        f"{where}没有找到{wanted}，无法按 GB/T 9704 确定印章位置；请检查落款或手工指定位置",
        code="seal_date_not_found",
    )


def _signer_above(lines: list[TextLine], pos: int) -> TextLine | None:
    if pos == 0:
        return None
    date, above = lines[pos], lines[pos - 1]
    if date.baseline_mm - above.baseline_mm <= 2.2 * max(date.size_mm, above.size_mm):
        return above
    return None


def locate_seal_position(
    pdf: Path,
    page_index: int | None = None,
    date_text: str | None = None,
    seal_height_mm: float = 42.0,
) -> SealPosition:
    """The GB/T 9704 seal centre for a sealed paper: over 署名 and 日期, centred on the date."""
    index, date, signer = find_date_line(pdf, page_index, date_text)
    pitch = 1.875 * date.size_mm  # GB/T 9704 line: 3号 height + 7/8 of it
    center_x = date.center_x_mm
    if signer is not None:
        pitch = date.baseline_mm - signer.baseline_mm
        middle_y = (signer.center_y_mm + date.center_y_mm) / 2
        center_x = (signer.center_x_mm + date.center_x_mm) / 2
    else:
        middle_y = date.center_y_mm - pitch / 2
    center_y = middle_y - _LIFT * pitch
    top = center_y - seal_height_mm / 2
    first = signer or date
    above = [
        line
        for line in text_lines(pdf, index)
        if line.baseline_mm < first.baseline_mm - 0.5 * first.size_mm
    ]
    gap = round(top - above[-1].baseline_mm, 2) if above else None
    return SealPosition(
        index, (round(center_x, 2), round(center_y, 2)), date, signer, gap, round(pitch, 2)
    )
