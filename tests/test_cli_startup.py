"""CLI start-up: each command imports only what it needs (issue 21; bench/cli.py times it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from docgen.archive.workspace import Workspace
from docgen.cli import COMMANDS, cli

#: What ``docgen --help`` must not load: the typesetter, the search engine, the web app, the signer,
#: the catalog's database layer and the spreadsheet libraries.
HEAVY = {"weasyprint", "tantivy", "whoosh", "rjieba", "fastapi", "uvicorn", "pyhanko", "pikepdf",
         "fontTools", "docx", "docxtpl", "sqlalchemy", "alembic", "openpyxl", "python_calamine"}  # fmt: skip


def _loaded_after(argv: list[str]) -> tuple[str, set[str]]:
    """Run the real entry point with ``argv`` in a fresh interpreter → (output, the modules loaded
    when it ended: their full names and their top-level packages')."""
    code = (
        "import sys, json\n"
        f"sys.argv = ['docgen', *{argv!r}]\n"
        "from docgen.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write(json.dumps(sorted({*sys.modules, *(m.split('.')[0] for m in sys.modules)})))\n"
    )
    env = {**os.environ, "COLUMNS": "80"}  # help is laid out for an 80-column terminal
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env)  # fmt: skip
    return done.stdout, set(json.loads(done.stderr.splitlines()[-1]))


def test_help_imports_no_heavy_library() -> None:
    out, loaded = _loaded_after(["--help"])
    assert "命令：" in out and "paper" in out
    assert not loaded & HEAVY, sorted(loaded & HEAVY)
    assert not {m for m in loaded if m == "archive" or m == "index"}


def test_the_command_line_runs_full_collections_less_often() -> None:
    """``main`` spaces the collector's full passes (``FULL_PASS_EVERY``); the young passes keep
    Python's setting."""
    from docgen.cli import FULL_PASS_EVERY

    code = (
        "import gc, json, sys\n"
        "before = gc.get_threshold()\n"
        "sys.argv = ['docgen', '--version']\n"
        "from docgen.cli import main\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps([before, gc.get_threshold()]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = json.loads(done.stdout.splitlines()[-1])
    assert after == [before[0], before[1], FULL_PASS_EVERY] and before[2] < FULL_PASS_EVERY


def test_a_group_help_loads_its_module_only() -> None:
    out, loaded = _loaded_after(["numbers", "--help"])
    assert "发文登记簿" in out
    assert not loaded & {"weasyprint", "tantivy", "fastapi", "pyhanko", "openpyxl"}


#: What making a paper without --seal/--sign must not load: the signer (pyHanko, and aiohttp under
#: it, cost a third of a second), and the seal's drawing, stamping and PDF/A modules with the PDF
#: libraries under them (a quarter of a second more).
SEALING = {"pyhanko", "aiohttp", "docgen.seal", "docgen.archive.sealing", "pikepdf", "pypdf",
           "cryptography", "defusedxml"}  # fmt: skip


def test_making_a_paper_does_not_load_the_signer(populated: Workspace) -> None:
    out, loaded = _loaded_after(
        ["-w", str(populated.root), "paper", "make", "交办函", "--case", "XF2024-0001"]
    )
    assert "已生成交办函" in out
    assert "weasyprint" in loaded and not loaded & SEALING, sorted(loaded & SEALING)


#: What a tantivy workspace (the default) never loads: the other search engine. Its tokenizers,
#: fields and query compiler are the whoosh backend's own modules.
WHOOSH = {"whoosh", "docgen.index.whoosh_backend", "docgen.index.whoosh_schema",
          "docgen.index.whoosh_query"}  # fmt: skip


@pytest.mark.parametrize("argv", [["paper", "make", "交办函", "--case", "XF2024-0001"],
                                  ["search", "工资"]])  # fmt: skip
def test_a_tantivy_workspace_does_not_load_whoosh(populated: Workspace, argv: list[str]) -> None:
    assert populated.settings.search_backend == "tantivy"
    out, loaded = _loaded_after(["-w", str(populated.root), *argv])
    assert out.strip() and "tantivy" in loaded and not loaded & WHOOSH, sorted(loaded & WHOOSH)


def test_a_whoosh_index_finds_its_classes_under_the_names_it_recorded() -> None:
    """An existing whoosh index's pickled schema names the tokenizers and fields where they
    were defined before they moved to ``index.whoosh_schema``."""
    from docgen.index import analysis, schema, whoosh_schema

    for module, name in ((analysis, "GramTokenizer"), (analysis, "WordTokenizer"),
                         (schema, "GramField"), (schema, "WordsField"),
                         (schema, "build_schema")):  # fmt: skip
        assert getattr(module, name) is getattr(whoosh_schema, name)
    with pytest.raises(AttributeError):
        analysis.Compiler  # noqa: B018


#: Python source that records every program a child process starts (in ``runs``)
_COUNT_RUNS = (
    "runs = []\n"
    "real = subprocess.Popen.__init__\n"
    "def counted(self, *args, **kwargs):\n"
    "    runs.append(args[0] if args else kwargs.get('args'))\n"
    "    real(self, *args, **kwargs)\n"
    "subprocess.Popen.__init__ = counted\n"
)


def test_making_a_paper_starts_no_other_program(populated: Workspace) -> None:
    """The installed fonts are listed by libfontconfig in the process (no fc-list), and the
    typesetter's libraries load without lookups (``test_the_typesetter_loads_…``)."""
    argv = ["-w", str(populated.root), "paper", "make", "交办函", "--case", "XF2024-0003"]
    code = (
        "import subprocess, sys\n" + _COUNT_RUNS + f"sys.argv = ['docgen', *{argv!r}]\n"
        "from docgen.cli import main\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "print('RUNS', runs)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "已生成交办函" in done.stdout and "RUNS []" in done.stdout, done.stdout[-500:]


def test_listing_cases_loads_no_spreadsheet_or_search_library(populated: Workspace) -> None:
    """``case list`` reads the catalog only: openpyxl (and numpy under it) loads where a workbook
    is written, the renderer and the search engine where they are used, the ledger's readers and
    parsing rules where a ledger is read or a case entered, the paper types where a paper is
    named (tomllib parses their declarations)."""
    out, loaded = _loaded_after(["-w", str(populated.root), "case", "list"])
    assert "XF2024-0001" in out
    assert not loaded & {"openpyxl", "numpy", "weasyprint", "tantivy", "rjieba"}, sorted(loaded)
    assert not loaded & LEDGER_READING, sorted(loaded & LEDGER_READING)
    assert "tomllib" not in loaded


#: The ledger's readers and parsing rules, and the import/export around them: loaded by
#: ``ledger import``/``export`` and ``case add``/``edit``, not by commands that only read.
LEDGER_READING = {"docgen.ledger.parse", "docgen.ledger.reader", "docgen.archive.ledger_io",
                  "docgen.papers.context"}  # fmt: skip


def test_searching_loads_no_ledger_or_paper_rules(populated: Workspace) -> None:
    out, loaded = _loaded_after(["-w", str(populated.root), "search", "工资"])
    assert "XF2024-" in out
    unneeded = LEDGER_READING | {"docgen.papers.registry", "tomllib", "weasyprint", "docx"}
    assert not loaded & unneeded, sorted(loaded & unneeded)


#: What making one paper (no --seal, no --all) does not need: the batch's worker pool, the
#: other catalog dialect, the ledger's reading rules, a search hit's masking and snippets.
NOT_FOR_ONE_PAPER = {"concurrent.futures.process", "multiprocessing", "docgen.ledger.parse",
                     "docgen.ledger.reader", "docgen.archive.ledger_io", "docgen.index.snippets",
                     "docgen.masking"}  # fmt: skip


def test_making_one_paper_loads_only_what_it_uses(populated: Workspace) -> None:
    out, loaded = _loaded_after(
        ["-w", str(populated.root), "paper", "make", "交办函", "--case", "XF2024-0002"]
    )
    assert "已生成交办函" in out
    assert not loaded & NOT_FOR_ONE_PAPER, sorted(loaded & NOT_FOR_ONE_PAPER)
    if populated.engine.dialect.name == "sqlite":
        assert "sqlalchemy.dialects.postgresql" not in loaded


def test_the_listing_without_imports_is_the_listing_with_them() -> None:
    """``docgen --help`` lists commands from ``COMMANDS`` without importing them: the same text
    as when every command is loaded."""
    lazy, _ = _loaded_after(["--help"])
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        cli.get_command(ctx, name)  # now loaded: the listing asks the commands themselves
    assert set(cli.commands) == set(COMMANDS)
    eager = CliRunner().invoke(cli, ["--help"], prog_name="docgen", terminal_width=78).output
    assert lazy == eager


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_short_help_in_the_table_is_the_commands_own(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.name == name
    assert command.short_help is None and not command.hidden
    for limit in (30, 45, 60, 200):
        table = click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit)
        assert command.get_short_help_str(limit) == table, (name, limit)


def test_the_catalog_head_is_read_without_alembic() -> None:
    from alembic.script import ScriptDirectory

    from docgen.archive.catalog import _alembic_config, script_head

    assert script_head() == ScriptDirectory.from_config(_alembic_config()).get_current_head()


def test_opening_a_current_workspace_loads_no_alembic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from docgen.archive.settings import Settings
    from docgen.archive.workspace import Workspace

    Workspace.init(tmp_path / "ws", Settings(org="某局")).close()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from archive.workspace import Workspace\n"
        f"Workspace.open(Path({str(tmp_path / 'ws')!r})).close()\n"
        "print('alembic' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


_LIBRARIES = (
    "import json, re, subprocess, sys\n"
    + _COUNT_RUNS  # no braces: _LIBRARIES is a str.format template
    + "{imports}\n"
    "maps = open('/proc/self/maps').read()\n"
    "libs = sorted(set(re.findall(r'\\S*lib(?:pango|harfbuzz|gobject|fontconfig)[^\\s/]*$', maps, re.M)))\n"
    "print(json.dumps({{'runs': len(runs), 'libs': libs}}))\n"
)


def _libraries(imports: str) -> dict[str, object]:
    code = _LIBRARIES.format(imports=imports)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_typesetter_loads_the_same_libraries_without_lookups() -> None:
    """WeasyPrint's library names go straight to dlopen: no ``ldconfig``/``gcc`` subprocesses,
    the same library files as WeasyPrint's own lookup loads."""
    ours = _libraries("import docgen.typeset")
    plain = _libraries("import weasyprint")
    assert ours["runs"] == 0
    assert plain["runs"] > 0  # what it costs without: ldconfig -p, gcc, ld per name tried
    assert ours["libs"] == plain["libs"] and len(ours["libs"]) >= 5  # type: ignore[arg-type]
