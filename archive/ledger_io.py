"""Ledger file ↔ catalog: import a 台账 (all or nothing, or good rows only) and export one.

Import: iter_ledger (every sheet, one at a time) → parse_rows → number the cases of a ledger without 案件编号
(matching earlier imports by petitioner identity) → upsert_records in ONE transaction. With errors
and without ``skip_invalid`` nothing is written; with ``skip_invalid`` the good rows go in and the
bad rows, with their reasons, go to an error workbook beside the input. ``dry_run`` reads,
checks and counts, and writes nothing. Every row of the file is accounted for in the result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen import atomic, caseno, chars
from docgen.archive.cases import CaseFilter, list_cases, upsert_records
from docgen.archive.faults import crash_point
from docgen.archive.index_journal import case_key, journal, writing
from docgen.archive.indexing import Progress
from docgen.archive.outputs import check_output
from docgen.archive.workspace import Workspace
from docgen.errors import ValidationError
from docgen.ledger import RowError, parse_rows
from docgen.ledger.export import check_table_suffix, write_rows
from docgen.ledger.fields import FIELDS
from docgen.ledger.parse import CaseRecord, ParseContext
from docgen.ledger.reader import LedgerSheet, RawRow, SkippedSheet, iter_ledger
from docgen.memo import FileMemo
from docgen.model import Case, Petitioner
from docgen.vocab import FLAGS, VOCAB_FILE, Vocabularies

_LABEL = {f.name: f.label for f in FIELDS}
_QUERY_CHUNK = 500


@dataclass
class SheetReport:
    """How the rows of one sheet were accounted for: they add up to ``rows``."""

    name: str
    rows: int  # every row of the sheet
    header_rows: str  # “第 3 行” or “第 2–3 行”
    title_and_header: int  # the title, 填报 line and header rows above the data
    created: int = 0
    updated: int = 0
    refused: int = 0
    not_imported: int = 0  # good rows held back because other rows were refused
    ignored: dict[str, int] = field(default_factory=dict)  # 空行 / 合计行 / 落款行
    columns: list[list[str]] = field(default_factory=list)  # [header, field label]
    unknown_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def accounted(self) -> int:
        return (
            self.title_and_header
            + self.created
            + self.updated
            + self.refused
            + self.not_imported
            + sum(self.ignored.values())
        )


@dataclass
class ImportResult:
    file: str
    header_row: int
    rows: int  # data rows (all sheets)
    created: int = 0
    updated: int = 0
    skipped: int = 0  # refused rows (written to the error file with --skip-invalid)
    errors: list[RowError] = field(default_factory=list)
    error_file: str | None = None
    unknown_columns: list[str] = field(default_factory=list)
    sheets: list[SheetReport] = field(default_factory=list)
    skipped_sheets: list[dict[str, object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def refused(self) -> int:
        return len({(e.sheet, e.row) for e in self.errors})


def load_vocabularies(ws: Workspace) -> Vocabularies:
    """The bundled vocabularies extended by the workspace's vocabulary.json, if it has one (read
    again only when the file changes: every filtered listing and search asks). Not to be changed."""
    return _VOCABULARIES(ws.root / VOCAB_FILE)


def _read_vocabularies(path: Path) -> Vocabularies:
    if not path.is_file():
        return Vocabularies.bundled()
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"工作区词表文件 {VOCAB_FILE} 无法读取：{exc}") from None
    return Vocabularies.extended(data, VOCAB_FILE)


_VOCABULARIES = FileMemo(_read_vocabularies)


READ_STAGE, WRITE_STAGE = "读取台账", "写入案件目录"  # progress stages (then indexing's 更新索引)


class _RollBack(Exception):
    """Leave the import's transaction without writing (a dry run, or a refused row)."""


def import_ledger(
    ws: Workspace,
    path: Path,
    *,
    mapping_file: Path | None = None,
    skip_invalid: bool = False,
    errors_out: Path | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import every sheet in ONE transaction, sheet by sheet (each sheet's records are written
    and dropped before the next sheet is read, so memory stays flat however big the workbook).
    Refused rows without ``skip_invalid``, or ``dry_run``, roll the whole import back.
    ``progress(done, total, stage)`` follows reading, writing and indexing (for a bar)."""
    if errors_out is not None:
        check_output(ws, errors_out)
        check_table_suffix(errors_out)
    with contextlib.ExitStack() as held:
        # From the first write until indexed: a reader opening meanwhile leaves the work to us.
        # Taken only when a row is about to be written, so a refused file leaves nothing behind.
        taken = False

        def hold_writing() -> None:
            nonlocal taken
            if not taken:
                held.enter_context(writing(ws))
                taken = True

        return _import(
            ws, path, mapping_file, skip_invalid, errors_out, dry_run, today, hold_writing, progress
        )


def _import(
    ws: Workspace,
    path: Path,
    mapping_file: Path | None,
    skip_invalid: bool,
    errors_out: Path | None,
    dry_run: bool,
    today: dt.date | None,
    hold_writing: Callable[[], None],
    progress: Progress | None,
) -> ImportResult:
    tell = progress or (lambda done, total, stage: None)
    tell(0, 1, READ_STAGE)
    ctx = ParseContext(load_vocabularies(ws), import_year=(today or dt.date.today()).year)
    errors: list[RowError] = []
    bad: list[tuple[LedgerSheet, RawRow]] = []
    seen: dict = {}
    reports: list[SheetReport] = []
    skipped: list[SkippedSheet] = []
    unknown: dict[str, None] = {}
    touched: list[str] = []  # case numbers written, in order (for the index)
    created: set[str] = set()
    numbered = [0, 0]  # rows numbered here: [matched to an earlier case, given a new number]
    prefix = ""
    data_rows = 0
    try:
        with ws.session() as session:
            for sheet in iter_ledger(path, mapping_file=mapping_file):
                if isinstance(sheet, SkippedSheet):
                    skipped.append(sheet)
                    continue
                records, errs, bad_rows = parse_rows(sheet, ctx, seen)
                errors += errs
                bad += [(sheet, r) for r in bad_rows]
                report = _sheet_report(sheet, len(bad_rows))
                reports.append(report)
                unknown.update(dict.fromkeys(sheet.unknown_columns.values()))
                data_rows += len(sheet.rows)
                sheet.rows = []  # parsed: only the bad rows are kept (for the error file)
                if errors and not skip_invalid and not dry_run:
                    report.not_imported += len(records)
                    continue  # all or nothing: nothing of this file will be written
                prefix = _number_cases(
                    session, records, ws.settings.code, ctx.import_year, set(touched), numbered
                )
                if records:  # a sheet whose every row was refused writes no case
                    hold_writing()
                counts = upsert_records(session, records)
                journal(session, [case_key(r.case_no) for r in records])  # bulk: no flush hook
                report.created, report.updated = counts.created, counts.updated
                created |= counts.created_nos
                touched += [r.case_no for r in records]
                del records
            tell(1, 1, READ_STAGE)
            if dry_run or (errors and not skip_invalid):
                raise _RollBack
            if errors:
                out = errors_out or check_output(ws, path.with_name(f"{path.stem}.错误行.xlsx"))
                _write_bad_rows(out, bad, errors)
                error_file = str(out)
            else:
                error_file = None
            ws.audit(
                "ledger-import",
                target=path.name,
                detail=f"新增 {len(created)} 件，更新 {len(touched) - len(created)} 件，"
                f"跳过 {len(bad)} 行",
                session=session,
            )
            session.flush()
            crash_point("import-before-commit")
        committed = True
        crash_point("import-after-commit")
        tell(len(touched), len(touched), WRITE_STAGE)
    except _RollBack:
        committed, error_file = False, None
    result = ImportResult(
        file=path.name,
        header_row=reports[0].title_and_header,
        rows=data_rows,
        errors=errors,
        error_file=error_file,
        unknown_columns=list(unknown),
        sheets=reports,
        skipped_sheets=[{"name": s.name, "rows": s.rows, "reason": s.reason} for s in skipped],
        dry_run=dry_run,
    )
    result.notes += _value_notes(ctx)
    if prefix or any(numbered):
        result.notes.append(_numbering_note(numbered, prefix))
    if not committed and not dry_run:
        for report in reports:  # rolled back: the good rows were not imported
            report.not_imported += report.created + report.updated
            report.created = report.updated = 0
        return result
    result.created = sum(r.created for r in reports)
    result.updated = sum(r.updated for r in reports)
    if dry_run:
        return result
    result.skipped = len(bad)
    ws.cases_changed(touched, progress)  # indexes what the import journaled
    return result


def _sheet_report(sheet: LedgerSheet, refused: int) -> SheetReport:
    first, last = sheet.first_header_row or sheet.header_row, sheet.header_row
    rows = f"第 {last} 行" if first == last else f"第 {first}–{last} 行"
    columns = [[sheet.headers[i], spec.label] for i, spec in sorted(sheet.columns.items())]
    columns += [[f"（工作表名“{v}”）", _LABEL[k]] for k, v in sheet.defaults.items()]
    return SheetReport(
        name=sheet.label or sheet.name,
        rows=sheet.total_rows,
        header_rows=rows,
        title_and_header=sheet.header_row,
        refused=refused,
        ignored=dict(sheet.ignored),
        columns=columns,
        unknown_columns=list(sheet.unknown_columns.values()),
        ignored_columns=list(sheet.ignored_columns),
        notes=list(sheet.notes),
    )


def _value_notes(ctx: ParseContext) -> list[str]:
    notes = []
    for (year, source), n in ctx.inferred.items():
        notes.append(f"{n} 个日期未写年份（如“6月30日”），按 {year} 年读取（{source}）")
    for (written, unit), n in sorted(ctx.units.items()):
        notes.append(f"责任单位“{written}”按单位别名表统一为“{unit}”（{n} 行）")
    return notes


def _number_cases(
    session: Session,
    records: Sequence[CaseRecord],
    code: str,
    year: int,
    taken: set[str],
    numbered: list[int],
) -> str:
    """Give a 案件编号 to each record without one: the number of the case an earlier import
    made for the same petitioner (ID number, else name + 诉求), else 代字+年份-序号. Cases this
    import already wrote (``taken``) are never matched again. Returns the prefix used ("" when
    every record had its number)."""
    todo = [r for r in records if not r.case_no]
    if not todo:
        return ""
    matched = _match_identities(session, todo, taken)
    prefix = f"{code}{year}-"
    if caseno.problem(prefix + "0001"):
        prefix = f"XF{year}-"
    used = session.scalars(select(Case.case_no).where(Case.case_no.like(f"{prefix}%")))
    seq = max((int(m[1]) for n in used if (m := re.fullmatch(r".*-(\d+)", n))), default=0)
    for r in todo:
        if r.row in matched.get(r.sheet, {}):
            r.case["case_no"] = matched[r.sheet][r.row]
            numbered[0] += 1
            continue
        seq += 1
        numbered[1] += 1
        r.case["case_no"] = f"{prefix}{seq:04d}"
    return prefix


def _numbering_note(numbered: list[int], prefix: str) -> str:
    matched, new = numbered
    first = f"（{prefix}0001 起，续接已有最大号）" if prefix else ""
    return (
        f"表中没有案件编号：{matched + new} 行中 {matched} 行按信访人身份（身份证号，"
        f"无身份证号时按姓名+诉求）对应到已导入的案件，{new} 件新编号，规则为“发文代字+导入年份-"
        f"序号”{first}"
    )


def _match_identities(
    session: Session, todo: Sequence[CaseRecord], taken: set[str]
) -> dict[str, dict[int, str]]:
    ids = sorted({p["id_number"] for r in todo for p in r.petitioners[:1] if p["id_number"]})
    names = sorted({p["name"] for r in todo for p in r.petitioners[:1] if not p["id_number"]})
    by_id: dict[str, dict[str, str]] = {}  # id → case_no → demand
    by_name: dict[tuple[str, str], set[str]] = {}  # (name, demand) → case_nos
    query = select(Petitioner.id_number, Petitioner.name, Case.case_no, Case.demand).join(Case)
    for column, values in ((Petitioner.id_number, ids), (Petitioner.name, names)):
        for start in range(0, len(values), _QUERY_CHUNK):
            chunk = values[start : start + _QUERY_CHUNK]
            for id_number, name, case_no, demand in session.execute(query.where(column.in_(chunk))):
                if id_number:
                    by_id.setdefault(id_number, {})[case_no] = demand
                by_name.setdefault((name, demand), set()).add(case_no)
    matched: dict[str, dict[int, str]] = {}
    claimed: set[str] = set(taken)

    def take(r: CaseRecord, case_no: str) -> None:
        matched.setdefault(r.sheet, {})[r.row] = case_no
        claimed.add(case_no)

    # same person, same 诉求 first; then the only case of that person
    for exact in (True, False):
        for r in todo:
            if r.row in matched.get(r.sheet, {}) or not r.petitioners:
                continue
            person, demand = r.petitioners[0], r.case.get("demand")
            if person["id_number"]:
                cases = by_id.get(person["id_number"], {})
                same = [c for c, d in cases.items() if d == demand and c not in claimed]
                if exact and len(same) == 1:
                    take(r, same[0])
                elif not exact and len(cases) == 1 and (c := next(iter(cases))) not in claimed:
                    take(r, c)
            elif exact:
                cases = by_name.get((person["name"], demand), set()) - claimed
                if len(cases) == 1:
                    take(r, next(iter(cases)))
    return matched


def _write_bad_rows(
    out: Path, bad: Sequence[tuple[LedgerSheet, RawRow]], errors: Sequence[RowError]
) -> None:
    """The refused rows with their reasons, in a workbook that imports again once corrected:
    原行号/原工作表/错误原因 are recognised and not stored; a value that came from the sheet
    name is written into its column."""
    reasons: dict[tuple[str, int], list[str]] = {}
    for e in errors:
        reasons.setdefault((e.sheet, e.row), []).append(
            f"“{e.column}”列：{e.message}" if e.column else e.message
        )
    several = len({sheet.label for sheet, _ in bad}) > 1
    names: list[str] = []
    for sheet, _ in bad:
        for i, h in enumerate(sheet.headers):
            name = h or f"第{i + 1}列"
            if name not in names:
                names.append(name)
        for k in sheet.defaults:
            if _LABEL[k] not in names:
                names.append(_LABEL[k])
    lead = [("原行号", "short")] + ([("原工作表", "medium")] if several else [])
    headers = [*lead, *((n, "medium") for n in names), ("错误原因", "long")]

    def row(sheet: LedgerSheet, raw: RawRow) -> list[object]:
        cells: dict[str, object] = {}
        for i, h in enumerate(sheet.headers):
            if i < len(raw.values):
                cells[h or f"第{i + 1}列"] = raw.values[i]
        for k, v in sheet.defaults.items():
            cells[_LABEL[k]] = v
        first = [raw.number] + ([sheet.label] if several else [])
        why = "；".join(reasons.get((sheet.label, raw.number), []))
        return [*first, *(cells.get(n) for n in names), why]

    rows = [[_visible(v) for v in row(sheet, raw)] for sheet, raw in bad]
    atomic.write_with(out, lambda tmp: write_rows(tmp, "错误行", headers, rows, suffix=out.suffix))


def _visible(value: object) -> object:
    """A bad row's cell as the clerk can see it: XML-illegal characters (Excel cannot store
    them) are written as ``⟦U+000B⟧`` instead of failing the whole error workbook."""
    if isinstance(value, str):
        return chars.XML_CONTROL.sub(lambda m: f"⟦U+{ord(m.group()):04X}⟧", value)
    return value


# --- export -------------------------------------------------------------------------------------

_EXPORT_SKIP = {"seq", "three_cross"}
_WIDTH_BY_KIND = {"date": "date", "bool": "short", "int": "short"}
_LONG = {"demand", "facts", "resolution_measures", "stability_measures", "remarks", "address"}


def _width(spec_name: str, kind: str) -> str:
    if spec_name in _LONG:
        return "long"
    return _WIDTH_BY_KIND.get(kind, "name" if spec_name in {"name", "case_no"} else "medium")


def export_ledger(ws: Workspace, out: Path, flt: CaseFilter | None = None) -> int:
    """Write the 台账 as .xlsx or .csv, by ``out``'s suffix (atomically; never onto the
    workspace's own data). Returns the number of cases written."""
    check_output(ws, out)
    check_table_suffix(out)
    specs = [f for f in FIELDS if f.name not in _EXPORT_SKIP and f.target != "flags"]
    headers = [("序号", "short")] + [(f.label, _width(f.name, f.kind)) for f in specs]
    headers += [("标志", "medium"), ("是否超期", "short"), ("剩余天数", "short")]
    with ws.read_session() as session:
        views = list_cases(session, ws.calendar, flt or CaseFilter())
        rows = []
        for n, v in enumerate(views, start=1):
            c = v.case
            people = c.petitioners
            values = []
            for f in specs:
                if f.target == "petitioner":
                    values.append("、".join(getattr(p, f.name) or "" for p in people) or None)
                else:
                    values.append(getattr(c, f.name))
            flags = "、".join(label for name, label in FLAGS.items() if getattr(c, name))
            d = v.deadlines
            rows.append([n, *values, flags or None, "是" if d.overdue else "否", d.days_left])
    atomic.write_with(
        out, lambda tmp: write_rows(tmp, "信访积案台账", headers, rows, suffix=out.suffix)
    )
    return len(rows)
