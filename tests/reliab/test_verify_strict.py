"""Issue 19 item 5: workspace ``verify`` fails (not warns) for a changed .docx, a foreign signer,
a swapped certificate and a damaged catalog; a signed dossier is never replaced silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from sqlalchemy import text

from docgen.archive.cases import get_case
from docgen.archive.documents import NewDocument, document_transaction
from docgen.archive.sealing import (
    keys_dir,
    load_seal,
    make_office_keys,
    make_office_seal,
    seal_paper_file,
    seal_path,
)
from docgen.archive.verify import Severity, verify_workspace
from docgen.archive.workspace import CATALOG_FILE, Workspace
from docgen.seal import generate_keypair
from tests.archive.dossier_helpers import blank_pdf
from tests.archive.test_seal_support import make_font, render_paper
from tests.archive.test_verify_support import add_case, store
from tests.conftest import Cli

PASS = "测试口令-verify-2024"


def _flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _paper_with_docx(ws: Workspace) -> Path:
    """A paper as ``paper make`` stores it: the PDF row, its .docx under ``meta["docx"]``."""
    add_case(ws)
    folder = ws.case_dir("XF2024-0901")
    with document_transaction(ws) as txn:
        case = get_case(txn.session, "XF2024-0901")
        docx_tmp = txn.files.add(folder / "处理意见书.docx")
        doc = DocxDocument()
        doc.add_paragraph("处理意见书")
        doc.save(docx_tmp)
        pdf_tmp = txn.files.add(folder / "处理意见书.pdf")
        pdf_tmp.write_bytes(blank_pdf())
        txn.record(case, pdf_tmp, NewDocument(5, "处理意见书", "处理意见书",
                                              meta={"docx": ws.relative(folder) + "/处理意见书.docx"}))  # fmt: skip
    return folder / "处理意见书.docx"


def test_a_changed_or_replaced_docx_fails(workspace: Workspace) -> None:
    docx = _paper_with_docx(workspace)
    assert verify_workspace(workspace).exit_code == 0
    _flip_byte(docx, 100)
    report = verify_workspace(workspace)
    assert report.exit_code == int(Severity.ERROR)
    assert [(f.code, f.path) for f in report.findings] == [("changed", workspace.relative(docx))]
    docx.write_bytes(b"junk, not a docx")
    assert verify_workspace(workspace).exit_code == int(Severity.ERROR)


@pytest.fixture
def signing(workspace: Workspace, tmp_path: Path):  # type: ignore[no-untyped-def]
    make_office_seal(workspace)
    make_office_keys(workspace, PASS, key_size=2048)
    add_case(workspace)
    paper = render_paper(tmp_path / "paper.pdf", make_font(tmp_path))
    stranger = generate_keypair(tmp_path / "stranger", "另一个机关", PASS, key_size=2048)
    return paper, stranger


def _signed_by(ws: Workspace, paper: Path, pair, out: Path) -> Path:  # type: ignore[no-untyped-def]
    shutil.copyfile(paper, out)
    seal_paper_file(out, load_seal(seal_path(ws)), keys=pair, passphrase=PASS)
    return out


def test_a_signature_by_a_foreign_key_fails(workspace: Workspace, signing, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paper, stranger = signing
    store(workspace, _signed_by(workspace, paper, stranger, tmp_path / "x.pdf"), "处理意见书.pdf")
    report = verify_workspace(workspace)
    assert report.exit_code == int(Severity.ERROR)
    assert any(f.code == "signature" and f.severity == Severity.ERROR for f in report.findings)
    # ... unless the certificate that made it is given as trusted
    trusted = verify_workspace(workspace, trusted=[stranger.cert_path])
    assert trusted.ok, trusted.findings


def test_a_swapped_certificate_fails(workspace: Workspace, signing, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paper, stranger = signing
    store(workspace, _signed_by(workspace, paper, stranger, tmp_path / "x.pdf"), "处理意见书.pdf")
    shutil.copyfile(stranger.cert_path, keys_dir(workspace) / "office-cert.pem")  # the forgery
    report = verify_workspace(workspace)
    assert report.exit_code == int(Severity.ERROR)
    assert "cert_swapped" in {f.code for f in report.findings}


def test_a_signed_file_without_an_office_certificate_fails(
    workspace: Workspace, signing, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    paper, stranger = signing
    store(workspace, _signed_by(workspace, paper, stranger, tmp_path / "x.pdf"), "处理意见书.pdf")
    (keys_dir(workspace) / "office-cert.pem").unlink()
    assert verify_workspace(workspace).exit_code == int(Severity.ERROR)


def _corrupt_a_table_page(db: Path) -> None:
    """Overwrite the middle of the last page (a table or index b-tree page, not the header)."""
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    last = len(data) // page - 1
    data[last * page : last * page + 8] = b"\xff" * 8  # an invalid b-tree page type
    db.write_bytes(bytes(data))


@pytest.mark.sqlite_only  # damages the catalog.sqlite file's pages; a server's files are not ours
def test_a_damaged_catalog_fails_with_a_message(populated: Workspace) -> None:
    root = populated.root
    populated.close()  # the last connection checkpoints the WAL into the main file
    assert not (root / f"{CATALOG_FILE}-wal").exists()
    _corrupt_a_table_page(root / CATALOG_FILE)
    result = Cli()("-w", str(root), "verify", ok=False)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "目录数据库已损坏" in result.output


@pytest.mark.sqlite_only  # overwrites the catalog.sqlite file; a server's files are not ours
def test_an_unreadable_catalog_is_a_message_not_a_traceback(populated: Workspace) -> None:
    root = populated.root
    populated.close()
    for side in ("-wal", "-shm"):
        (root / f"{CATALOG_FILE}{side}").unlink(missing_ok=True)
    (root / CATALOG_FILE).write_bytes(b"PK\x03\x04 this is an xlsx now" * 200)
    for command in (["verify"], ["case", "list"], ["search", "工资"]):
        result = Cli()("-w", str(root), *command, ok=False)
        assert result.exit_code != 0
        assert "Traceback" not in result.output
        assert "目录数据库已损坏" in result.output, result.output


def test_a_catalog_row_edited_behind_docgens_back_fails(workspace: Workspace) -> None:
    _paper_with_docx(workspace)
    assert verify_workspace(workspace).exit_code == 0
    with workspace.engine.begin() as db:  # plain SQL: no docgen session, no checksum update
        db.execute(text("UPDATE documents SET doc_no = '某信交〔2024〕99号'"))
    report = verify_workspace(workspace)
    assert report.exit_code == int(Severity.ERROR)
    assert [f.code for f in report.findings] == ["row_changed"]


def test_the_migration_stamps_checksums_on_existing_rows(workspace: Workspace) -> None:
    from alembic import command

    from docgen.archive.catalog import _alembic_config

    _paper_with_docx(workspace)
    cfg = _alembic_config()
    with workspace.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")  # a catalog from before the checksums
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 1  # kept
    with workspace.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert verify_workspace(workspace).exit_code == 0
