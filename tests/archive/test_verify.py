"""archive.verify: stored files against their SHA-256, signatures, one report with severities."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.archive.sealing import keys_dir, make_office_keys, make_office_seal, seal_paper
from docgen.archive.verify import Severity, verify_file, verify_workspace
from docgen.archive.workspace import Workspace
from docgen.seal import generate_keypair
from tests.archive.test_seal_support import make_font, render_paper
from tests.archive.test_verify_support import add_case, store

PASS = "测试口令-verify-2024"


@pytest.fixture
def stored(workspace: Workspace, tmp_path: Path) -> dict[str, Path]:
    """A case with one plain stored paper and one signed stored paper; office seal and keys."""
    make_office_seal(workspace)
    make_office_keys(workspace, PASS, key_size=2048)
    add_case(workspace)
    paper = render_paper(tmp_path / "paper.pdf", make_font(tmp_path))
    plain = store(workspace, paper, "处理意见书.pdf")
    signed_src = tmp_path / "signed.pdf"
    signed_src.write_bytes(paper.read_bytes())
    seal_paper(workspace, signed_src, sign=True, passphrase=PASS)
    signed = store(workspace, signed_src, "处理意见书-签章.pdf")
    return {"plain": plain, "signed": signed}


def _flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_clean_workspace_passes(workspace: Workspace, stored: dict[str, Path]) -> None:
    report = verify_workspace(workspace)
    assert report.ok and report.exit_code == 0, report.findings
    assert report.files_checked == 2
    assert [s.signer for s in report.signatures] == [workspace.settings.org]
    assert report.signatures[0].trusted_by_given_cert is True


def test_changed_byte_in_stored_file_is_an_error(
    workspace: Workspace, stored: dict[str, Path]
) -> None:
    _flip_byte(stored["plain"], 200)
    report = verify_workspace(workspace)
    assert not report.ok and report.exit_code == int(Severity.ERROR)
    assert [f.code for f in report.findings] == ["changed"]
    assert report.findings[0].path.endswith("处理意见书.pdf")


def test_missing_file_is_an_error(workspace: Workspace, stored: dict[str, Path]) -> None:
    stored["plain"].unlink()
    report = verify_workspace(workspace)
    assert [f.code for f in report.findings] == ["missing"]


def test_tampered_signature_is_reported(workspace: Workspace, stored: dict[str, Path]) -> None:
    pdf = stored["signed"]
    _flip_byte(pdf, 400)  # inside the signed byte range (page content)
    report = verify_workspace(workspace)
    codes = {f.code for f in report.findings}
    assert {"changed", "signature"} <= codes
    assert any("改动" in f.message for f in report.findings if f.code == "signature")
    assert report.signatures and not report.signatures[0].ok


def test_verify_file_with_and_without_certificate(
    workspace: Workspace, stored: dict[str, Path], tmp_path: Path
) -> None:
    cert = keys_dir(workspace) / "office-cert.pem"
    assert verify_file(stored["signed"], cert).exit_code == 0
    loose = verify_file(stored["signed"])
    assert loose.ok and [f.code for f in loose.findings] == ["no_cert"]
    unsigned = verify_file(stored["plain"], cert)
    assert not unsigned.ok and "没有数字签名" in unsigned.findings[0].message
    other = tmp_path / "other"
    stranger = generate_keypair(other, "另一个机关", PASS, key_size=2048)
    foreign = verify_file(stored["signed"], stranger.cert_path)
    assert not foreign.ok and any("不是指定的单位证书" in f.message for f in foreign.findings)


def test_readable_private_key_is_a_warning(workspace: Workspace, stored: dict[str, Path]) -> None:
    (keys_dir(workspace) / "office-key.pem").chmod(0o644)
    report = verify_workspace(workspace)
    assert report.ok and report.exit_code == int(Severity.WARNING)
    assert [f.code for f in report.findings] == ["key_mode"]
