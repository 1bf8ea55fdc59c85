"""Raw ledger rows → validated ``CaseRecord``s, with every problem of every row as a ``RowError``.

Rules: required fields present; dates real (Excel dates or 2024-6-10, 2024.6.10, 2024/6/10,
2024年6月10日, 20240610); ID numbers pass the GB 11643 check digit; phones look like phones;
vocabulary fields (问题类别, 信访形式, 来源, 状态, 办理结果) take known values or their everyday
synonyms; 案件编号 unique in the file; no live formulas and no invisible control characters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from docgen import caseno, chars, idnumber
from docgen.errors import ValidationError
from docgen.ledger.fields import FIELDS, FieldSpec
from docgen.ledger.reader import Cell, LedgerSheet, RawRow
from docgen.vocab import (
    CATEGORIES,
    CATEGORY_GROUPS,
    CATEGORY_SYNONYMS,
    FLAGS,
    FORM_SYNONYMS,
    FORMS,
    OUTCOME_SYNONYMS,
    OUTCOMES,
    SOURCE_SYNONYMS,
    SOURCES,
    STATUS_SYNONYMS,
    STATUSES,
    normalise,
)

_CONTROL = chars.REFUSED  # control, bidi (U+202E prints 张三 as 三张) and lone surrogates
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MOBILE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:0\d{2,3}[- ]?)?\d{7,8}(?:[-转]\d{1,6})?$")
_SPLIT = re.compile(r"[、，,;；/\n]+")
_TRUE = {"是", "√", "✓", "有", "y", "yes", "true", "1", "已批准", "批准"}
_FALSE = {"否", "×", "无", "n", "no", "false", "0", "未", ""}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_VOCABS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "category": (CATEGORIES, CATEGORY_SYNONYMS),
    "form": (FORMS, FORM_SYNONYMS),
    "source": (SOURCES, SOURCE_SYNONYMS),
    "status": (STATUSES, STATUS_SYNONYMS),
    "outcome": (OUTCOMES, OUTCOME_SYNONYMS),
}
_FLAG_BY_LABEL = {label: name for name, label in FLAGS.items()}
MAX_PETITIONERS = 50


@dataclass
class RowError:
    row: int
    column: str  # header text as written in the file ("" for whole-row problems)
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class CaseRecord:
    """One valid ledger row: case columns, its petitioners and the columns we do not model."""

    row: int
    case: dict[str, Any]
    petitioners: list[dict[str, Any]]
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def case_no(self) -> str:
        return self.case["case_no"]


class _RowProblems(Exception):
    pass


def parse_rows(sheet: LedgerSheet) -> tuple[list[CaseRecord], list[RowError], list[RawRow]]:
    """Validate every row. Returns (good records, all errors, the raw rows that were bad)."""
    present = {spec.name for spec in sheet.columns.values()}
    missing = [spec.label for spec in FIELDS if spec.required and spec.name not in present]
    if missing:
        raise ValidationError(
            f"{sheet.path.name}：表头（第 {sheet.header_row} 行）缺少必填列：{'、'.join(missing)}。"
            "列名不同的，请用 --mapping 指定列映射文件"
        )
    required = [spec for spec in FIELDS if spec.required]
    records: list[CaseRecord] = []
    errors: list[RowError] = []
    bad_rows: list[RawRow] = []
    first_seen: dict[str, int] = {}
    for raw in sheet.rows:
        record, row_errors = parse_row(sheet, raw, required)
        if record is not None:
            earlier = first_seen.setdefault(record.case_no, raw.number)
            if earlier != raw.number:
                header = _header_of(sheet, "case_no")
                row_errors.append(
                    RowError(raw.number, header, f"案件编号“{record.case_no}”与第 {earlier} 行重复")
                )
        if row_errors:
            errors.extend(row_errors)
            bad_rows.append(raw)
        elif record is not None:
            records.append(record)
    return records, errors, bad_rows


def parse_row(
    sheet: LedgerSheet, raw: RawRow, required: list[FieldSpec]
) -> tuple[CaseRecord | None, list[RowError]]:
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    for index, spec in sheet.columns.items():
        cell = raw.values[index] if index < len(raw.values) else None
        header = sheet.headers[index]
        if index in raw.formulas:
            errors.append(
                RowError(raw.number, header, "单元格是公式，请在 Excel 中复制后“粘贴为数值”再导入")
            )
            continue
        try:
            values[spec.name] = parse_value(spec, cell)
        except ValueError as exc:
            errors.append(RowError(raw.number, header, str(exc)))
    extra: dict[str, str] = {}
    for index, header in sheet.unknown_columns.items():
        cell = raw.values[index] if index < len(raw.values) else None
        if cell is not None and str(cell).strip():
            try:
                extra[header] = _clean_text(cell, 20000)
            except ValueError as exc:
                errors.append(RowError(raw.number, header, str(exc)))
    failed = {e.column for e in errors}
    for spec in required:
        header = _header_of(sheet, spec.name)
        if not values.get(spec.name) and header not in failed:
            errors.append(RowError(raw.number, header, "必填项为空"))
    if errors:
        return None, errors
    try:
        petitioners = _petitioners(values)
    except ValueError as exc:
        column, _, message = str(exc).partition("|")
        return None, [RowError(raw.number, _header_of(sheet, column) or column, message)]
    case = build_case_values(values)
    return CaseRecord(raw.number, case, petitioners, extra), []


def build_case_values(values: dict[str, Any]) -> dict[str, Any]:
    """Parsed field values → Case column values (flags expanded, derived columns filled)."""
    case = {
        k: v
        for k, v in values.items()
        if k not in {"seq", "name", "id_number", "phone", "address", "three_cross"}
    }
    for label in values.get("three_cross") or []:
        case[_FLAG_BY_LABEL[label]] = True
    if case.get("category"):
        case["category_group"] = CATEGORY_GROUPS[case["category"]]
    if case.get("extension_approved") is None:
        case.pop("extension_approved", None)
    return case


def parse_value(spec: FieldSpec, cell: Cell) -> Any:
    """One cell → a typed value (None when empty). Raises ValueError with a Chinese message."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if spec.kind == "date":
        return parse_date(cell)
    if spec.kind == "int":
        return _parse_int(cell)
    if spec.kind == "bool":
        return _parse_bool(cell)
    text = _clean_text(cell, spec.max_len)
    if spec.kind in _VOCABS:
        canonical, synonyms = _VOCABS[spec.kind]
        value = normalise(text, canonical, synonyms)
        if value is None:
            raise ValueError(f"“{text[:20]}”不是有效的{spec.label}，可选：{'、'.join(canonical)}")
        return value
    if spec.name == "three_cross":
        return _parse_three_cross(text)
    if spec.name == "case_no" and (bad := caseno.problem(text)):
        raise ValueError(bad)
    return text


def parse_date(cell: Cell) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if 20000 < cell < 80000:  # an Excel serial day number that lost its date format
            return _EXCEL_EPOCH + dt.timedelta(days=int(cell))
        text = str(int(cell))
    else:
        text = str(cell).strip()
    m = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if not m:
        raise ValueError(f"“{text[:20]}”不是可识别的日期，请写成 2024-6-10 或 2024年6月10日")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(f"“{text}”不是真实存在的日期") from None


def _parse_int(cell: Cell) -> int:
    text = str(cell).strip().removesuffix("人")
    try:
        number = int(float(text))
    except ValueError:
        raise ValueError(f"“{text[:20]}”不是整数") from None
    if number < 1:
        raise ValueError("人数至少为 1")
    return number


def _parse_bool(cell: Cell) -> bool:
    text = str(cell).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"“{text[:20]}”应填“是”或“否”")


def _parse_three_cross(text: str) -> list[str]:
    labels = [p for p in _SPLIT.split(text) if p and p not in {"无", "否"}]
    unknown = [p for p in labels if p not in _FLAG_BY_LABEL]
    if unknown:
        known = "、".join(_FLAG_BY_LABEL)
        raise ValueError(f"“{unknown[0]}”不是三跨三分离的标志，可选：{known}")
    return labels


def _clean_text(cell: Cell, max_len: int) -> str:
    text = cell if isinstance(cell, str) else _number_text(cell)
    text = text.strip()
    if _CONTROL.search(text):
        raise ValueError("含不可见的控制字符，请删除后再导入")
    if len(text) > max_len:
        raise ValueError(f"内容过长（{len(text)} 字，最多 {max_len} 字）")
    return text


def _number_text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _petitioners(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Split 信访人/身份证号/联系电话 cells that list several people (张三、李四) into rows."""
    names = _split(values.get("name"))
    ids = [idnumber.normalise(i) for i in _split(values.get("id_number"))]
    phones = _split(values.get("phone"))
    if len(names) > MAX_PETITIONERS:
        raise ValueError(f"name|一行最多登记 {MAX_PETITIONERS} 名信访人（集体访请填写人数）")
    for i in ids:
        problem = idnumber.problem(i)
        if problem:
            raise ValueError(f"id_number|身份证号 {idnumber.mask(i)} {problem}")
    for p in phones:
        if not (_MOBILE.match(p) or _LANDLINE.match(p)):
            raise ValueError(f"phone|“{p[:20]}”不像电话号码（手机 11 位，座机如 0571-88001234）")
    for column, items in (("id_number", ids), ("phone", phones)):
        if len(items) > 1 and len(items) != len(names):
            raise ValueError(
                f"{column}|填了 {len(items)} 个，但信访人有 {len(names)} 名，无法一一对应"
            )
    address = values.get("address")
    rows = []
    for i, name in enumerate(names):
        rows.append(
            {
                "seq": i + 1,
                "name": name,
                "id_number": _nth(ids, i, len(names)),
                "phone": _nth(phones, i, len(names)),
                "address": address,
            }
        )
    return rows


def _nth(items: list[str], i: int, count: int) -> str | None:
    if len(items) == count:
        return items[i]
    return items[0] if len(items) == 1 and i == 0 else None


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in _SPLIT.split(text or "") if p.strip()]


def _header_of(sheet: LedgerSheet, name: str) -> str:
    for index, spec in sheet.columns.items():
        if spec.name == name:
            return sheet.headers[index]
    return ""


def parse_assignments(pairs: Iterable[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``字段=值`` pairs (Chinese labels or English names) → validated (case, petitioner) values.

    Every bad pair is reported at once, like ledger rows.
    """
    from docgen.ledger.fields import field_by_name

    values: dict[str, Any] = {}
    problems: list[str] = []
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        spec = field_by_name(name.strip()) if sep else None
        if spec is None:
            problems.append(f"“{pair[:40]}”：应写成 字段=值，字段名如 信访人、问题类别、办结时限")
            continue
        try:
            values[spec.name] = parse_value(spec, raw)
        except ValueError as exc:
            problems.append(f"“{spec.label}”：{exc}")
    person = {k: values.pop(k) for k in ("name", "id_number", "phone", "address") if k in values}
    if person.get("id_number"):
        person["id_number"] = idnumber.normalise(person["id_number"])
        if bad := idnumber.problem(person["id_number"]):
            problems.append(f"“身份证号”：{idnumber.mask(person['id_number'])} {bad}")
    if person.get("phone") and not (
        _MOBILE.match(person["phone"]) or _LANDLINE.match(person["phone"])
    ):
        problems.append("“联系电话”：不像电话号码（手机 11 位，座机如 0571-88001234）")
    if problems:
        raise ValidationError("\n".join(problems))
    values.pop("seq", None)
    return build_case_values(values), person
