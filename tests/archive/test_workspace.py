"""Workspace creation and discovery, the audit log, and all-or-nothing imports under a kill."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from docgen.archive.settings import Settings
from docgen.archive.workspace import Workspace
from docgen.errors import WorkspaceError
from tests.conftest import catalog_rows, good_row, write_ledger


def test_init_creates_the_layout(workspace: Workspace, catalog_backend: str) -> None:
    for name in ("docgen.json", "archive", "index", "templates"):
        assert (workspace.root / name).exists()
    # The catalog is the workspace's own SQLite file, or lives on the server only.
    assert (workspace.root / "catalog.sqlite").exists() == (catalog_backend == "sqlite")
    assert workspace.engine.dialect.name == catalog_backend
    assert workspace.settings.org == "某市某区信访局"


def test_init_refuses_an_existing_workspace(workspace: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="已经是一个工作区"):
        Workspace.init(workspace.root, Settings(org="x"))


def test_find_by_option_then_environment_then_parents(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_workspace
) -> None:
    def found(*args: object, **kwargs: object) -> Workspace:
        ws = Workspace.find(*args, **kwargs)  # type: ignore[arg-type]
        ws.close()
        return ws

    other = make_workspace(tmp_path / "other", Settings(org="另一个局"))
    monkeypatch.setenv("DOCGEN_WORKSPACE", str(other.root))
    assert found(workspace.root).settings.org == "某市某区信访局"
    assert found().settings.org == "另一个局"
    monkeypatch.delenv("DOCGEN_WORKSPACE")
    deep = workspace.root / "archive" / "a" / "b"
    deep.mkdir(parents=True)
    assert found(cwd=deep).root == workspace.root
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
    from docgen.archive.ledger_io import import_ledger

    import_ledger(workspace, write_ledger(tmp_path / "l.xlsx", [good_row(1)]))
    with workspace.engine.connect() as db:
        rows = db.execute(text("SELECT actor, action, target, detail FROM audit_log")).all()
    assert [r[1] for r in rows] == ["init", "ledger-import"]
    shown = repr(rows)
    assert "测试人1" not in shown and "1380000" not in shown and VALID_ID not in shown
    for statement in ("UPDATE audit_log SET action='x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), workspace.engine.begin() as db:
            db.execute(text(statement))


VALID_ID = good_row(1)[3]


def _catalog_digest(ws: Workspace) -> str:
    return hashlib.sha256(repr(catalog_rows(ws)).encode()).hexdigest()


def test_killed_import_leaves_the_catalog_exactly_as_before(
    workspace: Workspace, tmp_path: Path
) -> None:
    from docgen.archive.ledger_io import import_ledger

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
