"""MonthlyFigures → the 统计表 .xlsx: one sheet of tables (number cells, a 问题类别 row is its
name then its figures), native openpyxl bar charts beside them, and a 明细 sheet of the cases."""

from __future__ import annotations

from pathlib import Path

from docgen.atomic import atomic_path
from docgen.dates import cn_date
from docgen.reports.stats import COLUMNS, MonthlyFigures, Tally

SHEET, DETAIL = "统计表", "明细"
DETAIL_COLUMNS = ("序号", "案件编号", "信访人", "问题类别", "归类", "责任单位", "包案领导", "来源",
                  "状态（截至统计日）", "办结时限", "是否超期", "重点")  # fmt: skip
CHARTED = ("归类", "问题类别", "责任单位", "来源")


def _values(t: Tally) -> list[object]:
    return [t.total, t.resolved, t.resolved_this_month, t.closed, t.open, t.overdue, t.rate]


def write_workbook(figures: MonthlyFigures, out: Path, title: str) -> Path:
    """Written in openpyxl's write-only mode: rows stream to the file as they are appended (the
    明细 of 10,000 cases in about half the time of a workbook kept in memory), so a sheet's
    widths and frozen panes are set before its first row, and its styled cells are made as such."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    bold, center = Font(bold=True), Alignment(horizontal="center")

    def cell(sheet, value: object, **style: object) -> WriteOnlyCell:  # type: ignore[no-untyped-def]
        made = WriteOnlyCell(sheet, value)
        for name, v in style.items():
            setattr(made, name, v)
        return made

    ws.column_dimensions["A"].width = 28
    for col in "BCDEFGH":
        ws.column_dimensions[col].width = 11
    ws.append([cell(ws, title, font=Font(bold=True, size=14))])
    ws.append(
        [f"填报单位：{figures.org_name}", None, None, None, f"统计截至：{cn_date(figures.day)}"]
    )
    ws.append([])
    rows = 3

    def add(values: list[object], header: bool = False, rate: bool = False) -> int:
        """Append a row of the tables → its number. Columns B–H are centred in every row (empty
        cells too), a header row is bold across A–H, a dimension's 化解率 has one decimal."""
        nonlocal rows
        font = {"font": bold} if header else {}
        first = values[0] if values else None
        row: list[object] = [cell(ws, first, **font) if header else first]
        for k in range(1, 8):
            fmt = {"number_format": "0.0"} if rate and k == 7 else {}
            row.append(cell(ws, values[k] if k < len(values) else None, alignment=center,
                            **font, **fmt))  # fmt: skip
        ws.append(row)
        rows += 1
        return rows

    add(["合计", *COLUMNS], header=True)
    add([figures.total.name, *_values(figures.total)])
    chart_row = 4
    for dim, tallies in figures.dimensions.items():
        add([])
        header = add([f"按{dim}", *COLUMNS], header=True)
        for t in tallies:
            add([t.name, *_values(t)], rate=True)
        if dim in CHARTED and tallies:
            chart = BarChart()
            chart.title = f"按{dim}：积案数与已化解数"
            chart.y_axis.title = "件"
            data = Reference(
                ws, min_col=2, max_col=3, min_row=header, max_row=header + len(tallies)
            )
            cats = Reference(ws, min_col=1, min_row=header + 1, max_row=header + len(tallies))
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(cats)
            chart.height, chart.width = 7.5, 16
            ws.add_chart(chart, f"J{chart_row}")
            chart_row += 16
    add([])
    add(["重点案件", "件数"], header=True)
    for label, n in figures.focus:
        add([label, n])
    add([])
    add(["制表人：", None, "审核人：", None, "分管领导：", None,
         f"填报日期：{cn_date(figures.day)}"])  # fmt: skip

    detail = wb.create_sheet(DETAIL)
    detail.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJKL", (6, 16, 14, 10, 10, 26, 16, 10, 14, 12, 8, 20),
                          strict=True):  # fmt: skip
        detail.column_dimensions[col].width = width
    detail.append([cell(detail, name, font=bold) for name in DETAIL_COLUMNS])
    day = figures.day
    # openpyxl gives a date cell (办结时限) the yyyy-mm-dd format itself; no 重点: no cell
    for n, r in enumerate(figures.rows, start=1):
        detail.append([n, r.case_no, r.petitioners, r.category, r.group, r.unit, r.leader,
                       r.source, r.status, r.due, "是" if r.overdue_on(day) else "否",
                       "、".join(r.focus) or None])  # fmt: skip
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out


class ToFill:
    """A cell left for a person to fill (a 稳控措施 not recorded): written empty, shaded yellow."""

    def __repr__(self) -> str:
        return "TO_FILL"


TO_FILL = ToFill()
TO_FILL_COLOR = "FFFFE94D"  # the highlight of the papers' 【请填写：…】 places


def write_table(out: Path, title: str, columns: tuple[str, ...], rows: list[list[object]],
                widths: dict[str, int] | None = None) -> Path:  # fmt: skip
    """A one-sheet table (督办 / 包案 overviews, attachments): title row, header, date cells;
    a ``TO_FILL`` value is an empty yellow cell; ``widths`` column name → width (default 16)."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fill = PatternFill("solid", start_color=TO_FILL_COLOR, end_color=TO_FILL_COLOR)

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(columns))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for n, values in enumerate(rows, start=3):  # title, header, then the rows
        ws.append([None if v is TO_FILL else v for v in values])
        for cell, value in zip(ws[n], values, strict=False):  # (max_row counts every cell)
            if value is TO_FILL:
                cell.fill = fill
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str) and len(value) > 20:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A3"
    for n, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(n)].width = (widths or {}).get(name, 16)
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out
