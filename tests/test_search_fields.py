"""Issue 18 items 2–4: person/ID/unit/leader/文号/类型 fields, the named date range, filter values
refused with the allowed ones listed, saved searches — on both search backends."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest

from docgen.archive.ledger_io import import_ledger
from docgen.archive.settings import SEARCH_BACKENDS, Settings
from docgen.archive.workspace import Workspace
from tests.conftest import HEADERS, VALID_IDS, Cli, good_row, write_ledger

EXTRA = ["登记日期", "信访形式", "交办日期"]


@pytest.fixture(params=SEARCH_BACKENDS)
def ws(tmp_path: Path, request: pytest.FixtureRequest) -> Workspace:
    settings = Settings(org="某市某区信访局", code="某信交", fonds="J021")
    settings.search_backend = request.param
    workspace = Workspace.init(tmp_path / "ws", settings)
    rows = [
        [*good_row(1, 姓名="李四", 类别="劳动保障"), dt.date(2023, 12, 8), "来访", None],
        [
            *good_row(2, 姓名="王五", 承办单位="区住建局", 包案领导="刘洋", 类别="房屋拆迁"),
            dt.date(2024, 3, 1),
            "来信",
            dt.date(2024, 3, 5),
        ],
    ]
    import_ledger(workspace, write_ledger(tmp_path / "l.xlsx", rows, [*HEADERS, *EXTRA]))
    yield workspace
    workspace.close()


def _cases(cli: Cli, *args: str) -> list[str]:
    return sorted({h["案件编号"] for h in json.loads(cli("search", *args, "--json").output)})


def test_fields_in_queries_and_as_filters(ws: Workspace) -> None:
    cli = Cli(ws)
    assert _cases(cli, "信访人:李四") == ["T2024-0001"]
    assert _cases(cli, "", "--person", "王五") == ["T2024-0002"]
    assert _cases(cli, "信访人:李") == []  # a name matches whole…
    assert _cases(cli, "信访人:李*") == ["T2024-0001"]  # …or as a prefix when asked
    id_number = VALID_IDS[2 % len(VALID_IDS)]
    assert _cases(cli, f"身份证号:{id_number}") == ["T2024-0002"]
    assert _cases(cli, "", "--id-number", id_number) == ["T2024-0002"]
    assert _cases(cli, "责任单位:区住房和城乡建设局") == ["T2024-0002"]
    assert _cases(cli, "", "--unit", "区住建局") == ["T2024-0002"]  # through the alias table
    assert _cases(cli, "包案领导:刘洋") == ["T2024-0002"]
    assert _cases(cli, "", "--leader", "张伟") == ["T2024-0001"]
    assert _cases(cli, "类型:台账 拖欠工资") == ["T2024-0001", "T2024-0002"]
    assert _cases(cli, "", "--kind", "交办函") == []


def test_date_range_names_its_field(ws: Workspace) -> None:
    cli = Cli(ws)
    # the example: a 来访 case registered 2023-12-08, accepted 2024-06-10
    assert _cases(cli, "来访", "--from", "2023-11-01", "--to", "2023-12-31") == ["T2024-0001"]
    assert _cases(cli, "来访", "--date-field", "受理", "--from", "2023-11-01",
                  "--to", "2023-12-31") == []  # fmt: skip
    assert _cases(cli, "", "--date-field", "受理", "--from", "2024-06-01") == [
        "T2024-0001",
        "T2024-0002",
    ]
    assert _cases(cli, "", "--date-field", "交办", "--from", "2024-03-01",
                  "--to", "2024-03-31") == ["T2024-0002"]  # fmt: skip
    assert _cases(cli, "", "--date-field", "成文", "--from", "2000-01-01") == []  # no papers yet
    assert (
        "默认值：登记" in cli("search", "--help").output
        or "登记]" in cli("search", "--help").output
    )


def test_unknown_filter_values_are_refused_with_the_allowed_ones(ws: Workspace) -> None:
    cli = Cli(ws)
    # a known everyday spelling is understood…
    assert _cases(cli, "", "--status", "在办") == ["T2024-0001", "T2024-0002"]
    assert "共 2 件" in cli("case", "list", "--status", "在办").output
    # …an unknown one is refused, never a silent 0
    for argv in (
        ("search", "工资", "--status", "在审"),
        ("case", "list", "--status", "在审"),
        ("ledger", "export", str(ws.root.parent / "x.xlsx"), "--status", "在审"),
    ):
        out = cli(*argv, ok=False)
        assert out.exit_code == 1 and "状态“在审”不是可选值" in out.output
        assert "办理中" in out.output and "已导入法定程序" in out.output
    refused = cli("case", "list", "--category", "外星人问题", ok=False)
    assert "问题类别“外星人问题”不是可选值" in refused.output and "劳动保障" in refused.output
    unit = cli("ledger", "export", str(ws.root.parent / "y.xlsx"), "--unit", "区文旅局", ok=False)
    assert "责任单位“区文旅局”不在目录中" in unit.output
    assert "区人力资源和社会保障局" in unit.output and "区住房和城乡建设局" in unit.output
    group = cli("search", "", "--category", "组织人事问题类", ok=False)
    assert "归类" in group.output
    assert not (ws.root.parent / "x.xlsx").exists()
    # 组织人事问题类 in case list / export is the 归类
    assert "共 0 件" in cli("case", "list", "--category", "组织人事问题类").output
    assert "共 1 件" in cli("case", "list", "--group", "其它遗留问题类").output
    out = cli("ledger", "export", str(ws.root.parent / "z.xlsx"), "--category", "民生问题类")
    assert "已导出 1 件" in out.output


def test_saved_searches(ws: Workspace) -> None:
    cli = Cli(ws)
    out = cli("search", "拖欠工资", "--unit", "区人社局", "--save", "人社欠薪")
    assert "已保存检索“人社欠薪”" in out.output
    assert _cases(cli, "--saved", "人社欠薪") == ["T2024-0001"]
    listed = cli("search", "--list-saved").output
    assert "人社欠薪：检索式=拖欠工资；责任单位=区人社局" in listed
    missing = cli("search", "--saved", "没有这个", ok=False)
    assert "没有名为“没有这个”的保存检索" in missing.output and "人社欠薪" in missing.output
    both = cli("search", "别的", "--saved", "人社欠薪", ok=False)
    assert "不能再给出检索式" in both.output
    bad = cli("search", "x", "--status", "在审", "--save", "坏的", ok=False)
    assert "不是可选值" in bad.output and "坏的" not in cli("search", "--list-saved").output


def test_id_number_queries_stay_out_of_logs(
    ws: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    id_number = VALID_IDS[1]
    with caplog.at_level(logging.DEBUG):
        Cli(ws)("search", f"身份证号:{id_number}", "--id-number", id_number)
        Cli(ws)("search", id_number, "--save", "按身份证")
    assert id_number not in caplog.text
    assert id_number[:10] not in caplog.text
    with ws.read_session() as session:
        from sqlalchemy import select

        from docgen.archive.tables import AuditEntry

        details = " ".join(f"{a.target} {a.detail}" for a in session.scalars(select(AuditEntry)))
    assert id_number not in details
