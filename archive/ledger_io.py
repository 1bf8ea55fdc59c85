"""Ledger file ↔ catalog: import a 台账 (all or nothing, or good rows only) and export one.

Import: read_ledger → parse_rows → upsert_records in ONE transaction. With errors and without
``skip_invalid`` nothing is written; with ``skip_invalid`` the good rows go in and the bad rows,
with their reasons, go to an error workbook beside the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.cases import CaseFilter, list_cases, upsert_records
from archive.faults import crash_point
from archive.indexing import Progress
from archive.workspace import Workspace
from docgen import atomic
from docgen.ledger import RowError, parse_rows, read_ledger
from docgen.ledger.export import write_table
from docgen.ledger.fields import FIELDS
from docgen.ledger.reader import LedgerSheet, RawRow
from docgen.vocab import FLAGS


@dataclass
class ImportResult:
    file: str
    header_row: int
    rows: int
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_file: str | None = None
    unknown_columns: list[str] = field(default_factory=list)


def import_ledger(
    ws: Workspace,
    path: Path,
    *,
    mapping_file: Path | None = None,
    skip_invalid: bool = False,
    errors_out: Path | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """``progress(done, total, stage)`` follows reading, writing and indexing (for a bar)."""
    tell = progress or (lambda done, total, stage: None)
    tell(0, 1, "读取台账")
    sheet = read_ledger(path, mapping_file=mapping_file)
    tell(1, 1, "读取台账")
    records, errors, bad_rows = parse_rows(sheet)
    result = ImportResult(
        file=path.name,
        header_row=sheet.header_row,
        rows=len(sheet.rows),
        errors=errors,
        unknown_columns=list(sheet.unknown_columns.values()),
    )
    if errors and not skip_invalid:
        return result  # all or nothing: a ledger with any bad row writes nothing
    if errors:
        out = errors_out or path.with_name(f"{path.stem}.错误行.xlsx")
        _write_bad_rows(out, sheet, bad_rows, errors)
        result.error_file = str(out)
        result.skipped = len(bad_rows)
    tell(0, len(records), "写入案件目录")
    with ws.session() as session:
        counts = upsert_records(session, records)
        ws.audit(
            "ledger-import",
            target=path.name,
            detail=f"新增 {counts.created} 件，更新 {counts.updated} 件，跳过 {result.skipped} 行",
            session=session,
        )
        session.flush()
        crash_point("import-before-commit")
    result.created, result.updated = counts.created, counts.updated
    tell(len(records), len(records), "写入案件目录")
    ws.cases_changed([r.case_no for r in records], progress)
    return result


def _write_bad_rows(
    out: Path, sheet: LedgerSheet, bad_rows: list[RawRow], errors: list[RowError]
) -> None:
    reasons: dict[int, list[str]] = {}
    for e in errors:
        reasons.setdefault(e.row, []).append(
            f"“{e.column}”列：{e.message}" if e.column else e.message
        )
    headers = [(h or f"第{i + 1}列", "medium") for i, h in enumerate(sheet.headers)]
    headers = [("原行号", "short"), *headers, ("错误原因", "long")]
    rows = ([r.number, *r.values, "；".join(reasons.get(r.number, []))] for r in bad_rows)
    atomic.write_with(out, lambda tmp: write_table(tmp, "错误行", headers, rows))


# --- export -------------------------------------------------------------------------------------

_EXPORT_SKIP = {"seq", "three_cross"}
_WIDTH_BY_KIND = {"date": "date", "bool": "short", "int": "short"}
_LONG = {"demand", "facts", "resolution_measures", "stability_measures", "remarks", "address"}


def _width(spec_name: str, kind: str) -> str:
    if spec_name in _LONG:
        return "long"
    return _WIDTH_BY_KIND.get(kind, "name" if spec_name in {"name", "case_no"} else "medium")


def export_ledger(ws: Workspace, out: Path, flt: CaseFilter | None = None) -> int:
    """Write the 台账 as .xlsx (atomically). Returns the number of cases written."""
    specs = [f for f in FIELDS if f.name not in _EXPORT_SKIP and f.target != "flags"]
    headers = [("序号", "short")] + [(f.label, _width(f.name, f.kind)) for f in specs]
    headers += [("标志", "medium"), ("是否超期", "short"), ("剩余天数", "short")]
    with ws.session() as session:
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
    atomic.write_with(out, lambda tmp: write_table(tmp, "信访积案台账", headers, rows))
    return len(rows)
