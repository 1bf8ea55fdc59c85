"""Ledger file (.xlsx, .xls, .ods or .csv) → per sheet: the header, the column mapping, the rows.

Real office sheets carry a merged title row and a 填报 line above the header, one, two or three
header rows with merged parent cells (信访人 → 姓名/身份证号/联系电话), totals and 填表人/审核人
lines below the data, blank rows, and everyday header wording. A workbook may hold one sheet per
镇 or 部门. Every sheet is read; a sheet without a ledger header is named and skipped.

Spreadsheets are read with python-calamine (all three formats, fast); a live formula in an .xlsx
is found by a quick look at the sheet XML and, only then, located cell by cell with openpyxl.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import ValidationError
from docgen.ledger.fields import (
    DERIVED_HEADERS,
    EXTRA_TARGETS,
    HEADER_INDEX,
    IGNORE_TARGETS,
    IGNORED_HEADERS,
    WEAK_HEADERS,
    FieldSpec,
    field_by_name,
    normalise_header,
)

HEADER_SCAN_ROWS = 20
MAX_HEADER_ROWS = 3
MIN_HEADER_MATCHES = 3
MAX_CSV_CELL = 1 << 20  # characters; the per-field caps (20,000 at most) apply after reading
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
_TOTAL_WORDS = ("合计", "总计", "小计", "汇总")
_FOOTER_PREFIXES = (
    "填报", "填表", "制表", "审核", "审批", "注：", "注:", "说明：", "备注：", "负责人",
    "联系人", "单位负责人", "分管领导", "统计人",
)  # fmt: skip
_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年|[-./]\d{1,2}[-./]\d{1,2})")
_NAME_CHILDREN = {"姓名", "名称", "名字"}
_GENERIC_SHEET = re.compile(
    r"^(sheet\d*|工作表\d*|表\d*|.*台账.*|.*统计.*|.*汇总.*|.*明细.*)$", re.I
)
_LOCALITY_SUFFIXES = ("镇", "乡", "街道", "街道办事处", "社区", "村", "县", "区", "开发区", "园区")
_UNIT_SUFFIXES = (
    "局",
    "委",
    "办",
    "院",
    "所",
    "中心",
    "部",
    "公司",
    "处",
    "队",
    "站",
    "厅",
    "政府",
)
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")

Cell = str | int | float | dt.datetime | dt.date | bool | None


@dataclass
class RawRow:
    number: int  # row number as the user sees it in Excel (1-based)
    values: list[Cell]
    formulas: set[int] = field(default_factory=set)  # column indexes holding a live formula


@dataclass
class LedgerSheet:
    path: Path
    header_row: int  # the last header row (1-based)
    headers: list[str]  # column names: the header text, or 父·子 under a merged parent
    columns: dict[int, FieldSpec]  # column index → field
    unknown_columns: dict[int, str]  # column index → header text (kept in Case.extra)
    rows: list[RawRow]  # the data rows (noise removed)
    name: str = ""  # sheet name ("" for a CSV file)
    first_header_row: int = 0
    total_rows: int = 0  # every row of the sheet, title and header included
    ignored: dict[str, int] = field(default_factory=dict)  # reason → rows not data
    ignored_columns: list[str] = field(default_factory=list)  # 原行号/错误原因 of our errors file
    notes: list[str] = field(default_factory=list)  # competing columns resolved by rule, ...
    year: int | None = None  # the year the sheet was drawn up (填报时间 or title)
    year_source: str = ""
    defaults: dict[str, str] = field(default_factory=dict)  # field → value from the sheet name
    label: str = ""  # how messages name the sheet ("" when the file has one sheet)

    @functools.cached_property
    def field_headers(self) -> dict[str, str]:
        """Field name → the header text of its column (once the columns are assigned)."""
        return {spec.name: self.headers[i] for i, spec in self.columns.items()}


@dataclass
class SkippedSheet:
    name: str
    rows: int  # non-blank rows on it
    reason: str


@dataclass
class LedgerBook:
    path: Path
    sheets: list[LedgerSheet]
    skipped: list[SkippedSheet]


def read_ledger(path: Path, *, mapping_file: Path | None = None) -> LedgerBook:
    """Read every sheet. A sheet that holds no ledger is skipped (named, with the reason); a file
    with no ledger sheet at all is an error."""
    sheets: list[LedgerSheet] = []
    skipped: list[SkippedSheet] = []
    for item in iter_ledger(path, mapping_file=mapping_file):
        (sheets if isinstance(item, LedgerSheet) else skipped).append(item)
    return LedgerBook(path, sheets, skipped)


def iter_ledger(
    path: Path, *, mapping_file: Path | None = None
) -> Iterator[LedgerSheet | SkippedSheet]:
    """The sheets one at a time, so a caller that drops each sheet's rows once parsed keeps
    memory flat however many sheets the workbook has. Raises when no sheet is a ledger."""
    if not path.is_file():
        raise ValidationError(f"找不到台账文件：{path}")
    mapping = _load_mapping(mapping_file) if mapping_file else {}
    sources = list(_sheet_sources(path))
    found = 0
    skipped: list[SkippedSheet] = []
    for name, load in sources:
        if load is None:
            skipped.append(SkippedSheet(name, 0, "不是数据工作表（图表、对话框或宏表）"))
            yield skipped[-1]
            continue
        grid = load()
        if not any(_text(v) for r in grid for v in r.values):
            skipped.append(SkippedSheet(name, 0, "空白工作表"))
            yield skipped[-1]
            continue
        label = name if len(sources) > 1 else ""
        try:
            sheet = _locate_table(path, grid, mapping, name, label)
        except _NoHeader as exc:
            if len(sources) == 1:
                raise ValidationError(str(exc)) from None
            rows = sum(1 for r in grid if any(_text(v) for v in r.values))
            skipped.append(SkippedSheet(name, rows, "不是台账：" + str(exc).split("：", 1)[-1]))
            yield skipped[-1]
            continue
        del grid
        found += 1
        yield sheet
    if not found:
        names = "、".join(f"“{s.name}”（{s.reason}）" for s in skipped)
        raise ValidationError(f"{path.name}：没有一个工作表是台账：{names}")


class _NoHeader(Exception):
    pass


# --- reading the file ---------------------------------------------------------------------------


def _sheet_sources(path: Path) -> Iterator[tuple[str, Callable[[], list[RawRow]] | None]]:
    """(sheet name, a loader of its rows — None for a sheet that holds no cells)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield "", lambda: _read_csv(path)
        return
    if suffix not in SPREADSHEETS:
        raise ValidationError(f"不支持的台账格式“{suffix}”：请使用 .xlsx、.xls、.ods 或 .csv")
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    from docgen.safezip import check_office_zip

    check_office_zip(path, "台账")  # zip bombs refused before any part is read (.xls is no zip)
    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = [(m.name, m.typ == SheetTypeEnum.WorkSheet) for m in wb.sheets_metadata]
    except Exception as exc:  # CalamineError, ZipError, XmlError, OSError...: a broken file
        raise ValidationError(
            f"无法读取 Excel 文件 {path.name}：文件已损坏或不是{_kind(suffix)}（{_short(exc)}）"
        ) from None
    formulas = _formula_cells(path) if suffix in (".xlsx", ".xlsm") else {}
    for name, cells in sheets:  # the workbook closes when the last loader is dropped
        if not cells:
            yield name, None
            continue
        yield name, lambda name=name: _read_sheet(wb, path, name, formulas.get(name, {}))


def _kind(suffix: str) -> str:
    return {".xls": " .xls", ".ods": " .ods"}.get(suffix, " .xlsx")


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def _read_sheet(wb, path: Path, name: str, formulas: dict[int, set[int]]) -> list[RawRow]:
    try:
        data = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # any calamine failure is a broken file
        raise ValidationError(
            f"无法读取 {path.name} 的工作表“{name}”：文件已损坏（{_short(exc)}）"
        ) from None
    rows = []
    for n, values in enumerate(data, start=1):
        cells: list[Cell] = [None if v == "" else v for v in values]
        rows.append(RawRow(n, cells, formulas.get(n, set())))
    return rows


def _formula_cells(path: Path) -> dict[str, dict[int, set[int]]]:
    """Sheet name → row → columns holding a live formula. calamine reads cached values only, so
    an .xlsx whose sheet XML has any <f> element is looked at again with openpyxl."""
    try:
        with zipfile.ZipFile(path) as zf:
            parts = [
                n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")
            ]
            if not any(_FORMULA.search(zf.read(n)) for n in parts):
                return {}
    except (zipfile.BadZipFile, OSError, KeyError):
        return {}
    from openpyxl import load_workbook

    found: dict[str, dict[int, set[int]]] = {}
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
        try:
            for ws in wb.worksheets:
                cells = found.setdefault(ws.title, {})
                for number, row in enumerate(ws.iter_rows(), start=1):
                    for i, cell in enumerate(row):
                        if getattr(cell, "data_type", None) == "f":
                            cells.setdefault(number, set()).add(i)
        finally:
            wb.close()
    except Exception as exc:  # broken XML (an &#11; reference, ...) in a sheet with formulas
        raise ValidationError(
            f"无法读取 Excel 文件 {path.name}：表中有公式，且文件内容不合规（{_short(exc)}）。"
            "请在 Excel 中打开，把公式“粘贴为数值”后另存再导入"
        ) from None
    return found


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
    # The csv module's own line handling: line breaks inside quoted cells stay in the cell, and
    # U+2028, U+0085 or \x0b never end a row (str.splitlines would split on them).
    if csv.field_size_limit() < MAX_CSV_CELL:
        csv.field_size_limit(MAX_CSV_CELL)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[RawRow] = []
    try:
        for values in reader:
            rows.append(RawRow(reader.line_num, [v if v != "" else None for v in values]))
    except csv.Error as exc:
        raise ValidationError(
            f"{path.name} 第 {reader.line_num} 行无法读取：{_csv_problem(exc)}"
        ) from None
    return _renumber(rows)


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"单元格超过 {MAX_CSV_CELL} 字（台账每格最多 20000 字）"
    return f"CSV 格式错误（{exc}）"


def _renumber(rows: list[RawRow]) -> list[RawRow]:
    """CSV rows are numbered as a spreadsheet would show them: one number per record, even when
    a quoted cell holds a line break."""
    for n, row in enumerate(rows, start=1):
        row.number = n
    return rows


def _load_mapping(path: Path) -> dict[str, FieldSpec | str]:
    """A JSON object {"表头文字": "字段"}; 字段 is a Chinese label, an English field name, or
    附加信息 (keep the column as it is) / 忽略 (do not read it)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"列映射文件 {path.name} 无法读取：{exc}") from None
    if not isinstance(data, dict):
        raise ValidationError(f'列映射文件 {path.name} 应为 JSON 对象：{{"表头文字": "字段名"}}')
    mapping: dict[str, FieldSpec | str] = {}
    for header, name in data.items():
        target = str(name).strip()
        if target in EXTRA_TARGETS or target in IGNORE_TARGETS:
            mapping[normalise_header(str(header))] = (
                "extra" if target in EXTRA_TARGETS else "ignore"
            )
            continue
        spec = field_by_name(target)
        if spec is None:
            raise ValidationError(f"列映射文件中“{header}”对应的字段“{name}”不存在")
        mapping[normalise_header(str(header))] = spec
    return mapping


# --- finding the table --------------------------------------------------------------------------


def _text(value: Cell) -> str:
    return "" if value is None else str(value).strip()


def _match(header: str, mapping: dict) -> FieldSpec | str | None:
    """A header text (maybe 父·子) → its field, "extra"/"ignore", or None when unknown."""
    key = normalise_header(header)
    if key in mapping:
        return mapping[key]
    if key in IGNORED_HEADERS or key in DERIVED_HEADERS:
        return "ignore"
    if key in HEADER_INDEX:
        return HEADER_INDEX[key]
    parent, sep, child = header.rpartition("·")
    if not sep:
        return None
    child_key = normalise_header(child)
    parent_spec = _match(parent, mapping) if parent else None
    if child_key in _NAME_CHILDREN and isinstance(parent_spec, FieldSpec):
        return parent_spec  # 包案领导·姓名 → 包案领导
    leader = isinstance(parent_spec, FieldSpec) and parent_spec.name == "leader_name"
    if leader and child_key in {"职务", "职位"}:
        return HEADER_INDEX["包案领导职务"]
    child_spec = HEADER_INDEX.get(child_key)
    if (
        isinstance(parent_spec, FieldSpec)
        and child_spec is not None
        and child_spec.target == "petitioner"
        and parent_spec.target != "petitioner"
    ):
        return None  # 包案领导·联系电话 is not the petitioner's phone: kept in 附加信息
    return child_spec


def _block_names(grid: list[RawRow], start: int, count: int) -> list[str]:
    """Column names of a header block: 父·子 where a (merged) parent cell spans child columns.

    A merged cell's value sits in its first column; it is carried right over the columns that
    have a child cell below it and an empty cell of their own.
    """
    block = grid[start : start + count]
    width = max(len(r.values) for r in block)
    cells = [[_text(v) for v in r.values] + [""] * (width - len(r.values)) for r in block]
    parts: list[list[str]] = [[] for _ in range(width)]
    for j, row in enumerate(cells):
        carried = ""
        for i in range(width):
            below = any(cells[k][i] for k in range(j + 1, count))
            if row[i]:
                parts[i].append(row[i])
                carried = row[i]
            elif carried and below:
                parts[i].append(carried)
            else:
                carried = ""
    return ["·".join(p) for p in parts]


def _score(names: list[str], mapping: dict) -> int:
    fields = set()
    for n in names:
        if n:
            spec = _match(n, mapping)
            if isinstance(spec, FieldSpec):
                fields.add(spec.name)
    return len(fields)


def _locate_table(
    path: Path, grid: list[RawRow], mapping: dict, sheet_name: str = "", label: str = ""
) -> LedgerSheet:
    best: tuple[int, int, int, list[str]] | None = None  # (score, -rows, start, names)
    for i in range(min(HEADER_SCAN_ROWS, len(grid))):
        if not any(_text(v) for v in grid[i].values):
            continue
        for count in range(1, MAX_HEADER_ROWS + 1):
            if i + count > len(grid) or (count > 1 and _looks_like_data(grid[i + count - 1])):
                break
            names = _block_names(grid, i, count)
            key = (_score(names, mapping), -count)
            if key[0] >= MIN_HEADER_MATCHES and (best is None or key > best[:2]):
                best = (key[0], key[1], i, names)
    if best is None:
        where = f"工作表“{label}”" if label else path.name
        raise _NoHeader(
            f"{where}：前 {HEADER_SCAN_ROWS} 行中没有找到表头行（至少要能识别 {MIN_HEADER_MATCHES} 个列名，"
            "如 信访人、问题类别、诉求、责任单位）。列名不同的，请用 --mapping 指定列映射文件"
        )
    _, neg_rows, start, headers = best
    last = start - neg_rows - 1
    header = grid[last]
    sheet = LedgerSheet(path, header.number, headers, {}, {}, [], name=sheet_name, label=label)
    sheet.first_header_row = grid[start].number
    _assign_columns(sheet, mapping)
    sheet.total_rows = len(grid)
    sheet.year, sheet.year_source = _sheet_year(grid[:start], sheet_name)
    sheet.defaults = _sheet_defaults(sheet_name, {s.name for s in sheet.columns.values()})
    for raw in grid[last + 1 :]:
        reason = _noise(raw)
        if reason:
            sheet.ignored[reason] = sheet.ignored.get(reason, 0) + 1
        else:
            sheet.rows.append(raw)
    return sheet


def _looks_like_data(row: RawRow) -> bool:
    """A header row holds text only; a row with numbers or dates is data."""
    return any(isinstance(v, int | float | dt.date) and not isinstance(v, bool) for v in row.values)


def _assign_columns(sheet: LedgerSheet, mapping: dict) -> None:
    claims: dict[str, list[int]] = {}
    specs: dict[int, FieldSpec] = {}
    for i, text in enumerate(sheet.headers):
        if not text:
            continue
        spec = _match(text, mapping)
        if spec == "ignore":
            sheet.ignored_columns.append(text)
        elif spec is None or spec == "extra":
            sheet.unknown_columns[i] = text
        else:
            specs[i] = spec
            claims.setdefault(spec.name, []).append(i)
    for indexes in claims.values():
        if len(indexes) == 1:
            sheet.columns[indexes[0]] = specs[indexes[0]]
            continue
        strong = [i for i in indexes if not _is_weak(sheet.headers[i], mapping)]
        if len(strong) == 1:
            winner = strong[0]
            sheet.columns[winner] = specs[winner]
            for i in indexes:
                if i != winner:
                    sheet.unknown_columns[i] = sheet.headers[i]
                    sheet.notes.append(
                        f"“{sheet.headers[i]}”与“{sheet.headers[winner]}”都可对应字段"
                        f"“{specs[winner].label}”：按规则取“{sheet.headers[winner]}”，"
                        f"“{sheet.headers[i]}”原样保存在附加信息中"
                    )
            continue
        names = "”与“".join(sheet.headers[i] for i in indexes)
        where = f"工作表“{sheet.label}”" if sheet.label else sheet.path.name
        raise ValidationError(
            f"{where} 第 {sheet.header_row} 行表头：“{names}”都对应字段“{specs[indexes[0]].label}”，"
            '请删除其一，或用 --mapping 指定（如 {"'
            + sheet.headers[indexes[-1]]
            + '": "附加信息"}）'
        )
    sheet.unknown_columns = dict(sorted(sheet.unknown_columns.items()))


def _is_weak(header: str, mapping: dict) -> bool:
    key = normalise_header(header)
    if key in mapping:
        return False
    return normalise_header(header.rpartition("·")[2]) in WEAK_HEADERS


def _sheet_year(above: list[RawRow], sheet_name: str) -> tuple[int | None, str]:
    """The year the sheet was drawn up: from a 填报/制表 date above the header, else the title."""
    for row in above:
        for v in row.values:
            if isinstance(v, dt.date):
                return v.year, f"第 {row.number} 行的日期"
    for prefer_fill in (True, False):
        for row in above:
            for v in row.values:
                text = _text(v)
                if prefer_fill != text.startswith(("填报", "制表", "统计", "截至", "截止")):
                    continue
                m = _YEAR.search(text)
                if m:
                    kind = "填报时间" if prefer_fill else "标题"
                    return int(m[1]), f"第 {row.number} 行的{kind}“{text[:30]}”"
    m = _YEAR.search(sheet_name)
    if m:
        return int(m[1]), f"工作表名“{sheet_name}”"
    return None, ""


def _sheet_defaults(sheet_name: str, present: set[str]) -> dict[str, str]:
    """A sheet named after a 镇/街道 fills 属地, one named after a 局/委/办 fills 责任单位, where
    no column does."""
    name = sheet_name.strip()
    if not name or _GENERIC_SHEET.match(name):
        return {}
    if name.endswith(_LOCALITY_SUFFIXES) and "locality" not in present:
        return {"locality": name}
    if name.endswith(_UNIT_SUFFIXES) and "unit" not in present:
        return {"unit": name}
    return {}


def _noise(row: RawRow) -> str | None:
    """Why a row below the header is not data: blank, a totals row, a 填表人/审核人/制表 line."""
    texts = [t for t in (_text(v) for v in row.values if v is not None) if t]
    if not texts:
        return "空行"
    if any(w in t for t in texts[:3] for w in _TOTAL_WORDS) and len(texts) <= len(row.values) // 2:
        return "合计行"
    if len(texts) <= 3 and texts[0].startswith(_FOOTER_PREFIXES):
        return "填表人、审核人等落款行"
    return None
