"""A dossier build or seal killed (SIGKILL) at each step of publishing its file: the next start
of docgen finds the batch's journal and rolls it back (rows not committed: the previous dossier
returns) or forward (rows committed: the new one stays); no hidden file, journal or backup is
left."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from docgen.archive.documents import PENDING_DIR, sha256_file
from docgen.archive.dossier.build import BuildOptions, build_dossier
from docgen.archive.ledger_io import import_ledger
from docgen.archive.settings import Settings
from docgen.archive.workspace import Workspace
from docgen.model import Document
from docgen.sample import write_sample_ledger
from tests.cases import file_complete_case

CASE = "XF2024-0001"


@pytest.fixture(scope="module")
def ws(tmp_path_factory, catalogs, catalog_backend):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("crash")
    url = catalogs.url(catalog_backend)  # SQLite, or a PostgreSQL database of its own
    settings = Settings(org="某市某区信访局", code="某信交", fonds="J021", catalog_url=url)
    ws = Workspace.init(tmp / "ws", settings)
    import_ledger(ws, write_sample_ledger(tmp / "sample.xlsx"))
    file_complete_case(ws, CASE)
    build_dossier(ws, CASE, BuildOptions())
    yield ws
    ws.close()
    catalogs.release(url)


def _dossier_row(ws: Workspace) -> tuple[str, str]:
    with ws.session() as session:
        row = session.scalars(select(Document).where(Document.kind == "卷宗")).one()
        return row.path, row.sha256


def _killed(ws: Workspace, point: str, *command: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "docgen", "-w", str(ws.root), *command],
        env={**os.environ, "DOCGEN_FAULT": point}, capture_output=True, check=False,
    )  # fmt: skip
    assert proc.returncode == -9, proc.stderr.decode()


def _leftovers(ws: Workspace) -> list[str]:
    hidden = [p.name for p in ws.case_dir(CASE).iterdir() if p.name.startswith(".")]
    pending = ws.root / PENDING_DIR
    return hidden + ([p.name for p in pending.iterdir()] if pending.is_dir() else [])


@pytest.mark.parametrize("point", ["publish-after-backup", "publish-before-commit"])
def test_killed_before_the_commit_brings_the_previous_dossier_back(ws, point: str) -> None:  # type: ignore[no-untyped-def]
    path, sha = _dossier_row(ws)
    before = (ws.root / path).read_bytes()
    _killed(ws, point, "dossier", "build", CASE)
    assert _leftovers(ws)  # the crash left its journal (and a backup or temporary file)
    Workspace.open(ws.root).close()  # the next docgen command starts by recovering
    assert (ws.root / path).read_bytes() == before
    assert _dossier_row(ws) == (path, sha)
    assert _leftovers(ws) == []


def test_killed_after_the_commit_keeps_the_new_dossier(ws) -> None:  # type: ignore[no-untyped-def]
    _killed(ws, "commit-before-finish", "dossier", "build", CASE)
    Workspace.open(ws.root).close()
    path, sha = _dossier_row(ws)
    assert sha256_file(ws.root / path) == sha
    assert _leftovers(ws) == []


def test_killed_seal_leaves_the_unsealed_dossier_and_its_row(ws) -> None:  # type: ignore[no-untyped-def]
    from docgen.archive.sealing import make_office_seal

    make_office_seal(ws)
    path, sha = _dossier_row(ws)
    before = (ws.root / path).read_bytes()
    _killed(ws, "publish-before-commit", "seal", "dossier", CASE)
    Workspace.open(ws.root).close()
    assert (ws.root / path).read_bytes() == before and _dossier_row(ws) == (path, sha)
    assert _leftovers(ws) == []


def test_killed_paper_leaves_no_file_row_or_scratch(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.session() as session:
        rows = session.scalars(select(Document.path)).all()
    files = sorted(p.name for p in ws.case_dir(CASE).iterdir())
    _killed(ws, "publish-before-commit", "paper", "make", "交办函", "--case", CASE, "--new")
    assert any((ws.root / PENDING_DIR).iterdir())  # its journal and scratch folder
    Workspace.open(ws.root).close()
    with ws.session() as session:
        assert session.scalars(select(Document.path)).all() == rows
    assert sorted(p.name for p in ws.case_dir(CASE).iterdir()) == files
    assert _leftovers(ws) == []


def test_killed_signing_leaves_no_scratch_beside_the_dossier(ws) -> None:  # type: ignore[no-untyped-def]
    from docgen.archive.sealing import make_office_seal

    make_office_seal(ws)
    path, sha = _dossier_row(ws)
    _killed(ws, "publish-before-commit", "seal", "dossier", CASE)  # stamps via scratch files
    assert not [
        p for p in ws.case_dir(CASE).iterdir() if p.name.startswith(".") and "stamped" in p.name
    ]
    Workspace.open(ws.root).close()
    assert _dossier_row(ws) == (path, sha) and _leftovers(ws) == []


def test_an_unreadable_journal_is_reported_and_left_alone(ws, caplog) -> None:  # type: ignore[no-untyped-def]
    journal = ws.root / PENDING_DIR / "0123abcd.json"
    journal.write_text('{"token": "0123abcd", "moves": [', encoding="utf-8")  # cut short
    try:
        with caplog.at_level("WARNING", logger="docgen.recovery"):
            Workspace.open(ws.root).close()  # every command still starts
        assert "0123abcd.json" in caplog.text and "无法读取" in caplog.text
        assert journal.exists()
    finally:
        journal.unlink()
        (ws.root / PENDING_DIR / "0123abcd.lock").unlink(missing_ok=True)


def test_add_many_journals_every_temporary_path_in_one_write(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from docgen.archive.documents import FileBatch

    journal = tmp_path / PENDING_DIR
    batch = FileBatch(journal)
    finals = [tmp_path / "a.pdf", tmp_path / "a.docx", tmp_path / "b.pdf"]
    temps = batch.add_many(finals)
    record = json.loads((journal / f"{batch.token}.json").read_text())
    assert [m["tmp"] for m in record["moves"]] == [t.name for t in temps]
    assert all(t.exists() for t in temps) and len(set(temps)) == 3
    for tmp in temps:
        tmp.write_text("x")
    batch.publish()
    batch.finish()
    assert all(f.read_text() == "x" for f in finals) and not list(journal.iterdir())
