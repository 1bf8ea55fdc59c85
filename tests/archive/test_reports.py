"""The 月报: counts as of the month's end against an independent count over the sample ledger
(built in code), chart parts in the .xlsx, figures in the PDF text."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from docgen.archive.reports.monthly import make_monthly
from docgen.archive.workspace import Workspace
from docgen.sample import sample_rows
from tests.conftest import Cli

JUNE_END = dt.date(2024, 6, 30)
OPEN = {"在办": "办理中", "延期": "已延期", "未交办": "待交办"}


def _expected(changed: str) -> tuple[int, int, Counter]:
    """Cases registered by 30 June, 已化解 among them, and totals by unit, from the raw rows."""
    total = resolved = 0
    units: Counter = Counter()
    for row in sample_rows():
        y, m, d = (int(x) for x in re.findall(r"\d+", row[20]))
        if dt.date(y, m, d) > JUNE_END:
            continue
        total += 1
        status = row[23]
        if row[1] == changed:
            status = "在办"  # made 已化解 on 15 July: still open on 30 June
        resolved += status == "已化解"
        unit = {"区自然资源局": "区规划和自然资源局"}.get(row[13], row[13])
        units[unit] += 1
    return total, resolved, units


def test_june_report_counts_as_of_month_end(populated: Workspace, tmp_path: Path) -> None:
    changed = next(r[1] for r in sample_rows() if r[23] == "在办" and "年6月" not in r[20]
                   and int(re.findall(r"\d+", r[20])[1]) < 6)  # fmt: skip
    Cli(populated)("case", "edit", changed, "--set", "状态=已化解", "--date", "2024-07-15")
    total, resolved, units = _expected(changed)
    result = make_monthly(populated, "2024-06", tmp_path / "out")
    f = result.figures
    assert (f.total.total, f.total.resolved) == (total, resolved)
    assert {t.name: t.total for t in f.dimensions["责任单位"]} == dict(units)
    assert changed in {r.case_no for r in f.rows}
    assert next(r for r in f.rows if r.case_no == changed).status == "办理中"
    assert sum(t.total for t in f.dimensions["问题类别"]) == total

    xlsx, docx, pdf = result.files
    sheet = load_workbook(xlsx)["统计表"]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["合计"][0] == total and isinstance(rows["合计"][0], int)
    category = f.dimensions["问题类别"][0]
    assert rows[category.name][:2] == (category.total, category.resolved)
    assert load_workbook(xlsx)["明细"].max_row == total + 1
    with zipfile.ZipFile(xlsx) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) >= 3
        assert b"<barChart>" in z.read(charts[0])

    text = "".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", "")
    rate = f"{100 * resolved / total:.1f}%"
    assert f"截至2024年6月30日，共排查信访积案{total}件，已化解{resolved}件" in text
    assert f"化解率{rate}" in text and "联席办" in text
    assert docx.stat().st_size > 0


def test_report_cli_refuses_a_bad_month_and_lists_leaders(populated: Workspace,
                                                          tmp_path: Path) -> None:  # fmt: skip
    run = Cli(populated)
    bad = run("report", "monthly", "--month", "2024-13", "--out", str(tmp_path / "o"), ok=False)
    assert "月份" in bad.output and not (tmp_path / "o").exists()
    out = tmp_path / "leaders.xlsx"
    run("report", "leaders", "--as-of", "2024-10-31", "--out", str(out))
    assert load_workbook(out).active.max_row == 2 + 30


def test_a_failed_workbook_leaves_no_file(populated: Workspace, tmp_path: Path) -> None:
    """The 统计表 is written by a child process while the 月报 is typeset: when it fails (here a
    control character openpyxl refuses in a 信访人's name, which only the 明细 prints), none of
    the three files appears and the folder is left as it was."""
    from openpyxl.utils.exceptions import IllegalCharacterError
    from sqlalchemy import update

    from docgen.model import Petitioner

    with populated.session() as session:
        session.execute(update(Petitioner).values(name="张\x0b三"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "旧文件.txt").write_text("x", "utf-8")
    with pytest.raises(IllegalCharacterError):
        make_monthly(populated, "2024-06", out)
    assert [p.name for p in out.iterdir()] == ["旧文件.txt"]
