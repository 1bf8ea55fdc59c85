"""archive.sealing: the workspace's seal and keys, papers and dossiers sealed/signed in place."""

from __future__ import annotations

import datetime as dt
import hashlib
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from docgen.archive.sealing import (
    keys_dir,
    make_office_keys,
    make_office_seal,
    office_seal,
    seal_dossier,
    seal_paper,
    seal_stored_dossier,
)
from docgen.archive.workspace import Workspace
from docgen.seal import SealError, SignatureError, read_archival_metadata, verify_pdf
from tests.archive.test_seal_support import make_font, render_paper

PASS = "测试口令-sealing-2024"


@pytest.fixture
def sealed_ws(workspace: Workspace) -> Workspace:
    make_office_seal(workspace)
    return workspace


def _paper(ws: Workspace, tmp_path: Path, name: str = "paper.pdf", **kwargs: object) -> Path:
    return render_paper(ws.root / name, make_font(tmp_path), **kwargs)


def _two_pages(src: Path, out: Path) -> Path:
    writer = PdfWriter(clone_from=src)
    writer.append(src)
    writer.write(out)
    return out


def test_office_seal_missing_says_what_to_run(workspace: Workspace) -> None:
    with pytest.raises(SealError, match="docgen seal make"):
        office_seal(workspace)


def test_make_seal_writes_pdf_and_png(sealed_ws: Workspace) -> None:
    seal = office_seal(sealed_ws)
    assert seal.pdf_path.is_file() and seal.png_path is not None and seal.png_path.is_file()
    assert seal.width_mm == pytest.approx(42, abs=0.01)


def test_seal_paper_in_place_returns_new_digest(sealed_ws: Workspace, tmp_path: Path) -> None:
    pdf = _paper(sealed_ws, tmp_path)
    before = pdf.read_bytes()
    outcome = seal_paper(sealed_ws, pdf)
    assert outcome.stamped and not outcome.signed and outcome.page_index == 0
    assert pdf.read_bytes() != before
    assert outcome.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    xobjects = PdfReader(pdf).pages[0]["/Resources"]["/XObject"]
    assert len(xobjects) >= 1
    hidden = [p for p in pdf.parent.iterdir() if p.name.startswith(".") and p.name != ".pending"]
    assert not hidden and not any((sealed_ws.root / ".pending").iterdir())  # no scratch left


def test_seal_paper_without_date_line_leaves_file_alone(
    sealed_ws: Workspace, tmp_path: Path
) -> None:
    pdf = _paper(sealed_ws, tmp_path, signed=False)
    before = pdf.read_bytes()
    with pytest.raises(SealError, match="成文日期"):
        seal_paper(sealed_ws, pdf)
    assert pdf.read_bytes() == before


def test_sign_paper_needs_keys_and_passphrase(sealed_ws: Workspace, tmp_path: Path) -> None:
    pdf = _paper(sealed_ws, tmp_path)
    with pytest.raises(SignatureError, match="docgen seal keygen"):
        seal_paper(sealed_ws, pdf, sign=True, passphrase=PASS)
    make_office_keys(sealed_ws, PASS, key_size=2048)
    assert stat.S_IMODE(keys_dir(sealed_ws).stat().st_mode) == 0o700
    with pytest.raises(SignatureError, match="口令"):
        seal_paper(sealed_ws, pdf, sign=True)
    outcome = seal_paper(sealed_ws, pdf, sign=True, passphrase=PASS)
    assert outcome.signed and not outcome.stamped
    result = verify_pdf(pdf, keys_dir(sealed_ws) / "office-cert.pem")
    assert result.ok and result.signer == sealed_ws.settings.org


def test_seal_dossier_cover_cross_page_pdfa_and_signature(
    sealed_ws: Workspace, tmp_path: Path
) -> None:
    make_office_keys(sealed_ws, PASS, key_size=2048)
    one = render_paper(tmp_path / "a.pdf", make_font(tmp_path), pdf_variant="pdf/a-2u")
    dossier = _two_pages(one, sealed_ws.root / "卷宗.pdf")
    meta = ("测试卷宗", "J021-WS·2024-Y-XFB-0001", (dt.date(2024, 6, 10),))
    outcome = seal_dossier(sealed_ws, dossier, sign=True, passphrase=PASS, pdfa_metadata=meta)
    assert outcome.signed and outcome.cross_page_groups == ((0, 1),)
    assert outcome.pdfa is not None and outcome.pdfa.ok, outcome.pdfa
    assert read_archival_metadata(dossier)["archival_no"] == meta[1]
    assert verify_pdf(dossier, keys_dir(sealed_ws) / "office-cert.pem").ok
    # Signing is last: a second sealing pass is refused and leaves the file as it is.
    before = dossier.read_bytes()
    with pytest.raises(SealError, match="签名"):
        seal_dossier(sealed_ws, dossier)
    assert dossier.read_bytes() == before


def test_seal_dossier_refuses_non_pdfa_and_keeps_original(
    sealed_ws: Workspace, tmp_path: Path
) -> None:
    dossier = _two_pages(_paper(sealed_ws, tmp_path), sealed_ws.root / "卷宗.pdf")
    before = dossier.read_bytes()
    with pytest.raises(SealError, match="PDF/A"):
        seal_dossier(sealed_ws, dossier, pdfa_metadata=("题名", "档号-1", ()))
    assert dossier.read_bytes() == before
    stamped = seal_dossier(sealed_ws, dossier)
    assert stamped.stamped and stamped.center_mm is not None


def test_seal_stored_dossier_updates_the_catalog_row(sealed_ws: Workspace, tmp_path: Path) -> None:
    from docgen.archive.verify import verify_workspace
    from tests.archive.test_verify_support import CASE_NO, add_case, document_row, store

    add_case(sealed_ws)
    with pytest.raises(SealError, match=f"docgen dossier build {CASE_NO}"):
        seal_stored_dossier(sealed_ws, CASE_NO)
    dossier = _two_pages(_paper(sealed_ws, tmp_path), tmp_path / "d.pdf")
    stored = store(sealed_ws, dossier, f"卷宗-{CASE_NO}.pdf", kind="卷宗", section=0)
    outcome = seal_stored_dossier(sealed_ws, CASE_NO)
    assert outcome.cross_page_groups == ((0, 1),)
    assert document_row(sealed_ws, stored).sha256 == outcome.sha256
    assert verify_workspace(sealed_ws).exit_code == 0
