"""Architecture rules: dependencies point one way, and no click below the CLI."""

from __future__ import annotations

import subprocess
import sys


def _imported_after(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_archive_and_index_do_not_import_click() -> None:
    for module in (
        "docgen.archive.workspace",
        "docgen.archive.ledger_io",
        "docgen.archive.cases",
        "index",
    ):
        assert "click" not in _imported_after(module), module


def test_index_depends_on_neither_docgen_nor_archive() -> None:
    loaded = _imported_after("index")
    assert not {m for m in loaded if m.split(".")[0] in {"docgen", "archive"}}


def test_cli_start_up_loads_no_renderer_or_signer() -> None:
    """Every command pays for what ``docgen.cli`` imports: WeasyPrint, pyHanko, pikepdf and
    fontTools load only in the commands that use them (``docgen --help`` took 2.8 s before)."""
    loaded = {m.split(".")[0] for m in _imported_after("docgen.cli")}
    assert not loaded & {"weasyprint", "pyhanko", "pikepdf", "fontTools", "docx", "docxtpl"}
