"""docgen.demo.seal: keys + seal → signed sealed dossier → verification → redacted package."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pypdf import PdfWriter

from docgen.archive.sealing import keys_dir
from docgen.archive.verify import verify_workspace
from docgen.archive.workspace import Workspace
from docgen.demo.seal import DEMO_PASSPHRASE, demo_seal
from docgen.seal import verify_pdf
from tests.archive.test_seal_support import make_font, render_paper
from tests.archive.test_verify_support import CASE_NO, add_case, document_row, store


@pytest.mark.sqlite_only  # rendering-heavy; sealing catalog writes run on PostgreSQL in test_sealing
def test_demo_seal_end_to_end(workspace: Workspace, tmp_path: Path) -> None:
    add_case(workspace)
    paper = render_paper(tmp_path / "p.pdf", make_font(tmp_path), pdf_variant="pdf/a-2u")
    dossier = tmp_path / "d.pdf"
    writer = PdfWriter(clone_from=paper)
    writer.append(paper)
    writer.write(dossier)
    stored = store(workspace, dossier, f"卷宗-{CASE_NO}.pdf", kind="卷宗", section=0)

    lines: list[str] = []
    # A stored dossier names its own case; the case number given is only the default.
    result = demo_seal(workspace, "XF2024-9999", lines.append, stored, today=dt.date(2024, 12, 20))
    text = "\n".join(lines)
    assert "仅供演示" in text and "核验签名" in text and "全部通过" in text
    assert "签章与上报" not in text  # the demo's own heading 八、签章与上报 introduces this step
    assert "PDF/A：已检查通过" in text
    assert DEMO_PASSPHRASE not in text
    assert verify_pdf(stored, keys_dir(workspace) / "office-cert.pem").ok
    assert document_row(workspace, stored).sha256 == result.files[1].sha256
    assert verify_workspace(workspace).ok
    manifest = json.loads((result.out_dir / "文件清单.json").read_text("utf-8"))
    assert manifest["脱敏"] is True and len(manifest["文件"]) == 2
    assert all(f.signed for f in result.files)
    assert result.files[1].case_no == CASE_NO


def test_sealing_verify_export_do_not_import_click() -> None:
    import subprocess
    import sys

    code = (
        "import sys, archive.sealing, archive.verify, archive.export; print('click' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
