"""Issue 19 item 7: a workspace's files are 0600/0640 and its folders 0700/0750 whatever the
umask, and ``docgen init`` says who can read them."""

from __future__ import annotations

import os
import pwd
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen.sample import write_sample_ledger
from tests.archive.dossier_helpers import file_doc
from tests.conftest import Cli


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)  # the worst case: every new file would be 0666, every folder 0777
    try:
        yield
    finally:
        os.umask(old)


def _modes(root: Path) -> dict[str, int]:
    return {p.relative_to(root.parent).as_posix(): stat.S_IMODE(p.stat().st_mode)
            for p in [root, *root.rglob("*")]}  # fmt: skip


def test_workspace_files_are_private_whatever_the_umask(open_umask: None, tmp_path: Path) -> None:
    from docgen.archive.workspace import Workspace

    run = Cli()
    root = tmp_path / "ws"
    result = run("init", str(root), "--org", "某市某区信访局", "--code", "某信交")
    run("-w", str(root), "ledger", "import", str(write_sample_ledger(tmp_path / "台账.xlsx")))
    # a paper typeset by WeasyPrint
    run("-w", str(root), "paper", "make", "交办函", "--case", "XF2024-0002")
    ws = Workspace.open(root)
    try:
        file_doc(ws, "XF2024-0001", 2, "交办函")  # an archived file, indexed
        assert ws.search_index().search("交办函").total > 0
    finally:
        ws.close()
    modes = _modes(root)
    assert {"ws/catalog.sqlite", "ws/docgen.json", "ws/index", "ws/archive"} <= modes.keys()
    assert any(name.startswith("ws/archive/XF2024-0001/") for name in modes)
    assert any(name.startswith("ws/archive/XF2024-0002/交办函") and name.endswith(".pdf")
               for name in modes)  # fmt: skip
    assert any(name.startswith("ws/index/gen-") and "." in name for name in modes)
    loose = {name: f"{mode:o}" for name, mode in modes.items() if mode & 0o027}
    assert loose == {}
    assert "其他用户无法访问" in result.output
    assert f"用户 {pwd.getpwuid(os.getuid())[0]}" in result.output


def test_opening_an_old_workspace_closes_its_folder(tmp_path: Path) -> None:
    from docgen.archive.settings import Settings
    from docgen.archive.workspace import Workspace

    Workspace.init(tmp_path / "ws", Settings(org="某市某区信访局")).close()
    for path in (tmp_path / "ws", tmp_path / "ws" / "catalog.sqlite"):
        path.chmod(0o777 if path.is_dir() else 0o666)  # as a workspace made before the fix
    Workspace.open(tmp_path / "ws").close()
    assert stat.S_IMODE((tmp_path / "ws").stat().st_mode) & 0o027 == 0
    assert stat.S_IMODE((tmp_path / "ws" / "catalog.sqlite").stat().st_mode) & 0o027 == 0
