"""Raw ledger rows → validated ``CaseRecord``s, with every problem of every row as a ``RowError``.

Rules: required fields present; dates real (Excel dates and datetimes, 2024-6-10, 2024.6.10,
2024/6/10, 2024年6月10日, 20240610, 6月30日 with the sheet's year, 2024年8月20日前, 2024年12月底;
上旬/中旬/下旬 for time limits); ID numbers pass the GB 11643 check digit (15-digit old numbers,
lower-case x, a leading tab or apostrophe from an Excel export accepted); phones look like
phones (spaces, dashes and +86 allowed); vocabulary fields take known values or their everyday
synonyms (``docgen.vocab``, extended by the workspace); 信访形式 composites give form + flags
(赴省集体访 → 来访 + 赴省 + 集体访); 案件编号 unique in the file; no live formulas and no
invisible control characters. Every error of a row is reported at once.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from docgen import caseno, chars, idnumber
from docgen.errors import ValidationError
from docgen.ledger.fields import FIELDS, FieldSpec
from docgen.ledger.reader import Cell, LedgerSheet, RawRow
from docgen.pairs import shown, split_pair
from docgen.vocab import (
    CATEGORY_GROUPS,
    COMBINED_FLAGS,
    FLAG_TAG_WORDS,
    FLAGS,
    FORM_FLAG_WORDS,
    Vocabularies,
)

_CONTROL = chars.REFUSED  # control, bidi (U+202E prints 张三 as 三张) and lone surrogates
_CONTROL_MESSAGE = "含不可见的控制字符，请删除后再导入"
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_NO_YEAR = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
_MONTH_PART = re.compile(r"^(?:(\d{4})\s*[-./年]\s*)?(\d{1,2})\s*月?\s*(底|末|上旬|中旬|下旬)$")
_TIME_PART = re.compile(r"[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_BEFORE = re.compile(r"(?:之前|以前|前)$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:0\d{2,3}-?)?\d{7,8}(?:(?:-|转)\d{1,6})?$")
_PHONE_NOISE = re.compile(r"[\s\-－—()（）]")
_SPLIT = re.compile(r"[、，,;；/\n]+")
_TAG_SPLIT = re.compile(r"[、，,;；。\s()（）【】\[\]]+")
_ID_NOISE = "\t '‘’`\u3000"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ＋－", "0123456789xX+-")
_TRUE = {"是", "√", "✓", "有", "y", "yes", "true", "1", "已批准", "批准"}
_FALSE = {"否", "×", "无", "n", "no", "false", "0", "未", ""}
_BOOL_WORDS = _TRUE | _FALSE
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_FLAG_BY_LABEL = {label: name for name, label in FLAGS.items()}
_DEADLINES = {"due_on", "extended_due_on"}
_TEN_DAYS = {"上旬": 10, "中旬": 20}
MAX_PETITIONERS = 50
_THREE_CROSS = ("跨地区", "跨部门", "跨行业", "人户分离", "人事分离", "人事户分离")


@dataclass
class RowError:
    row: int
    column: str  # header text as written in the file ("" for whole-row problems)
    message: str
    sheet: str = ""  # the sheet's name when the workbook has several

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")
        if self.sheet:
            where = f"工作表“{self.sheet}”{where}"
        return f"{where}：{self.message}"


@dataclass
class CaseRecord:
    """One valid ledger row: case columns, its petitioners and the columns we do not model."""

    row: int
    case: dict[str, Any]
    petitioners: list[dict[str, Any]]
    extra: dict[str, str] = field(default_factory=dict)
    sheet: str = ""

    @property
    def case_no(self) -> str | None:
        """None until a ledger without a 案件编号 column is numbered (``archive.ledger_io``)."""
        return self.case.get("case_no")

    @property
    def identity(self) -> tuple[str, str]:
        """Who petitions about what: (ID number, else name; 诉求) of the first petitioner."""
        first = self.petitioners[0] if self.petitioners else {}
        return (first.get("id_number") or first.get("name") or "", self.case.get("demand") or "")


@dataclass
class ParseContext:
    """What parsing a ledger needs beyond the cell: vocabularies and the year for 6月30日."""

    vocab: Vocabularies = field(default_factory=Vocabularies.bundled)
    import_year: int = field(default_factory=lambda: dt.date.today().year)
    year: int = 0  # the current sheet's year (its 填报时间 or title), else ``import_year``
    year_source: str = ""
    inferred: dict[tuple[int, str], int] = field(default_factory=dict)  # dates without a year

    def __post_init__(self) -> None:
        self.year = self.year or self.import_year

    def infer_year(self) -> int:
        key = (self.year, self.year_source or "未写明，按导入当年")
        self.inferred[key] = self.inferred.get(key, 0) + 1
        return self.year

    units: dict[tuple[str, str], int] = field(default_factory=dict)  # (as written, alias) → rows


REQUIRED = tuple(spec for spec in FIELDS if spec.required)


def check_columns(sheet: LedgerSheet) -> None:
    """A ledger sheet must name every required field (a sheet name may stand for 属地/责任单位)."""
    present = {spec.name for spec in sheet.columns.values()} | set(sheet.defaults)
    missing = [spec.label for spec in REQUIRED if spec.name not in present]
    if missing:
        where = f"工作表“{sheet.label}”" if sheet.label else sheet.path.name
        unknown = "、".join(f"“{h}”" for h in sheet.unknown_columns.values())
        raise ValidationError(
            f"{where}：表头（第 {sheet.header_row} 行）缺少必填列：{'、'.join(missing)}。"
            + (f"未识别的列：{unknown}。" if unknown else "")
            + "列名不同的，请用 --mapping 指定列映射文件"
        )


def parse_rows(
    sheet: LedgerSheet,
    ctx: ParseContext | None = None,
    seen: dict[Any, tuple[str, int]] | None = None,
) -> tuple[list[CaseRecord], list[RowError], list[RawRow]]:
    """Validate every row. Returns (good records, all errors, the raw rows that were bad).

    ``seen`` carries 案件编号 and petitioner identities across the sheets of one workbook, so a
    row that repeats an earlier one is refused wherever the earlier one stands.
    """
    check_columns(sheet)
    ctx = ctx or ParseContext()
    ctx.year, ctx.year_source = (
        (sheet.year, sheet.year_source) if sheet.year else (ctx.import_year, "未写明，按导入当年")
    )
    seen = {} if seen is None else seen
    records: list[CaseRecord] = []
    errors: list[RowError] = []
    bad_rows: list[RawRow] = []
    for raw in sheet.rows:
        record, row_errors = parse_row(sheet, raw, ctx)
        if record is not None:
            key = ("no", record.case_no) if record.case_no else ("who", record.identity)
            earlier = seen.setdefault(key, (sheet.label, raw.number))
            if earlier != (sheet.label, raw.number):
                where = (f"工作表“{earlier[0]}”" if earlier[0] else "") + f"第 {earlier[1]} 行"
                if record.case_no:
                    header = _header_of(sheet, "case_no")
                    message = f"案件编号“{record.case_no}”与{where}重复"
                else:
                    header = ""
                    message = f"与{where}是同一信访人的同一诉求（重复登记）"
                row_errors.append(RowError(raw.number, header, message, sheet.label))
        if row_errors:
            errors.extend(row_errors)
            bad_rows.append(raw)
        elif record is not None:
            records.append(record)
            if record.case.get("unit") and "unit" not in sheet.defaults:
                _note_unit(sheet, raw, record.case["unit"], ctx)
    return records, errors, bad_rows


def parse_row(
    sheet: LedgerSheet, raw: RawRow, ctx: ParseContext | None = None
) -> tuple[CaseRecord | None, list[RowError]]:
    ctx = ctx or ParseContext()
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    detail: dict[str, str] = {}
    label = sheet.label

    def fail(header: str, message: str) -> None:
        errors.append(RowError(raw.number, header, message, label))

    for index, spec in sheet.columns.items():
        cell = raw.values[index] if index < len(raw.values) else None
        header = sheet.headers[index]
        if index in raw.formulas:
            fail(header, "单元格是公式，请在 Excel 中复制后“粘贴为数值”再导入")
            continue
        try:
            values[spec.name] = parse_value(spec, cell, ctx)
        except ValueError as exc:
            fail(header, str(exc))
            continue
        if (
            spec.kind == "bool"
            and isinstance(cell, str)
            and cell.strip().lower() not in _BOOL_WORDS
        ):
            detail[header] = cell.strip()  # 是（第三次）: the flag is set, the words are kept
    for name, value in sheet.defaults.items():
        values.setdefault(name, ctx.vocab["unit"].lookup(value) if name == "unit" else value)
    extra: dict[str, str] = dict(detail)
    for index, header in sheet.unknown_columns.items():
        cell = raw.values[index] if index < len(raw.values) else None
        if not _blank(cell):
            try:
                extra[header] = _clean_text(cell, 20000)
            except ValueError as exc:
                fail(header, str(exc))
    failed = {e.column for e in errors}
    for spec in REQUIRED:
        header = _header_of(sheet, spec.name)
        if not values.get(spec.name) and header not in failed:
            fail(header, "必填项为空")
    petitioners, problems = _petitioners(values)
    for column, message in problems:
        fail(_header_of(sheet, column) or column, message)
    if errors:
        return None, errors
    case = build_case_values(values)
    return CaseRecord(raw.number, case, petitioners, extra, label), []


def _note_unit(sheet: LedgerSheet, raw: RawRow, unit: str, ctx: ParseContext) -> None:
    """Count a 责任单位 the alias table changed, for the report."""
    for index, spec in sheet.columns.items():
        if spec.name == "unit":
            written = str(raw.values[index]).strip() if index < len(raw.values) else ""
            if written and written != unit:
                key = (written, unit)
                ctx.units[key] = ctx.units.get(key, 0) + 1
            return


def build_case_values(values: dict[str, Any]) -> dict[str, Any]:
    """Parsed field values → Case column values (flags expanded, derived columns filled)."""
    skip = {"seq", "name", "id_number", "phone", "address", "three_cross", "form", "flags"}
    case = {k: v for k, v in values.items() if k not in skip}
    flags: set[str] = set()
    for label in values.get("three_cross") or []:
        flags.add(_FLAG_BY_LABEL[label])
    form = values.get("form")
    if isinstance(form, tuple):
        case["form"], form_flags = form
        flags |= form_flags
    elif form is not None:
        case["form"] = form
    flags |= set(values.get("flags") or ())
    if values.get("remarks"):
        flags |= tag_flags(values["remarks"])
    for name in flags:
        case[name] = True
    for combined, parts in COMBINED_FLAGS.items():
        if all(case.get(p) for p in parts):
            case[combined] = True
        if case.get(combined):  # 赴省集体访 = 赴省 + 集体访
            for p in parts:
                case[p] = True
    if case.get("category") and not case.get("category_group"):
        case["category_group"] = CATEGORY_GROUPS.get(case["category"])
    if case.get("extension_approved") is None:
        case.pop("extension_approved", None)
    return case


def tag_flags(text: str) -> set[str]:
    """Flags from 备注 tags: a token made only of flag words (重复赴省集体访, 进京集体访)."""
    flags: set[str] = set()
    for token in _TAG_SPLIT.split(text):
        found = _flag_words(token, FLAG_TAG_WORDS)
        if found is not None and found[0] == "":
            flags |= found[1]
    return flags


def _flag_words(
    text: str, words: tuple[tuple[str, tuple[str, ...]], ...]
) -> tuple[str, set[str]] | None:
    """Remove flag words from ``text``: (what is left, the flags), or None if there were none."""
    rest, flags, found = text, set(), False
    for word, names in words:
        if word in rest:
            rest = rest.replace(word, "")
            flags.update(names)
            found = True
    return (rest, flags) if found else None


def parse_value(spec: FieldSpec, cell: Cell, ctx: ParseContext | None = None) -> Any:
    """One cell → a typed value (None when empty). Raises ValueError with a Chinese message."""
    if _blank(cell):
        return None
    if isinstance(cell, str) and _CONTROL.search(cell):  # before any strip(): it eats \x0b \x1f
        raise ValueError(_CONTROL_MESSAGE)
    ctx = ctx or ParseContext()
    if spec.kind == "date":
        return parse_date(cell, ctx, deadline=spec.name in _DEADLINES)
    if spec.kind == "int":
        return _parse_int(cell)
    if spec.kind == "bool":
        return _parse_bool(cell)
    text = _clean_text(cell, spec.max_len)
    if spec.kind == "form":
        return parse_form(text, ctx.vocab)
    if spec.kind in ("category", "group", "source", "status", "outcome"):
        vocab = ctx.vocab[spec.kind]
        value = vocab.lookup(text)
        if value is None:
            raise ValueError(f"“{text[:20]}”不是有效的{spec.label}，可选：{vocab.allowed()}")
        return value
    if spec.name == "unit":
        return ctx.vocab["unit"].lookup(text)
    if spec.name == "three_cross":
        return _parse_three_cross(text)
    if spec.name == "flags":
        return _parse_flag_tags(text)
    if spec.name == "case_no" and (bad := caseno.problem(text)):
        raise ValueError(bad)
    return text


def parse_form(text: str, vocab: Vocabularies) -> tuple[str, frozenset[str]]:
    """信访形式 → (form, flags): 赴省集体访 → 来访 + 赴省 + 集体访; 网上投诉 → 网上信访."""
    forms = vocab["form"]
    direct = forms.lookup(text)
    if direct is not None:
        return direct, frozenset()
    compact = re.sub(r"[\s()（）【】\[\]]", "", text)
    found = _flag_words(compact, FORM_FLAG_WORDS)
    if found is not None:
        rest, flags = found
        rest = rest.strip("、，,+＋")
        form = forms.lookup(rest) if rest else "来访"
        if form is not None:
            return form, frozenset(flags)
    raise ValueError(
        f"“{text[:20]}”不是有效的信访形式，可选：{forms.allowed()}"
        "（可含 集体访、重复访、赴省、进京、非正常访，如“赴省集体访”）"
    )


def parse_date(cell: Cell, ctx: ParseContext | None = None, *, deadline: bool = False) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if 20000 < cell < 80000:  # an Excel serial day number that lost its date format
            return _EXCEL_EPOCH + dt.timedelta(days=int(cell))
        text = str(int(cell))
    else:
        text = str(cell).strip().translate(_FULL_WIDTH)
    shown = text[:20]
    text = _BEFORE.sub("", _TIME_PART.sub("", text)).strip()
    m = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if m:
        return _real_date(int(m[1]), int(m[2]), int(m[3]), shown)
    ctx = ctx or ParseContext()
    m = _DATE_NO_YEAR.match(text)
    if m:
        return _real_date(ctx.infer_year(), int(m[1]), int(m[2]), shown)
    m = _MONTH_PART.match(text)
    if m and (m[3] in ("底", "末") or deadline):
        year = int(m[1]) if m[1] else ctx.infer_year()
        month = int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"“{shown}”不是真实存在的日期")
        day = _TEN_DAYS.get(m[3]) or calendar.monthrange(year, month)[1]
        return dt.date(year, month, day)
    if m:
        raise ValueError(f"“{shown}”不是确切的日期（上旬/中旬/下旬只用于时限），请写明几日")
    raise ValueError(f"“{shown}”不是可识别的日期，请写成 2024-6-10 或 2024年6月10日")


def _real_date(year: int, month: int, day: int, shown: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"“{shown}”不是真实存在的日期") from None


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
    head = re.split(r"[（(，,、\s]", text, maxsplit=1)[0]  # 是（赴省）, 否，已息诉
    if head in _TRUE - {"1", "y"}:
        return True
    if head in _FALSE - {"", "0", "n"}:
        return False
    raise ValueError(f"“{text[:20]}”应填“是”或“否”")


def _parse_flag_tags(text: str) -> frozenset[str]:
    """标志: 重复访、集体访、赴省集体访 (as ``ledger export`` writes them) → flag names."""
    flags: set[str] = set()
    for tag in _split(text):
        if tag in _FLAG_BY_LABEL:
            flags.add(_FLAG_BY_LABEL[tag])
            continue
        found = _flag_words(tag, FLAG_TAG_WORDS)
        if found is None or found[0]:
            raise ValueError(f"“{tag[:20]}”不是案件标志，可选：{'、'.join(_FLAG_BY_LABEL)}")
        flags |= found[1]
    return frozenset(flags)


def _parse_three_cross(text: str) -> list[str]:
    """三跨三分离: 跨部门、人户分离 / 是（跨部门）/ 否 → the flag labels."""
    text = text.strip()
    if text in {"否", "无", "不是"}:
        return []
    inner = re.fullmatch(r"是\s*[（(](.*)[)）]", text)
    if inner:
        text = inner[1]
    elif text in {"是", "有"}:
        known = "、".join(_THREE_CROSS)
        raise ValueError(f"“{text}”未写明哪一种，请写明：{known}（可写“是（跨部门）”）")
    labels = [p for p in _SPLIT.split(text) if p and p not in {"无", "否"}]
    unknown = [p for p in labels if p not in _THREE_CROSS]
    if unknown:
        known = "、".join(_THREE_CROSS)
        raise ValueError(f"“{unknown[0]}”不是三跨三分离的标志，可选：{known}")
    return labels


def _blank(cell: Cell) -> bool:
    """An empty cell: None or only whitespace (a control character is not blank: it is refused,
    although str.strip() would remove \x0b, \x0c and \x1c-\x1f)."""
    if cell is None:
        return True
    return isinstance(cell, str) and not cell.strip() and not _CONTROL.search(cell)


def _clean_text(cell: Cell, max_len: int) -> str:
    text = cell if isinstance(cell, str) else _number_text(cell)
    if _CONTROL.search(text):
        raise ValueError(_CONTROL_MESSAGE)
    text = text.strip()
    if len(text) > max_len:
        raise ValueError(f"内容过长（{len(text)} 字，最多 {max_len} 字）")
    return text


def _number_text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def clean_id(text: str) -> str:
    """An ID number as typed or exported: leading tab/apostrophe, full-width digits, lower x."""
    return idnumber.normalise(text.translate(_FULL_WIDTH).strip(_ID_NOISE))


def clean_phone(text: str) -> str | None:
    """A phone as typed → its stored form (mobiles as 11 digits), or None if it is not one."""
    t = text.translate(_FULL_WIDTH).strip()
    compact = _PHONE_NOISE.sub("", t)
    mobile = re.sub(r"^(?:\+?86|0086)(?=1\d{10}$)", "", compact)
    if _MOBILE.match(mobile):
        return mobile
    land = re.sub(r"\s+", "", t).replace("－", "-").replace("—", "-")
    land = re.sub(r"^(?:\+86|0086)-?", "0", land) if land.startswith(("+86", "0086")) else land
    land = re.sub(r"^[(（](0\d{2,3})[)）]-?", r"\1-", land)
    return land if _LANDLINE.match(land) else None


def _petitioners(values: dict[str, Any]) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Split 信访人/身份证号/联系电话 cells that list several people (张三、李四) into rows.

    Returns the rows and every problem as (field name, message): all at once, never in rounds.
    """
    problems: list[tuple[str, str]] = []
    names = _split(values.get("name"))
    ids = [clean_id(i) for i in _split(values.get("id_number"))]
    phones_written = _split(values.get("phone"))
    if len(names) > MAX_PETITIONERS:
        problems.append(("name", f"一行最多登记 {MAX_PETITIONERS} 名信访人（集体访请填写人数）"))
    for i in ids:
        problem = idnumber.problem(i)
        if problem:
            problems.append(("id_number", f"身份证号 {idnumber.mask(i)} {problem}"))
    phones = []
    for p in phones_written:
        cleaned = clean_phone(p)
        if cleaned is None:
            problems.append(
                ("phone", f"“{p[:20]}”不像电话号码（手机 11 位，座机如 0571-88001234）")
            )
        phones.append(cleaned or p)
    for column, items in (("id_number", ids), ("phone", phones)):
        if names and len(items) > 1 and len(items) != len(names):
            problems.append(
                (column, f"填了 {len(items)} 个，但信访人有 {len(names)} 名，无法一一对应")
            )
    if problems:
        return [], problems
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
    return rows, []


def _nth(items: list[str], i: int, count: int) -> str | None:
    if len(items) == count:
        return items[i]
    return items[0] if len(items) == 1 and i == 0 else None


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in _SPLIT.split(text or "") if p.strip()]


def _header_of(sheet: LedgerSheet, name: str) -> str:
    """The header text of the column that holds field ``name`` ("" when none does)."""
    return sheet.field_headers.get(name, "")


def parse_assignments(
    pairs: Iterable[str], vocab: Vocabularies | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``字段=值`` pairs (Chinese labels or English names) → validated (case, petitioner) values.

    Every bad pair is reported at once, like ledger rows; values are read as the ledger reads them.
    """
    ctx = ParseContext(vocab or Vocabularies.bundled())
    from docgen.ledger.fields import field_by_name

    values: dict[str, Any] = {}
    problems: list[str] = []
    for pair in pairs:
        split = split_pair(pair)
        spec = field_by_name(split[0]) if split else None
        if split is None or spec is None:
            problems.append(f"“{shown(pair)}”：应写成 字段=值，字段名如 信访人、问题类别、办结时限")
            continue
        raw = split[1]
        try:
            values[spec.name] = parse_value(spec, raw, ctx)
        except ValueError as exc:
            problems.append(f"“{spec.label}”：{exc}")
    person = {k: values.pop(k) for k in ("name", "id_number", "phone", "address") if k in values}
    if person.get("id_number"):
        person["id_number"] = clean_id(person["id_number"])
        if bad := idnumber.problem(person["id_number"]):
            problems.append(f"“身份证号”：{idnumber.mask(person['id_number'])} {bad}")
    if person.get("phone"):
        cleaned = clean_phone(person["phone"])
        if cleaned is None:
            problems.append("“联系电话”：不像电话号码（手机 11 位，座机如 0571-88001234）")
        else:
            person["phone"] = cleaned
    if problems:
        raise ValidationError("\n".join(problems))
    values.pop("seq", None)
    return build_case_values(values), person
