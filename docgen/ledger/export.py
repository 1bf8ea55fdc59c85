"""Cases → a clean 台账 workbook: Chinese headers, frozen header row, real date cells, sensible widths.

Text is always written as text: a value starting with = + - @ never becomes a live formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from docgen.errors import ValidationError

DATE_FORMAT = "yyyy-mm-dd"
_WIDTHS = {"date": 12, "short": 10, "name": 14, "medium": 22, "long": 48}


class _Styles(NamedTuple):
    header_font: Any
    header_fill: Any
    wrap: Any
    text_type: str  # openpyxl's data type of a plain string cell


@functools.cache
def _styles() -> _Styles:
    """openpyxl's styles, made when a workbook is first written: openpyxl (a third of a second)
    loads only then, not in every command that imports the ledger modules (``case list``)."""
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Alignment, Font, PatternFill

    return _Styles(Font(name="黑体", bold=True), PatternFill("solid", fgColor="DDEBF7"),
                   Alignment(wrap_text=True, vertical="top"), TYPE_STRING)  # fmt: skip


def write_table(
    path: Path,
    title: str,
    headers: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Write one sheet. ``headers`` are (Chinese header, width class). Returns the row count."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    styles = _styles()
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([h for h, _ in headers])
    for col, (_, width) in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font = styles.header_font
        cell.fill = styles.header_fill
        ws.column_dimensions[get_column_letter(col)].width = _WIDTHS[width]
    count = 0
    for count, values in enumerate(rows, start=1):
        for col, value in enumerate(values, start=1):
            _set(ws.cell(row=count + 1, column=col), value, styles)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    wb.save(path)
    return count


#: What ``write_rows`` writes for each output suffix.
TABLE_SUFFIXES = (".xlsx", ".csv")


def check_table_suffix(path: Path) -> None:
    """Refuse an output name whose suffix is neither .xlsx nor .csv (before anything is done)."""
    if Path(path).suffix.lower() not in TABLE_SUFFIXES:
        raise ValidationError(
            f"不支持的导出格式“{Path(path).suffix or '（无扩展名）'}”（{Path(path).name}），"
            f"可选：{'、'.join(TABLE_SUFFIXES)}"
        )


def write_rows(
    path: Path,
    title: str,
    headers: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[Any]],
    *,
    suffix: str | None = None,
) -> int:
    """``write_table`` for .xlsx, ``write_csv`` for .csv (``suffix``: of the final name, when
    ``path`` is a temporary file)."""
    kind = (suffix or Path(path).suffix).lower()
    if kind == ".csv":
        return write_csv(path, headers, rows)
    return write_table(path, title, headers, rows)


def write_csv(path: Path, headers: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]) -> int:
    """One table as CSV: UTF-8 with BOM (so Excel reads the Chinese), CRLF, dates YYYY-MM-DD.

    A text starting with = + - @ gets a leading apostrophe, as Excel shows a text cell, so
    opening the file never runs a formula.
    """
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh, lineterminator="\r\n")
        out.writerow([h for h, _ in headers])
        for values in rows:
            out.writerow([_csv_value(v) for v in values])
            count += 1
    return count


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _set(cell: Any, value: Any, styles: _Styles) -> None:
    if value is None:
        return
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, bool):
        cell.value = "是" if value else "否"
    elif isinstance(value, int | float):
        cell.value = value
    else:
        text = str(value)
        cell.value = text
        # openpyxl turns any str starting with "=" into a formula: force a plain string, and set
        # the quote prefix so Excel keeps it text even after the cell is edited.
        cell.data_type = styles.text_type
        if text[:1] in "=+-@":
            cell.quotePrefix = True
        if len(text) > 30 or "\n" in text:
            cell.alignment = styles.wrap
