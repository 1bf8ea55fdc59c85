"""docgen seal make|register|keygen, docgen verify, docgen export through the CLI."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from pypdf import PdfWriter

from docgen.archive.sealing import keys_dir, seal_dossier, seal_path
from docgen.archive.workspace import Workspace
from docgen.cli import cli
from tests.archive.test_seal_support import make_font, render_paper
from tests.archive.test_verify_support import CASE_NO, add_case, store
from tests.conftest import Cli

PASS = "命令行测试口令-2024"


@pytest.fixture
def keyed(run: Cli, workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Cli:
    run("seal", "make", "--lower-text", "信访专用章")
    monkeypatch.setenv("DOCGEN_TEST_PASS", PASS)
    run("seal", "keygen", "--passphrase-env", "DOCGEN_TEST_PASS")
    return run


def test_seal_make_writes_pdf_and_png(run: Cli, workspace: Workspace) -> None:
    result = run("seal", "make", "--diameter", "40", "--json")
    data = json.loads(result.output)
    assert data["直径_mm"] == pytest.approx(40)
    assert seal_path(workspace).is_file() and seal_path(workspace).with_suffix(".png").is_file()
    bad = run("seal", "make", "--diameter", "50", ok=False)
    assert bad.exit_code != 0


def test_seal_register_refuses_an_opaque_png(run: Cli, tmp_path: Path) -> None:
    from PIL import Image

    png = tmp_path / "scan.png"
    Image.new("RGB", (300, 300), "white").save(png)
    result = run("seal", "register", str(png), ok=False)
    assert result.exit_code == 1 and "透明" in result.output


def test_keygen_prompts_hidden_and_keeps_the_key_private(run: Cli, workspace: Workspace) -> None:
    result = run.runner.invoke(
        cli,
        ["-w", str(workspace.root), "seal", "keygen"],
        input=f"{PASS}\n{PASS}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASS not in result.output
    key = keys_dir(workspace) / "office-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys_dir(workspace).stat().st_mode) == 0o700
    assert PASS.encode() not in key.read_bytes()
    again = run("seal", "keygen", "--passphrase-env", "NO_SUCH_VARIABLE_X", ok=False)
    assert again.exit_code == 1 and "NO_SUCH_VARIABLE_X" in again.output


def test_keygen_mismatched_confirmation(run: Cli, workspace: Workspace) -> None:
    result = run.runner.invoke(cli, ["-w", str(workspace.root), "seal", "keygen"],
                               input=f"{PASS}\n{PASS}x\n")  # fmt: skip
    assert result.exit_code == 1 and "不一致" in result.output
    assert not (keys_dir(workspace) / "office-key.pem").exists()


def test_verify_and_export(keyed: Cli, workspace: Workspace, tmp_path: Path) -> None:
    add_case(workspace)
    paper = render_paper(tmp_path / "paper.pdf", make_font(tmp_path))
    dossier = tmp_path / "dossier.pdf"
    writer = PdfWriter(clone_from=paper)
    writer.append(paper)
    writer.write(dossier)
    seal_dossier(workspace, dossier, sign=True, passphrase=PASS)
    stored = store(workspace, dossier, f"卷宗-{CASE_NO}.pdf", kind="卷宗", section=0)

    one = keyed("verify", str(stored))
    assert "签名人：某市某区信访局" in one.output and "核验通过" in one.output
    whole = keyed("verify", "--json")
    assert json.loads(whole.output)["结论"] == "通过"

    out = tmp_path / "报送包"
    result = keyed("export", CASE_NO, "--out", str(out), "--to", "某市信访局", "--sign",
                   "--passphrase-env", "DOCGEN_TEST_PASS")  # fmt: skip
    assert "扫描件未作脱敏处理" in result.output and PASS not in result.output
    assert (out / "报送函.pdf").is_file() and (out / "文件清单.json").is_file()
    assert "已签名" in (out / "文件清单.txt").read_text("utf-8")
    letter = keyed("verify", str(out / "报送函.pdf"))
    assert "核验通过" in letter.output

    data = bytearray(stored.read_bytes())
    data[500] ^= 1
    stored.write_bytes(bytes(data))
    broken = keyed("verify", ok=False)
    assert broken.exit_code == 2 and "【错误】" in broken.output and "SHA-256" in broken.output


def test_export_without_dossier_is_a_clear_error(run: Cli, workspace: Workspace,
                                                 tmp_path: Path) -> None:  # fmt: skip
    add_case(workspace)
    result = run("export", CASE_NO, "--out", str(tmp_path / "x"), ok=False)
    assert result.exit_code == 1 and "docgen dossier build" in result.output
    assert not (tmp_path / "x").exists()


def test_seal_paper_and_dossier_commands_keep_the_catalog_true(
    keyed: Cli, workspace: Workspace, tmp_path: Path
) -> None:
    add_case(workspace)
    paper = render_paper(tmp_path / "paper.pdf", make_font(tmp_path), pdf_variant="pdf/a-2u")
    stored = store(workspace, paper, "处理意见书.pdf")
    result = keyed("seal", "paper", str(stored))
    assert "已盖章" in result.output and "第 1 页" in result.output
    loose = tmp_path / "loose.pdf"
    loose.write_bytes(paper.read_bytes())
    signed = keyed("seal", "paper", str(loose), "--sign", "--passphrase-env", "DOCGEN_TEST_PASS")
    assert "已签名" in signed.output and "未登记" in signed.output

    dossier = tmp_path / "dossier.pdf"
    writer = PdfWriter(clone_from=paper)
    writer.append(paper)
    writer.write(dossier)
    store(workspace, dossier, f"卷宗-{CASE_NO}.pdf", kind="卷宗", section=0)
    sealed = keyed("seal", "dossier", CASE_NO, "--sign", "--pdfa",
                   "--passphrase-env", "DOCGEN_TEST_PASS")  # fmt: skip
    assert "骑缝章：第1–2页" in sealed.output and "PDF/A 检查：通过" in sealed.output
    assert json.loads(keyed("verify", "--json").output)["结论"] == "通过"


def test_keygen_imports_a_pkcs12_file(
    run: Cli, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        load_pem_private_key,
        pkcs12,
    )

    from docgen.seal import generate_keypair
    from docgen.seal.keys import load_certificate

    source = generate_keypair(tmp_path / "src", "某市某区信访局", PASS, key_size=2048)
    key = load_pem_private_key(source.key_path.read_bytes(), PASS.encode())
    p12 = tmp_path / "office.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"office", key, load_certificate(source.cert_path), None,
        BestAvailableEncryption(b"p12-pass-2024"),
    ))  # fmt: skip
    monkeypatch.setenv("P12_PASS", "p12-pass-2024")
    monkeypatch.setenv("NEW_PASS", PASS)
    result = run("seal", "keygen", "--p12", str(p12), "--p12-passphrase-env", "P12_PASS",
                 "--passphrase-env", "NEW_PASS", "--json")  # fmt: skip
    data = json.loads(result.output)
    assert data["SHA-256 指纹"] == source.fingerprint_sha256
    assert "p12-pass-2024" not in result.output and PASS not in result.output
    assert stat.S_IMODE((keys_dir(workspace) / "office-key.pem").stat().st_mode) == 0o600
