"""Hostile inputs that need their own set-up: a real process (argv bytes, peak memory), a
corrupt catalog, and ``--skip-invalid`` with a control character (issue 19, items 8 and 10)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docgen.archive.settings import Settings
from docgen.archive.workspace import Workspace
from docgen.typeset.pdf_output import add_object
from tests.conftest import HEADERS, Cli, good_row
from tests.hostile.corpus import write_office_files
from tests.hostile.test_hostile_cli import run_cli

PEAK_LIMIT_KB = 1024 * 1024  # 1 GB


def _docgen(*argv: bytes | str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    script = (
        "import sys\n"
        "from bench.peak import peak_rss_kb\n"
        "from docgen.cli import main\n"
        "try:\n    main()\n"
        "finally:\n"
        "    print(f'PEAK {peak_rss_kb()}', file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, cwd=cwd,
                          env=env, timeout=60, check=False)  # fmt: skip


def test_invalid_utf8_in_a_real_argument_gives_a_chinese_message(tmp_path: Path) -> None:
    done = _docgen(b"search", b"\xff\xfe", cwd=tmp_path)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2 and "无效的文字编码" in err and "Traceback" not in err


def test_a_declared_1_gib_member_is_refused_early_with_bounded_memory(tmp_path: Path) -> None:
    bomb = write_office_files(tmp_path / "in")["bomb-declared.docx"]
    done = _docgen("paper", "pdf", str(bomb), "--out", str(tmp_path / "out.pdf"), cwd=tmp_path)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 1 and "超过上限" in err and "Traceback" not in err
    peak_kb = int(err.rsplit("PEAK ", 1)[1].split()[0])
    assert peak_kb < PEAK_LIMIT_KB, peak_kb
    assert not (tmp_path / "out.pdf").exists()


def test_a_corrupt_catalog_gives_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "ws"
    Workspace.init(root, Settings(org="某局", code="某信交")).close()
    garbage = b"this is not a database" * 200
    (root / "catalog.sqlite").write_bytes(garbage)
    for argv in (("case", "list"), ("case", "show", "XF-1"), ("search", "欠薪")):
        code, output = run_cli("-w", str(root), *argv, capsys=capsys)
        assert code == 1 and "catalog.sqlite" in output and "Traceback" not in output, output
    assert (root / "catalog.sqlite").read_bytes() == garbage


def test_skip_invalid_with_a_control_character_writes_the_errors_file(
    workspace: Workspace, tmp_path: Path
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADERS)
    writer.writerow(good_row(1))
    writer.writerow(good_row(2, 反映问题="追讨\x01欠薪"))
    ledger = tmp_path / "台账.csv"
    ledger.write_text(buf.getvalue(), "utf-8")
    errors = tmp_path / "错误行.xlsx"
    out = Cli(workspace)(
        "ledger", "import", str(ledger), "--skip-invalid", "--errors-out", str(errors), ok=False
    )
    # A refused row makes the exit code non-zero, also with --skip-invalid (issue 12).
    assert out.exit_code == 1, out.output
    assert "Traceback" not in out.output
    assert "第 3 行“反映问题”列：含不可见的控制字符" in out.output
    cells = [c for row in load_workbook(errors).active.iter_rows(values_only=True) for c in row]
    assert "追讨⟦U+0001⟧欠薪" in cells


def test_xmp_with_entity_declarations_is_not_expanded(tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    from docgen.seal.pdfa import check_pdfa
    from tests.hostile.corpus import LAUGHS

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    meta = StreamObject()
    meta.set_data(LAUGHS)
    meta[NameObject("/Type")] = NameObject("/Metadata")
    writer.root_object[NameObject("/Metadata")] = add_object(writer, meta)
    pdf = tmp_path / "laughs.pdf"
    writer.write(pdf)
    report = check_pdfa(pdf)
    assert "bad_xmp" in {item.code for item in report.items}, report
