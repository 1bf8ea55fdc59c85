"""Workspace creation and discovery, the audit log, and all-or-nothing imports under a kill."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive.settings import Settings
from archive.workspace import Workspace
from docgen.errors import WorkspaceError
from tests.conftest import good_row, write_ledger


def test_init_creates_the_layout(workspace: Workspace) -> None:
    for name in ("docgen.json", "catalog.sqlite", "archive", "index", "templates"):
        assert (workspace.root / name).exists()
    assert workspace.settings.org == "某市某区信访局"


def test_init_refuses_an_existing_workspace(workspace: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="已经是一个工作区"):
        Workspace.init(workspace.root, Settings(org="x"))


def test_find_by_option_then_environment_then_parents(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = Workspace.init(tmp_path / "other", Settings(org="另一个局"))
    monkeypatch.setenv("DOCGEN_WORKSPACE", str(other.root))
    assert Workspace.find(workspace.root).settings.org == "某市某区信访局"
    assert Workspace.find().settings.org == "另一个局"
    monkeypatch.delenv("DOCGEN_WORKSPACE")
    deep = workspace.root / "archive" / "a" / "b"
    deep.mkdir(parents=True)
    assert Workspace.find(cwd=deep).root == workspace.root
    with pytest.raises(WorkspaceError, match="未找到工作区"):
        Workspace.find(cwd=tmp_path)


def test_case_folder_names_are_path_safe(workspace: Workspace) -> None:
    assert workspace.case_dir("XF2024-0001").parent == workspace.archive_dir
    for bad in ("../etc", "a/b", ".hidden", "a\\b"):
        with pytest.raises(Exception, match="案件编号"):
            workspace.case_dir(bad)


def test_audit_log_is_append_only_and_has_no_personal_data(
    workspace: Workspace, tmp_path: Path
) -> None:
    from archive.ledger_io import import_ledger

    import_ledger(workspace, write_ledger(tmp_path / "l.xlsx", [good_row(1)]))
    db = sqlite3.connect(workspace.root / "catalog.sqlite")
    rows = db.execute("SELECT actor, action, target, detail FROM audit_log").fetchall()
    assert [r[1] for r in rows] == ["init", "ledger-import"]
    text = repr(rows)
    assert "测试人1" not in text and "1380000" not in text and VALID_ID not in text
    for statement in ("UPDATE audit_log SET action='x'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(statement)


VALID_ID = good_row(1)[3]


def _catalog_digest(ws: Workspace) -> str:
    db = sqlite3.connect(ws.root / "catalog.sqlite")
    dump = "\n".join(db.iterdump())
    db.close()
    return hashlib.sha256(dump.encode()).hexdigest()


def test_killed_import_leaves_the_catalog_exactly_as_before(
    workspace: Workspace, tmp_path: Path
) -> None:
    from archive.ledger_io import import_ledger

    import_ledger(workspace, write_ledger(tmp_path / "first.xlsx", [good_row(1)]))
    before = _catalog_digest(workspace)
    ledger = write_ledger(tmp_path / "big.xlsx", [good_row(n) for n in range(1, 400)])
    env = {**os.environ, "DOCGEN_FAULT": "import-before-commit"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "docgen",
            "-w",
            str(workspace.root),
            "ledger",
            "import",
            str(ledger),
        ],
        env=env,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == -9  # SIGKILL after the rows were written, before the commit
    assert _catalog_digest(workspace) == before
