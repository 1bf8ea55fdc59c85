"""MonthlyFigures → the 统计表 .xlsx: one sheet of tables (number cells, a 问题类别 row is its
name then its figures), native openpyxl bar charts beside them, and a 明细 sheet of the cases."""

from __future__ import annotations

from pathlib import Path

from docgen.atomic import atomic_path
from docgen.papers.context import cn_date
from docgen.reports.stats import COLUMNS, MonthlyFigures, Tally

SHEET, DETAIL = "统计表", "明细"
DETAIL_COLUMNS = ("序号", "案件编号", "信访人", "问题类别", "归类", "责任单位", "包案领导", "来源",
                  "状态（截至统计日）", "办结时限", "是否超期", "重点")  # fmt: skip
CHARTED = ("归类", "问题类别", "责任单位", "来源")


def _values(t: Tally) -> list[object]:
    return [t.total, t.resolved, t.resolved_this_month, t.closed, t.open, t.overdue, t.rate]


def write_workbook(figures: MonthlyFigures, out: Path, title: str) -> Path:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    bold = Font(bold=True)
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(
        [f"填报单位：{figures.org_name}", None, None, None, f"统计截至：{cn_date(figures.day)}"]
    )
    ws.append([])
    ws.append(["合计", *COLUMNS])
    for cell in ws[ws.max_row]:
        cell.font = bold
    ws.append([figures.total.name, *_values(figures.total)])
    chart_row = 4
    for dim, tallies in figures.dimensions.items():
        ws.append([])
        ws.append([f"按{dim}", *COLUMNS])
        header = ws.max_row
        for cell in ws[header]:
            cell.font = bold
        for t in tallies:
            ws.append([t.name, *_values(t)])
            ws.cell(ws.max_row, 8).number_format = "0.0"
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
    ws.append([])
    ws.append(["重点案件", "件数"])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for label, n in figures.focus:
        ws.append([label, n])
    ws.append([])
    ws.append(
        [
            "制表人：",
            None,
            "审核人：",
            None,
            "分管领导：",
            None,
            f"填报日期：{cn_date(figures.day)}",
        ]
    )
    ws.column_dimensions["A"].width = 28
    for col in "BCDEFGH":
        ws.column_dimensions[col].width = 11
    for row in ws.iter_rows(min_row=4):
        for cell in row[1:8]:
            cell.alignment = Alignment(horizontal="center")

    detail = wb.create_sheet(DETAIL)
    detail.append(list(DETAIL_COLUMNS))
    for cell in detail[1]:
        cell.font = bold
    for n, r in enumerate(figures.rows, start=1):
        detail.append([n, r.case_no, r.petitioners, r.category, r.group, r.unit, r.leader,
                       r.source, r.status, r.due, "是" if r.overdue_on(figures.day) else "否",
                       "、".join(r.focus)])  # fmt: skip
        if r.due:
            detail.cell(n + 1, 10).number_format = "yyyy-mm-dd"  # (max_row counts every cell)
    detail.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJKL", (6, 16, 14, 10, 10, 26, 16, 10, 14, 12, 8, 20),
                          strict=True):  # fmt: skip
        detail.column_dimensions[col].width = width
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
