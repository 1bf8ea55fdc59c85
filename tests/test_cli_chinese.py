"""The command line speaks Chinese: every --help and click's own errors, through the zh_CN catalog."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from docgen.cli import cli
from docgen.cli.catalog import MO_FILE, PO_FILE, compiled_catalog, read_po
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[1]

# What may stay ASCII in Chinese text: option names, file names and paths, codes and product names.
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*(?:/--?[\w-]+)?")
FILE_OR_PATH = re.compile(r"[\w.-]*(?:/[\w.-]+)+/?|[\w-]*\.[A-Za-z][\w]*")
# XF2024-0001, GB2312, DOCGEN_WORKSPACE, demo-workspace (a folder name)
CODE = re.compile(r"\b(?=[A-Za-z_]*[\d_])[\w#-]+\b|\b[a-z]+(?:-[a-z]+)+\b")
QUOTED = re.compile(r"'[^']*'")  # what the user typed, echoed back
ACRONYMS = {"PDF", "JSON", "SHA", "CSV", "PNG", "AND", "OR", "NOT", "PKCS", "URL", "XFB"}
ALLOWED = {"docgen", "Excel", "Word", "WPS", "TrueType", "whoosh", "tantivy", *ACRONYMS}
WORD = re.compile(r"[A-Za-z]{2,}")


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # click's API: the CLI imports commands lazily
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


COMMAND_NAMES = {name for path in _commands(cli) for name in path}


def english_words(text: str) -> list[str]:
    for pattern in (QUOTED, OPTION, FILE_OR_PATH, CODE):
        text = pattern.sub(" ", text)
    return [w for w in WORD.findall(text) if w not in ALLOWED | COMMAND_NAMES]


def test_the_word_finder_finds_english() -> None:
    assert english_words("Usage: docgen [OPTIONS]") == ["Usage", "OPTIONS"]
    assert english_words("'xyz' is not one of '上门'.") == ["is", "not", "one", "of"]
    assert english_words("用法：docgen ledger import --skip-invalid 台账.xlsx XF2024-0001") == []


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p) or "docgen")
def test_every_help_is_chinese(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], catch_exceptions=False, prog_name="docgen")
    assert result.exit_code == 0, result.output
    assert "用法：" in result.output and "选项：" in result.output
    assert english_words(result.output) == [], result.output


WRONG = [
    (["exprot"], "没有这个命令：'exprot'", "export"),
    (
        ["case", "visit", "XF2024-0001", "--date", "2024-1-1", "--method", "电话回访"],
        "--method",
        "不是可选的值",
    ),
    (
        ["attach", "XF2024-0001", "x.pdf", "--section", "1", "--title", "t", "--date", "2024-13-1"],
        "--date",
        "日期",
    ),
    (["search", "工资", "--from", "六月"], "--from", "不是可识别的日期"),
    (["dossier", "build"], "缺少参数", "案件编号"),
    (["init", "ws"], "缺少选项", "--org"),
    (["search", "x", "--limit", "many"], "不是有效的整数", "--limit"),
    (["search", "x", "--limit", "900"], "不在范围", "--limit"),
    (["case", "list", "--bogus"], "没有这个选项", "--bogus"),
    (["case", "show"], "缺少参数", "案件编号"),
    (["case", "show", "a", "b"], "多余的参数", "b"),
    (["case", "list", "--status"], "需要 1 个值", "--status"),
    (["paper", "pdf", "不存在.docx"], "文件", "不存在"),
    (["ledger"], "用法：", "命令"),
]


@pytest.mark.parametrize("case", WRONG, ids=lambda c: " ".join(c[0]))
def test_wrong_invocations_are_told_in_chinese(case: tuple[list[str], str, str]) -> None:
    argv, *expected = case
    result = CliRunner().invoke(cli, argv, catch_exceptions=False, prog_name="docgen")
    assert result.exit_code == 2, result.output
    for part in expected:
        assert part in result.output
    assert english_words(result.output) == [], result.output


def test_dates_take_the_ledger_spellings(run: Cli) -> None:
    run("case", "add", "--set", "案件编号=XF2024-0100", "--set", "信访人=张三", "--set", "问题类别=民生",
        "--set", "诉求=要求答复", "--set", "责任单位=区民政局")  # fmt: skip
    for spelling in ("2024.7.1", "2024年7月2日", "2024-7-3", "2024/7/4"):
        run("case", "visit", "XF2024-0100", "--date", spelling)
    shown = json.loads(run("case", "show", "XF2024-0100", "--json").output)
    assert [v["日期"] for v in shown["回访记录"]] == [
        "2024-07-01", "2024-07-02", "2024-07-03", "2024-07-04"
    ]  # fmt: skip
    text = run("case", "show", "XF2024-0100").output
    assert "日期：2024年7月1日" in text and "datetime" not in text


def test_catalog_mo_is_compiled_from_the_po() -> None:
    assert MO_FILE.read_bytes() == compiled_catalog(), "run: python -m docgen.cli.catalog"


def _click_messages() -> set[str]:
    """Every string click's modules mark with _() or ngettext() (singular and plural)."""
    found: set[str] = {"required"}  # marked indirectly: _(extra["required"])
    for module in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                args = [a.value for a in node.args if isinstance(a, ast.Constant)]
                if node.func.id == "_" and args:
                    found.add(args[0])
                elif node.func.id == "ngettext" and len(args) >= 2:
                    found.add(f"{args[0]}\0{args[1]}")
    return found


def test_catalog_covers_every_click_message() -> None:
    catalog = read_po(PO_FILE.read_text("utf-8"))
    missing = sorted(_click_messages() - set(catalog))
    assert not missing, f"add to {PO_FILE.name}: {missing}"
    for key, value in catalog.items():
        if key:  # every placeholder of the English text survives the translation
            placeholders = set(re.findall(r"\{\w+[^}]*\}|%\(\w+\)s", key.split("\0")[-1]))
            assert placeholders <= set(re.findall(r"\{\w+[^}]*\}|%\(\w+\)s", value)) | {
                "{possibility}", "{choice}", "{format}", "{param_type}"
            }, key  # fmt: skip


def test_chinese_whatever_the_locale(tmp_path: Path) -> None:
    env = {**os.environ, "LANG": "C", "LC_ALL": "C", "LANGUAGE": "en_US", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "docgen", "reprot"], capture_output=True,
                            text=True, env=env, cwd=tmp_path, encoding="utf-8")  # fmt: skip
    assert result.returncode == 2
    assert "没有这个命令：'reprot'" in result.stderr and "Usage" not in result.stderr


def test_errors_carry_their_code_in_json(run: Cli) -> None:
    result = run("case", "show", "XF-404", "--json", ok=False)
    assert result.exit_code == 1
    error = json.loads(result.stdout)
    assert error["code"] == "not_found" and "不存在" in error["错误"]
    text = run("case", "show", "XF-404", ok=False)
    assert text.stdout == "" and "错误：" in text.stderr and "not_found" not in text.stderr
