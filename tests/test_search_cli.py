"""Search wired into the workspace: the write paths keep the index current; the CLI queries it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docgen.archive.ledger_io import import_ledger
from docgen.archive.settings import SEARCH_BACKENDS, Settings
from docgen.archive.workspace import Workspace
from tests.conftest import Cli, good_row, write_ledger


@pytest.fixture(params=SEARCH_BACKENDS)
def workspace(tmp_path: Path, request: pytest.FixtureRequest) -> Workspace:
    """Every search test here runs on each backend (tantivy, the default, and whoosh)."""
    settings = Settings(org="某市某区信访局", code="某信交", fonds="J021")
    settings.search_backend = request.param
    ws = Workspace.init(tmp_path / "ws", settings)
    yield ws
    ws.close()


def _search(cli: Cli, *args: str) -> list[dict]:
    return json.loads(cli("search", *args, "--json").output)


def test_import_indexes_cases_name_number_and_topic(populated: Workspace) -> None:
    cli = Cli(populated)
    hits = _search(cli, "XF2024-0007")
    assert hits[0]["案件编号"] == "XF2024-0007"
    topic = _search(cli, "拖欠工资")
    assert topic and all(h["案件编号"] in {"XF2024-0005", "XF2024-0018"} for h in topic)
    rare = _search(cli, "𠮷祥")
    assert rare and all("𠮷" in h["摘要"] for h in rare)
    filtered = _search(cli, "要求", "--category", "涉军")
    assert filtered and {h["案件编号"] for h in filtered} <= {"XF2024-0008", "XF2024-0021"}


def test_edit_and_reimport_update_the_index(workspace: Workspace, tmp_path: Path) -> None:
    import_ledger(workspace, write_ledger(tmp_path / "a.xlsx", [good_row(1)]))
    cli = Cli(workspace)
    assert _search(cli, "搅拌站") == []
    cli("case", "edit", "T2024-0001", "--set", "基本案情=小区旁搅拌站夜间施工")
    assert [h["案件编号"] for h in _search(cli, "搅拌站")] == ["T2024-0001"]
    import_ledger(
        workspace, write_ledger(tmp_path / "b.xlsx", [good_row(1, 反映问题="物业费纠纷")])
    )
    assert [h["案件编号"] for h in _search(cli, "物业费")] == ["T2024-0001"]


def test_personal_numbers_masked_unless_asked(workspace: Workspace, tmp_path: Path) -> None:
    import_ledger(workspace, write_ledger(tmp_path / "a.xlsx", [good_row(1)]))
    cli = Cli(workspace)
    id_number = good_row(1)[3]
    hits = _search(cli, id_number)
    assert hits and id_number not in json.dumps(hits, ensure_ascii=False)
    shown = _search(cli, id_number, "--show-personal")
    assert shown[0]["案件编号"] == "T2024-0001"


def test_rebuild_and_bad_queries(populated: Workspace) -> None:
    cli = Cli(populated)
    assert "索引已重建：30 条" in cli("index", "rebuild").output
    assert _search(cli, "XF2024-0001")[0]["案件编号"] == "XF2024-0001"
    too_long = cli("search", "长" * 1000, ok=False)
    assert too_long.exit_code == 1 and "过长" in too_long.output


def test_tantivy_by_default_and_switching_backends(tmp_path: Path) -> None:
    cli = Cli()
    root = tmp_path / "ws"
    cli("init", str(root), "--org", "某区信访局")
    assert json.loads((root / "docgen.json").read_text("utf-8"))["search_backend"] == "tantivy"
    ws_cli = Cli(Workspace.open(root))
    from docgen.sample import write_sample_ledger

    ws_cli("ledger", "import", str(write_sample_ledger(tmp_path / "s.xlsx")))
    assert _search(ws_cli, "XF2024-0007")[0]["案件编号"] == "XF2024-0007"
    tantivy_hits = {h["案件编号"] for h in _search(ws_cli, "拖欠工资")}
    out = ws_cli("index", "rebuild", "--backend", "whoosh").output
    assert "检索后端：whoosh" in out
    assert {h["案件编号"] for h in _search(ws_cli, "拖欠工资")} == tantivy_hits
    bad = cli("init", str(tmp_path / "x"), "--org", "某局", "--search-backend", "lucene", ok=False)
    assert bad.exit_code == 2


def test_settings_written_before_the_backend_setting_keep_whoosh(tmp_path: Path) -> None:
    Workspace.init(tmp_path / "old", Settings(org="某区信访局")).close()
    path = tmp_path / "old" / "docgen.json"
    data = json.loads(path.read_text("utf-8"))
    del data["search_backend"]
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert Settings.load(tmp_path / "old").search_backend == "whoosh"
    cli = Cli()
    init = cli("init", str(tmp_path / "w"), "--org", "某局", "--search-backend", "whoosh")
    assert init.exit_code == 0
    assert Settings.load(tmp_path / "w").search_backend == "whoosh"
