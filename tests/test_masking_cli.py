"""One masking module behind every display: search snippets and ``case show`` (issue 19, item 6)."""

from __future__ import annotations

import json
from pathlib import Path

from docgen.archive.ledger_io import import_ledger
from docgen.archive.workspace import Workspace
from tests.conftest import Cli, good_row, write_ledger

FREE_TEXT = "搅拌站扰民，联系138-1234-5678或１３９８７６５４３２１，证号110105 19491231 0021"
FULL = ("138-1234-5678", "１３９８７６５４３２１", "110105 19491231 0021", "1234-5678", "8765")


def _case(workspace: Workspace, tmp_path: Path) -> Cli:
    import_ledger(workspace, write_ledger(tmp_path / "a.xlsx", [good_row(1, 反映问题=FREE_TEXT)]))
    return Cli(workspace)


def test_search_snippets_mask_separated_and_fullwidth_numbers(
    workspace: Workspace, tmp_path: Path
) -> None:
    cli = _case(workspace, tmp_path)
    hits = json.loads(cli("search", "搅拌站", "--json").output)
    snippet = hits[0]["摘要"]
    assert "搅拌站" in snippet and not any(full in snippet for full in FULL)
    assert "138-****-5678" in snippet and "１３９****４３２１" in snippet


def test_case_show_masks_free_text_unless_asked(workspace: Workspace, tmp_path: Path) -> None:
    cli = _case(workspace, tmp_path)
    masked = cli("case", "show", "T2024-0001", "--json").output
    assert "搅拌站" in masked and not any(full in masked for full in FULL)
    assert good_row(1)[3] not in masked and good_row(1)[4] not in masked
    shown = cli("case", "show", "T2024-0001", "--json", "--show-personal").output
    assert "138-1234-5678" in shown and good_row(1)[3] in shown
    text = cli("case", "show", "T2024-0001").output
    assert not any(full in text for full in FULL)
