"""发文代字, 全宗号 and 案件编号: checked and trimmed by one rule everywhere (issue 19, item 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docgen import caseno
from docgen.archive.settings import SETTINGS_FILE
from docgen.archive.workspace import Workspace
from docgen.errors import WorkspaceError
from tests.conftest import Cli

CASE = ("--set", "信访人=张三", "--set", "问题类别=劳动保障", "--set", "诉求=追讨欠薪",
        "--set", "责任单位=区人社局")  # fmt: skip


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--code", "../../X"),
        ("--code", "../../../../../X"),
        ("--code", "某信/交"),
        ("--code", "-rf"),
        ("--code", "某信\u202e交"),
        ("--code", "信" * 11),
        ("--fonds", "../J021"),
        ("--fonds", "-1"),
        ("--fonds", "J 021"),
        ("--unit-code", "../XFB"),
    ],
)
def test_init_refuses_unsafe_code_and_fonds(tmp_path: Path, option: str, value: str) -> None:
    root = tmp_path / "a" / "b" / "ws"
    result = Cli()("init", str(root), "--org", "某局", option, value, ok=False)
    assert result.exit_code == 1 and "错误：" in result.output
    label = {"--code": "发文代字", "--fonds": "全宗号", "--unit-code": "机构（问题）代码"}[option]
    assert label in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == []


def test_init_trims_code_and_fonds(tmp_path: Path) -> None:
    Cli()("init", str(tmp_path / "ws"), "--org", "某局", "--code", " 某信交 ", "--fonds", "J021 ")
    settings = json.loads((tmp_path / "ws" / SETTINGS_FILE).read_text("utf-8"))
    assert settings["code"] == "某信交" and settings["fonds"] == "J021"


def test_a_hand_edited_code_is_refused_on_open(workspace: Workspace) -> None:
    path = workspace.root / SETTINGS_FILE
    data = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**data, "code": "../../../X/sub"}), "utf-8")
    with pytest.raises(WorkspaceError, match="发文代字"):
        Workspace.open(workspace.root)


@pytest.mark.parametrize(
    ("case_no", "why"),
    [
        ("𠮷" * 64, "字节"),
        ("-rf", "“-”"),
        ("XF\u202e01", "U+202E"),
        ("XF\t01", "U+0009"),
        ("../XF", "不能含"),
    ],
)
def test_case_numbers_are_checked_once(run: Cli, case_no: str, why: str) -> None:
    result = run("case", "add", "--set", f"案件编号={case_no}", *CASE, ok=False)
    assert result.exit_code == 1 and (why in result.output or "控制字符" in result.output)
    assert caseno.problem(case_no)
    looked_up = run("case", "show", "--", case_no, ok=False)
    assert (
        looked_up.exit_code == 2
        and why in looked_up.output
        and "Traceback" not in (looked_up.output)
    )


def test_case_numbers_are_trimmed_the_same_way_everywhere(run: Cli) -> None:
    run("case", "add", "--set", "案件编号= XF-SP ", *CASE)
    assert json.loads(run("case", "show", " XF-SP ", "--json").output)["案件编号"] == "XF-SP"
    # 受理告知书 prints these case values and is refused without them (issue 13)
    dates = ("--set", "登记日期=2024-10-08", "--set", "受理日期=2024-10-10",
             "--set", "办结时限=2024-12-09")  # fmt: skip
    run("case", "edit", "\u3000XF-SP ", "--set", "状态=已办结", *dates)
    hits = json.loads(run("search", "追讨欠薪", "--case", " XF-SP", "--json").output)
    assert [h["案件编号"] for h in hits] == ["XF-SP"]
    made = json.loads(run("paper", "make", "受理告知书", "--case", " XF-SP ", "--json").output)
    assert made["案件编号"] == "XF-SP" and made["pdf"].startswith("archive/XF-SP/")
