"""Issue 19 item 1: no command writes onto the catalog, the search index or an archived file;
``ledger export x.csv`` writes real CSV."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from sqlalchemy import func, select

from docgen.archive.cases import get_case
from docgen.archive.documents import NewDocument, document_transaction
from docgen.archive.workspace import CATALOG_FILE, Workspace
from docgen.model import Case
from tests.archive.dossier_helpers import file_doc
from tests.conftest import Cli, good_row, write_ledger

CASE = "XF2024-0001"


def _snapshot(ws: Workspace) -> dict[str, bytes]:
    """Every file of the workspace except the SQLite side files, by relative path."""
    return {p.relative_to(ws.root).as_posix(): p.read_bytes() for p in sorted(ws.root.rglob("*"))
            if p.is_file() and not p.name.endswith(("-wal", "-shm"))}  # fmt: skip


def _archived_docx(ws: Workspace) -> Path:
    with document_transaction(ws) as txn:
        case = get_case(txn.session, CASE)
        final = ws.case_dir(CASE) / "001-答复意见书.docx"
        tmp = txn.files.add(final)
        doc = DocxDocument()
        doc.add_paragraph("答复意见书")
        doc.save(tmp)
        txn.record(case, tmp, NewDocument(5, "答复意见书", "答复意见书"))
    return final


@pytest.fixture
def stored(populated: Workspace) -> Workspace:
    file_doc(populated, CASE, 2, "交办函")
    _archived_docx(populated)
    return populated


def _refused(run: Cli, *args: str) -> str:
    result = run(*args, ok=False)
    assert result.exit_code != 0, result.output
    assert "拒绝写入" in result.output, result.output
    assert "Traceback" not in result.output
    return result.output


def test_ledger_export_never_overwrites_the_catalog_index_or_archive(stored: Workspace) -> None:
    run = Cli(stored)
    ws = stored
    pdf = next(ws.case_dir(CASE).glob("*.pdf"))
    index_file = next(p for p in ws.index_dir.rglob("*") if p.is_file())
    before = _snapshot(ws)
    targets = [ws.root / CATALOG_FILE, ws.root / "catalog.sqlite-wal", ws.root / "docgen.json",
               ws.index_dir / "台账.xlsx", index_file, ws.case_dir(CASE) / "新台账.xlsx"]  # fmt: skip
    for target in targets:
        _refused(run, "ledger", "export", str(target))
    # the archived PDF and .docx: by a CSV name (allowed suffix) and through a symlink
    link = ws.root.parent / "looks-harmless.xlsx"
    link.symlink_to(pdf)
    _refused(run, "ledger", "export", str(link))
    alias = ws.root.parent / "alias"
    alias.symlink_to(ws.case_dir(CASE))
    _refused(run, "ledger", "export", str(alias / "x.csv"))
    assert _snapshot(ws) == before
    with sqlite3.connect(ws.root / CATALOG_FILE) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert CASE in run("case", "list").output  # the catalog still works


def test_import_errors_out_never_overwrites_the_catalog(stored: Workspace, tmp_path: Path) -> None:
    run = Cli(stored)
    ledger = write_ledger(tmp_path / "台账.xlsx", [good_row(1), good_row(2, 姓名="")])
    before = _snapshot(stored)
    _refused(run, "ledger", "import", str(ledger), "--skip-invalid",
             "--errors-out", str(stored.root / CATALOG_FILE))  # fmt: skip
    assert _snapshot(stored) == before  # nothing imported either


def test_paper_pdf_never_overwrites_an_archived_file(stored: Workspace, tmp_path: Path) -> None:
    run = Cli(stored)
    docx = stored.case_dir(CASE) / "001-答复意见书.docx"
    pdf = next(stored.case_dir(CASE).glob("*.pdf"))
    before = _snapshot(stored)
    _refused(run, "paper", "pdf", str(docx))  # default: beside the archived .docx
    _refused(run, "paper", "pdf", str(docx), "--out", str(pdf))
    _refused(run, "paper", "pdf", str(docx), "--out", str(stored.index_dir / "x.pdf"))
    assert _snapshot(stored) == before


def test_export_package_is_never_written_into_the_archive(stored: Workspace) -> None:
    run = Cli(stored)
    before = _snapshot(stored)
    _refused(run, "export", CASE, "--out", str(stored.case_dir(CASE) / "报送包"))
    _refused(run, "export", CASE, "--out", str(stored.index_dir / "报送包"))
    assert _snapshot(stored) == before


def test_seal_paper_refuses_an_uncatalogued_file_in_the_index(stored: Workspace) -> None:
    run = Cli(stored)
    stray = stored.index_dir / "stray.pdf"
    stray.write_bytes(next(stored.case_dir(CASE).glob("*.pdf")).read_bytes())
    _refused(run, "seal", "paper", str(stray))


def test_ledger_export_csv_is_real_csv(populated: Workspace, tmp_path: Path) -> None:
    run = Cli(populated)
    out = tmp_path / "台账.csv"
    assert "已导出" in run("ledger", "export", str(out)).output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens the Chinese correctly
    assert not raw[3:].startswith(b"PK")  # not an .xlsx under a .csv name
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "序号"
    assert any(CASE in row for row in rows[1:])
    with populated.read_session() as session:
        assert len(rows) == 1 + session.scalar(select(func.count()).select_from(Case))


def test_ledger_export_refuses_an_unknown_suffix(populated: Workspace, tmp_path: Path) -> None:
    run = Cli(populated)
    result = run("ledger", "export", str(tmp_path / "台账.xls"), ok=False)
    assert result.exit_code != 0
    assert ".xlsx" in result.output and ".csv" in result.output
    assert not (tmp_path / "台账.xls").exists()


def test_no_workspace_is_made_inside_another_ones_data(stored: Workspace) -> None:
    for inside in (stored.case_dir(CASE) / "新工作区", stored.index_dir / "demo"):
        _refused(Cli(), "init", str(inside), "--org", "某局")
        assert not inside.exists()
