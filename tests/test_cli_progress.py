"""Long work shows progress on a terminal (counts, per stage) and is quiet otherwise."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from docgen.archive.workspace import Workspace
from tests.conftest import Cli, good_row, write_ledger

ROOT = Path(__file__).resolve().parents[1]


def on_terminal(*argv: str, cwd: Path) -> tuple[int, str]:
    """Run ``docgen argv`` with a real pseudo-terminal as its stdin, stdout and stderr."""
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "docgen", *argv], stdin=slave, stdout=slave,
                            stderr=slave, cwd=cwd, env=env)  # fmt: skip
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(timeout=60), out.decode("utf-8", "replace")


def test_import_shows_progress_on_a_terminal(workspace: Workspace, tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "台账.xlsx", [good_row(n) for n in range(1, 6)])
    code, out = on_terminal(
        "-w", str(workspace.root), "ledger", "import", str(ledger), cwd=tmp_path
    )
    assert code == 0, out
    assert "导入台账：读取台账" in out and "导入台账：更新索引" in out and "5/5" in out
    assert "导入完成：新增 5 件" in out

    code, out = on_terminal("-w", str(workspace.root), "ledger", "import", str(ledger), "--json",
                            cwd=tmp_path)  # fmt: skip
    assert code == 0 and "导入台账" not in out
    assert json.loads(out)["updated"] == 5


def test_quiet_when_output_is_not_a_terminal(workspace: Workspace, tmp_path: Path) -> None:
    run = Cli(workspace)
    ledger = write_ledger(tmp_path / "台账.xlsx", [good_row(n) for n in range(1, 6)])
    imported = run("ledger", "import", str(ledger))
    assert "导入台账" not in imported.output and "[#" not in imported.output
    assert imported.output.startswith("台账：")
    rebuilt = run("index", "rebuild")
    assert rebuilt.output.startswith("索引已重建：5 条")
