"""Ledger file (.xlsx or .csv) → the header row, the column mapping and the raw data rows.

Real office sheets carry a merged title row and a 填报 line above the header, totals and 制表/审核
lines below the data, blank rows, and everyday header wording. The header is the row, among the
first few, that names the most known columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import ValidationError
from docgen.ledger.fields import HEADER_INDEX, FieldSpec, field_by_name, normalise_header

HEADER_SCAN_ROWS = 20
MIN_HEADER_MATCHES = 3
_TOTAL_WORDS = ("合计", "总计", "小计", "汇总")
_FOOTER_PREFIXES = ("填报", "制表", "审核", "注：", "注:", "说明：", "备注：", "负责人", "联系人")

Cell = str | int | float | dt.datetime | dt.date | bool | None


@dataclass
class RawRow:
    number: int  # row number as the user sees it in Excel (1-based)
    values: list[Cell]
    formulas: set[int] = field(default_factory=set)  # column indexes holding a live formula


@dataclass
class LedgerSheet:
    path: Path
    header_row: int
    headers: list[str]  # header texts as written in the file
    columns: dict[int, FieldSpec]  # column index → field
    unknown_columns: dict[int, str]  # column index → header text (kept in Case.extra)
    rows: list[RawRow]


def read_ledger(path: Path, *, mapping_file: Path | None = None) -> LedgerSheet:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ValidationError(f"找不到台账文件：{path}")
    if suffix == ".xlsx":
        grid = _read_xlsx(path)
    elif suffix == ".csv":
        grid = _read_csv(path)
    else:
        raise ValidationError(
            f"不支持的台账格式“{suffix}”：请使用 .xlsx 或 .csv（.xls 请先另存为 .xlsx）"
        )
    mapping = _load_mapping(mapping_file) if mapping_file else {}
    return _locate_table(path, grid, mapping)


def _read_xlsx(path: Path) -> list[RawRow]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from docgen.safezip import check_office_zip

    check_office_zip(path, "台账")
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ValidationError(
            f"无法读取 Excel 文件 {path.name}：文件已损坏或不是 .xlsx（{exc}）"
        ) from None
    try:
        ws = wb.worksheets[0]
        rows: list[RawRow] = []
        for number, cells in enumerate(ws.iter_rows(), start=1):
            values: list[Cell] = []
            formulas: set[int] = set()
            for i, cell in enumerate(cells):
                value = cell.value
                if cell.data_type == "f":
                    formulas.add(i)
                values.append(value)
            rows.append(RawRow(number, values, formulas))
        return rows
    finally:
        wb.close()


def _read_csv(path: Path) -> list[RawRow]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ValidationError(f"无法识别 {path.name} 的文字编码：请另存为 UTF-8 或 GBK 编码的 CSV")
    reader = csv.reader(text.splitlines())
    return [RawRow(n, list(r)) for n, r in enumerate(reader, start=1)]


def _load_mapping(path: Path) -> dict[str, FieldSpec]:
    """A JSON object {"表头文字": "字段"}; 字段 is a Chinese label or an English field name."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValidationError(f"列映射文件 {path.name} 无法读取：{exc}") from None
    if not isinstance(data, dict):
        raise ValidationError(f'列映射文件 {path.name} 应为 JSON 对象：{{"表头文字": "字段名"}}')
    mapping: dict[str, FieldSpec] = {}
    for header, name in data.items():
        spec = field_by_name(str(name))
        if spec is None:
            raise ValidationError(f"列映射文件中“{header}”对应的字段“{name}”不存在")
        mapping[normalise_header(str(header))] = spec
    return mapping


def _text(value: Cell) -> str:
    return "" if value is None else str(value).strip()


def _match(header: str, mapping: dict[str, FieldSpec]) -> FieldSpec | None:
    key = normalise_header(header)
    return mapping.get(key) or HEADER_INDEX.get(key)


def _locate_table(path: Path, grid: list[RawRow], mapping: dict[str, FieldSpec]) -> LedgerSheet:
    best: tuple[int, int] | None = None  # (matches, index in grid)
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        matches = sum(1 for v in row.values if _text(v) and _match(_text(v), mapping))
        if matches >= MIN_HEADER_MATCHES and (best is None or matches > best[0]):
            best = (matches, i)
    if best is None:
        raise ValidationError(
            f"{path.name}：前 {HEADER_SCAN_ROWS} 行中没有找到表头行（至少要能识别 {MIN_HEADER_MATCHES} 个列名，"
            "如 案件编号、信访人、问题类别、诉求）。列名不同的，请用 --mapping 指定列映射文件"
        )
    header = grid[best[1]]
    headers = [_text(v) for v in header.values]
    columns: dict[int, FieldSpec] = {}
    unknown: dict[int, str] = {}
    seen: dict[str, str] = {}
    for i, text in enumerate(headers):
        if not text:
            continue
        spec = _match(text, mapping)
        if spec is None:
            unknown[i] = text
        elif spec.name in seen:
            raise ValidationError(
                f"{path.name} 第 {header.number} 行表头：“{text}”与“{seen[spec.name]}”"
                f"都对应字段“{spec.label}”，请删除其一或用 --mapping 指定"
            )
        else:
            columns[i] = spec
            seen[spec.name] = text
    rows = [r for r in grid[best[1] + 1 :] if not _is_noise(r)]
    return LedgerSheet(path, header.number, headers, columns, unknown, rows)


def _is_noise(row: RawRow) -> bool:
    """Blank rows, totals rows and the 填报/制表/审核 lines under a table."""
    texts = [_text(v) for v in row.values if _text(v)]
    if not texts:
        return True
    if any(w in t for t in texts[:3] for w in _TOTAL_WORDS) and len(texts) <= len(row.values) // 2:
        return True
    return len(texts) <= 3 and texts[0].startswith(_FOOTER_PREFIXES)
