"""The command line, end to end through CliRunner, checking the catalog and files afterwards."""

from __future__ import annotations

import json
from pathlib import Path

from docgen.archive.workspace import Workspace
from docgen.sample import write_sample_ledger
from tests.conftest import Cli, good_row, write_ledger


def test_init_then_import_list_show(tmp_path: Path) -> None:
    cli = Cli()
    root = tmp_path / "ws"
    out = cli("init", str(root), "--org", "某区信访局", "--code", "某信交").output
    assert "已新建工作区" in out
    ledger = write_sample_ledger(tmp_path / "s.xlsx")
    out = cli("-w", str(root), "ledger", "import", str(ledger)).output
    assert "新增 30 件" in out
    rows = json.loads(cli("-w", str(root), "case", "list", "--json").output)
    assert len(rows) == 30 and rows[0]["案件编号"] == "XF2024-0001"
    shown = json.loads(cli("-w", str(root), "case", "show", "XF2024-0001", "--json").output)
    person = shown["信访人详情"][0]
    assert "*" in person["身份证号"] and "*" in person["电话"] and person["住址"] == "（已隐藏）"
    full = json.loads(
        cli("-w", str(root), "case", "show", "XF2024-0001", "--show-personal", "--json").output
    )
    assert "*" not in full["信访人详情"][0]["身份证号"]


def test_list_filters(populated: Workspace) -> None:
    cli = Cli(populated)
    rows = json.loads(cli("case", "list", "--category", "涉军", "--json").output)
    assert {r["问题类别"] for r in rows} == {"涉军"}
    rows = json.loads(cli("case", "list", "--leader", "王强", "--json").output)
    assert rows and {r["包案领导"] for r in rows} == {"王强"}
    overdue = json.loads(cli("case", "list", "--overdue", "--json").output)
    assert overdue and all(r["超期"] for r in overdue)


def test_import_errors_exit_nonzero_in_chinese(run: Cli, tmp_path: Path) -> None:
    path = write_ledger(tmp_path / "bad.xlsx", [good_row(1, 类别="外星人")])
    result = run("ledger", "import", str(path), ok=False)
    assert result.exit_code == 1
    assert "第 4 行“类别”列" in result.output and "未导入任何案件" in result.output
    assert "Traceback" not in result.output


def test_add_and_edit_validate_like_the_ledger(run: Cli) -> None:
    run("case", "add", "--set", "案件编号=XF-1", "--set", "信访人=张三", "--set", "问题类别=劳动保障",
        "--set", "诉求=追讨欠薪", "--set", "责任单位=区人社局", "--set", "受理日期=2024年6月10日")  # fmt: skip
    again = run("case", "add", "--set", "案件编号=XF-1", "--set", "信访人=李四", "--set",
                "问题类别=三农", "--set", "诉求=x", "--set", "责任单位=y", ok=False)  # fmt: skip
    assert again.exit_code == 1 and "已存在" in again.output
    bad = run(
        "case", "edit", "XF-1", "--set", "受理日期=2024-2-30", "--set", "身份证号=123", ok=False
    )
    assert "“受理日期”" in bad.output and "“身份证号”" in bad.output
    run("case", "edit", "XF-1", "--set", "状态=已办结", "--set", "办结日期=2024-9-30")
    shown = json.loads(run("case", "show", "XF-1", "--json").output)
    assert shown["状态"] == "已办结" and shown["办结日期"] == "2024-09-30"
    missing = run("case", "show", "XF-404", ok=False)
    assert missing.exit_code == 1 and "不存在" in missing.output


def test_usage_errors_are_chinese(run: Cli) -> None:
    result = run("case", "list", "--bogus", ok=False)
    assert result.exit_code == 2
    help_text = run("case", "--help").output
    assert "用法" in help_text and "显示本帮助并退出" in help_text


def test_export_command(populated: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "台账.xlsx"
    assert "已导出 30 件" in Cli(populated)("ledger", "export", str(out)).output
    assert out.is_file()


def test_visit_records_a_follow_up(populated: Workspace) -> None:
    cli = Cli(populated)
    cli("case", "visit", "XF2024-0001", "--date", "2024年10月8日", "--method", "上门",
        "--visitors", "周明", "--attitude", "满意", "--content", "补偿款已到位")  # fmt: skip
    shown = json.loads(cli("case", "show", "XF2024-0001", "--json").output)
    assert shown["回访记录"] == [
        {"日期": "2024-10-08", "方式": "上门", "回访人": "周明", "态度": "满意"}
    ]
    bad = cli("case", "visit", "XF2024-0001", "--date", "2024-2-30", ok=False)
    assert (
        bad.exit_code == 2
        and "'--date' 的值无效" in bad.output
        and "不是真实存在的日期" in bad.output
    )


def test_a_reader_that_goes_away_gets_no_error_message(tmp_path: Path) -> None:
    """``docgen … | head``: when the reader closes the pipe, docgen stops without an error (it
    printed “文件操作失败：Broken pipe”, or a traceback with --json)."""
    import subprocess
    import sys

    for args in (["fonts"], ["fonts", "--json"]):
        proc = subprocess.Popen(
            [sys.executable, "-m", "docgen", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        proc.stdout.close()  # before docgen has written anything
        _, err = proc.communicate(timeout=60)
        assert "错误" not in err.decode() and "Traceback" not in err.decode(), args
