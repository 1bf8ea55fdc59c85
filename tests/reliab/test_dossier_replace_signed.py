"""Issue 19 item 5: ``dossier build`` never silently replaces a signed dossier: it needs
``--replace-signed``, and then keeps the signed one (file and catalog row)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from docgen.archive.documents import sha256_file
from docgen.archive.dossier.build import SUPERSEDED_KIND, BuildOptions, build_dossier
from docgen.archive.ledger_io import import_ledger
from docgen.archive.sealing import make_office_keys, make_office_seal, seal_stored_dossier
from docgen.archive.verify import verify_workspace
from docgen.archive.workspace import Workspace
from docgen.model import Document
from docgen.sample import write_sample_ledger
from tests.cases import file_complete_case
from tests.conftest import Cli

CASE = "XF2024-0001"
PASS = "测试口令-dossier-2024"


def _dossiers(ws: Workspace) -> list[tuple[str, str, str]]:
    with ws.read_session() as session:
        rows = session.scalars(select(Document).where(Document.section == 0).order_by(Document.id))
        return [(d.kind, d.path, d.sha256) for d in rows]


def test_rebuilding_a_signed_dossier_needs_the_flag_and_keeps_it(workspace: Workspace, tmp_path: Path) -> None:  # fmt: skip
    ws = workspace
    import_ledger(ws, write_sample_ledger(tmp_path / "sample.xlsx"))
    file_complete_case(ws, CASE)
    build_dossier(ws, CASE, BuildOptions())
    make_office_seal(ws)
    make_office_keys(ws, PASS, key_size=2048)
    seal_stored_dossier(ws, CASE, sign=True, passphrase=PASS)
    [(kind, path, sha)] = _dossiers(ws)
    signed = (ws.root / path).read_bytes()

    run = Cli(ws)
    refused = run("dossier", "build", CASE, ok=False)
    assert refused.exit_code == 1
    assert "--replace-signed" in refused.output and "Traceback" not in refused.output
    assert _dossiers(ws) == [(kind, path, sha)] and (ws.root / path).read_bytes() == signed

    rebuilt = run("dossier", "build", CASE, "--replace-signed")
    assert "原已签名的卷宗已保留为" in rebuilt.output
    [old, new] = _dossiers(ws)
    assert old[0] == SUPERSEDED_KIND and old[2] == sha  # the signed one, recorded as kept
    assert (ws.root / old[1]).read_bytes() == signed
    assert new[0] == "卷宗" and new[1] == path and sha256_file(ws.root / path) == new[2]
    report = verify_workspace(ws)
    assert report.ok, report.findings
    assert len(report.signatures) == 1  # the kept dossier's signature is still checked
    # an unsigned dossier is replaced as before, without a flag and without keeping it
    run("dossier", "build", CASE)
    assert [d[0] for d in _dossiers(ws)] == [SUPERSEDED_KIND, "卷宗"]
