"""The hostile corpus walked through every command that takes input (issue 19, items 8–12).

Each try runs the real entry point (``docgen.cli.main``, the CLI's one error boundary) and must
end with a clear Chinese message (``错误：…``), exit code 1 or 2, no traceback, and nothing
written: the workspace (catalog included) and the input folders stay byte for byte as they were.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docgen.archive.settings import Settings
from docgen.archive.workspace import Workspace
from docgen.cli import main
from tests.hostile.corpus import (
    BIDI,
    CONTROL,
    EMOJI,
    SURROGATE,
    base_docx,
    tree_state,
    write_office_files,
)

CASE = "XF-1"
LINKED = "XF-LINK"
NEW_CASE = ("--set", "信访人=张三", "--set", "问题类别=劳动保障", "--set", "诉求=追讨欠薪",
            "--set", "责任单位=区人社局")  # fmt: skip


@dataclass
class Env:
    ws: Path
    inputs: Path
    outside: Path
    files: dict[str, Path]

    @property
    def good_docx(self) -> Path:
        return self.inputs / "good.docx"


def run_cli(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run ``docgen ARGV`` in-process through ``main()``; → (exit code, stdout + stderr)."""
    logger = logging.getLogger("docgen")
    handlers = list(logger.handlers)
    old_argv = sys.argv
    sys.argv = ["docgen", *argv]
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = old_argv
        logger.handlers = handlers
    out = capsys.readouterr()
    # Reports must stay UTF-8 (pytest-xdist refuses lone surrogates), whatever was printed.
    return code, (out.out + out.err).encode("utf-8", "backslashreplace").decode("utf-8")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    base = tmp_path_factory.mktemp("hostile")
    ws = Workspace.init(base / "ws", Settings(org="某市某区信访局", code="某信交", fonds="J021"))
    ws.close()
    inputs, outside = base / "in", base / "outside"
    files = write_office_files(inputs)
    (inputs / "good.docx").write_bytes(base_docx())
    outside.mkdir()
    env = Env(base / "ws", inputs, outside, files)
    from tests.conftest import Cli

    cli = Cli(Workspace.open(env.ws))
    for case_no in (CASE, LINKED):
        cli("case", "add", "--set", f"案件编号={case_no}", *NEW_CASE)
    (env.ws / "archive" / LINKED).symlink_to(outside, target_is_directory=True)
    yield env


def _tries(e: Env) -> dict[str, tuple[str, ...]]:
    w = ("-w", str(e.ws))
    out = str(e.inputs / "out.pdf")
    tries: dict[str, tuple[str, ...]] = {}
    for name, path in e.files.items():
        if name.endswith(".docx"):
            tries[f"attach {name}"] = (
                *w,
                "attach",
                CASE,
                str(path),
                "--section",
                "3",
                "--title",
                "材料",
            )
            tries[f"paper pdf {name}"] = ("paper", "pdf", str(path), "--out", out)
            tries[f"paper check {name}"] = ("paper", "check", str(path))
        elif name.endswith(".png"):
            tries[f"attach {name}"] = (
                *w,
                "attach",
                CASE,
                str(path),
                "--section",
                "3",
                "--title",
                "扫描件",
            )
        else:
            tries[f"ledger import {name}"] = (*w, "ledger", "import", str(path))
            tries[f"ledger import --skip-invalid {name}"] = (
                *w, "ledger", "import", str(path), "--skip-invalid",
                "--errors-out", str(e.inputs / "errors.xlsx"),
            )  # fmt: skip
    good = str(e.good_docx)
    tries |= {
        # invalid UTF-8 / lone surrogates in arguments
        "case show surrogate": (*w, "case", "show", SURROGATE),
        "case list surrogate": (*w, "case", "list", "--unit", SURROGATE),
        "case edit surrogate": (*w, "case", "edit", CASE, "--set", f"诉求={SURROGATE}"),
        "search surrogate": (*w, "search", SURROGATE),
        "paper make surrogate": (*w, "paper", "make", "受理告知书", "--case", SURROGATE),
        "ledger import surrogate name": (*w, "ledger", "import", str(e.inputs / "\udcff.xlsx")),
        # bidi controls in names, case numbers, 文号
        "case add bidi name": (
            *w,
            "case",
            "add",
            "--set",
            "案件编号=XF-2",
            "--set",
            f"信访人={BIDI}",
            *NEW_CASE[2:],
        ),
        "case edit bidi name": (*w, "case", "edit", CASE, "--set", f"信访人={BIDI}"),
        "paper make bidi value": (
            *w,
            "paper",
            "make",
            "交办函",
            "--case",
            CASE,
            "--set",
            f"联系人={BIDI}",
        ),
        "attach bidi title": (*w, "attach", CASE, good, "--section", "3", "--title", BIDI),
        "attach bidi doc-no": (
            *w,
            "attach",
            CASE,
            good,
            "--section",
            "3",
            "--title",
            "材料",
            "--doc-no",
            "某信交〔2024〕\u202e1号",
        ),
        "dossier build bidi filer": (*w, "dossier", "build", CASE, "--filer", BIDI),
        "seal make bidi text": (*w, "seal", "make", "--lower-text", BIDI),
        "case show bidi number": (*w, "case", "show", "XF\u202e-1"),
        # control characters
        "case edit control": (*w, "case", "edit", CASE, "--set", f"诉求={CONTROL}"),
        "paper make control": (
            *w,
            "paper",
            "make",
            "交办函",
            "--case",
            CASE,
            "--set",
            f"联系人={CONTROL}",
        ),
        "case visit control": (
            *w,
            "case",
            "visit",
            CASE,
            "--date",
            "2024-9-30",
            "--content",
            CONTROL,
        ),
        "case visit bidi visitor": (
            *w,
            "case",
            "visit",
            CASE,
            "--date",
            "2024-9-30",
            "--visitors",
            BIDI,
        ),
        # over-long values
        "case visit long": (
            *w,
            "case",
            "visit",
            CASE,
            "--date",
            "2024-9-30",
            "--content",
            "长" * 20_001,
        ),
        "case edit long": (*w, "case", "edit", CASE, "--set", "诉求=" + "长" * 20_001),
        "paper make long contact": (
            *w,
            "paper",
            "make",
            "交办函",
            "--case",
            CASE,
            "--set",
            "联系人=" + "张" * 40_000,
        ),
        "search long": (*w, "search", "长" * 1000),
        "case show 256-byte number": (*w, "case", "show", "𠮷" * 64),
        # seals, numbers, workspace settings
        "seal register bomb.png": (*w, "seal", "register", str(e.inputs / "bomb.png")),
        "seal make nan diameter": (*w, "seal", "make", "--diameter", "nan"),
        "search bad date": (*w, "search", "欠薪", "--from", "2024-13-45"),
        "init bidi org": ("init", str(e.outside / "new"), "--org", "某\u202e局"),
        "init long org": ("init", str(e.outside / "new"), "--org", "局" * 5000),
        # paths that are not files
        "ledger import a folder": (*w, "ledger", "import", str(e.inputs)),
        "paper pdf missing file": ("paper", "pdf", str(e.inputs / "missing.docx")),
        # traversal names
        "init code traversal": (
            "init",
            str(e.outside / "new"),
            "--org",
            "某局",
            "--code",
            "../../X",
        ),
        "case show traversal": (*w, "case", "show", "../XF"),
        "dossier build traversal": (*w, "dossier", "build", "../../XF"),
        "export traversal": (*w, "export", "../XF", "--out", str(e.outside / "pkg")),
        "attach traversal": (*w, "attach", "../XF", good, "--section", "3", "--title", "t"),
        "paper make dot-dot": (*w, "paper", "make", "受理告知书", "--case", ".."),
        # a case folder that is a symlink out of the workspace
        "paper make symlinked folder": (*w, "paper", "make", "受理告知书", "--case", LINKED),
        "attach symlinked folder": (*w, "attach", LINKED, good, "--section", "3", "--title", "t"),
        # characters no configured font has
        "paper make emoji": (
            *w,
            "paper",
            "make",
            "督办函",
            "--case",
            CASE,
            "--set",
            f"督办事由={EMOJI}",
            "--set",
            "报送时限=2024年7月1日",
        ),
    }
    return tries


TRY_NAMES = sorted(_tries(Env(Path("w"), Path("i"), Path("o"), dict.fromkeys(
    [f"{kind}.{ext}" for kind in ("bomb-declared", "laughs", "not-xml") for ext in ("docx", "xlsx")]
    + ["bomb-ratio.docx", "many-members.docx", "vt-char.xlsx", "bomb.png"], Path("x")))))  # fmt: skip


def _assert_refused(code: int, output: str) -> None:
    assert code in (1, 2), output
    assert "错误：" in output, output
    assert "Traceback" not in output and "Error:" not in output, output
    assert "程序内部错误" not in output, output  # a clear message, not the last-resort one
    for english in ("Usage:", "Invalid value", "does not exist", "is a directory"):
        assert english not in output, output


@pytest.mark.parametrize("name", TRY_NAMES)
def test_hostile_input_is_refused_cleanly(
    env: Env, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = _tries(env)[name]
    before = tree_state(env.ws, env.inputs, env.outside)
    catalog = (env.ws / "catalog.sqlite").read_bytes()
    code, output = run_cli(*argv, capsys=capsys)
    _assert_refused(code, output)
    assert (env.ws / "catalog.sqlite").read_bytes() == catalog, "catalog changed"
    if name.endswith("vt-char.xlsx"):
        # A control character is a cell-level refusal (issue 12), as in a CSV: the row and
        # column are named, and --skip-invalid writes the refused row, made visible, to the
        # errors file it was asked for -- and nothing else.
        assert "第 2 行“反映问题”列：含不可见的控制字符" in output, output
        errors = env.inputs / "errors.xlsx"
        if "--skip-invalid" in argv:
            cells = [c for row in load_workbook(errors).active.iter_rows(values_only=True)
                     for c in row]  # fmt: skip
            assert "⟦U+000B⟧追讨拖欠工资" in cells, cells
            errors.unlink()
        assert not errors.exists()
    assert tree_state(env.ws, env.inputs, env.outside) == before, "files written"


def test_corpus_covers_every_input_command() -> None:
    commands = {" ".join(a for a in argv[2 if argv[0] == "-w" else 0 :][:2] if not a.startswith("-"))
                for argv in _tries(Env(Path("w"), Path("i"), Path("o"), {})).values()}  # fmt: skip
    for needed in ("attach", "case show", "case edit", "case add", "case list", "search",
                   "paper make", "ledger import", "dossier build", "export", "init"):  # fmt: skip
        assert any(c.startswith(needed) for c in commands), needed
