"""PDF/A: a WeasyPrint PDF/A-2u sample with CJK text passes the checks; stamping, archival
metadata and signing keep it PDF/A; broken files are caught."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from docgen.seal.draw import SealSpec, draw_seal
from docgen.seal.keys import generate_keypair
from docgen.seal.locate import locate_seal_position
from docgen.seal.pdfa import check_pdfa, read_archival_metadata, set_archival_metadata
from docgen.seal.sign import sign_pdf, verify_pdf
from docgen.seal.stamp import stamp_dossier, stamp_seal
from tests.archive.test_seal_support import ORG, make_font, render_paper

TITLE = "关于张某某反映拖欠工程款问题的信访事项处理意见书"
ARCHIVAL_NO = "J021-WS·2024-Y-XFB-0001"
DATES = (dt.date(2024, 6, 10), dt.date(2024, 7, 1))


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdfa")


@pytest.fixture(scope="module")
def sample(work: Path) -> Path:
    return render_paper(work / "pdfa.pdf", make_font(work), pdf_variant="pdf/a-2u")


@pytest.fixture(scope="module")
def seal(work: Path):
    return draw_seal(SealSpec(ORG, lower_text="信访专用章"), work / "seal.pdf", preview_dpi=None)


def errors(report) -> list[str]:
    return [item.message for item in report.items if item.severity == "error"]


def test_weasyprint_pdfa_2u_sample_passes(sample: Path) -> None:
    report = check_pdfa(sample)
    assert report.ok, errors(report)
    assert report.part == 2 and report.conformance == "U"
    assert report.fonts and all("SampleSerif" in name for name in report.fonts)


def test_plain_pdf_fails_the_identification(work: Path) -> None:
    plain = render_paper(work / "plain.pdf", make_font(work))
    report = check_pdfa(plain)
    assert not report.ok
    codes = {item.code for item in report.items}
    assert {"no_pdfaid", "no_output_intent"} <= codes or "no_xmp" in codes


def test_unembedded_font_and_encryption_are_caught(work: Path, sample: Path) -> None:
    writer = PdfWriter(clone_from=sample)
    for page in writer.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                descriptor.pop(key, None)
    stripped = work / "stripped.pdf"
    writer.write(stripped)
    assert "font_not_embedded" in {item.code for item in check_pdfa(stripped).items}

    encrypted = work / "encrypted.pdf"
    writer = PdfWriter(clone_from=sample)
    writer.encrypt("user", "owner", algorithm="AES-256")
    writer.write(encrypted)
    assert "encrypted" in {item.code for item in check_pdfa(encrypted).items}


def test_stamping_keeps_pdfa(work: Path, sample: Path, seal) -> None:
    pos = locate_seal_position(sample)
    out = work / "stamped.pdf"
    stamp_seal(sample, out, seal, pos.page_index, pos.center_mm)
    report = check_pdfa(out)
    assert report.ok, errors(report)
    assert "/OutputIntents" in PdfReader(out).trailer["/Root"]


def test_archival_metadata_is_in_xmp_and_info(work: Path, sample: Path) -> None:
    out = work / "meta.pdf"
    set_archival_metadata(sample, out, TITLE, ARCHIVAL_NO, DATES, author=ORG)
    stored = read_archival_metadata(out)
    assert stored["title"] == TITLE and stored["archival_no"] == ARCHIVAL_NO
    assert stored["dates"] == ["2024-06-10", "2024-07-01"] and stored["part"] == "2"
    info = PdfReader(out).metadata
    assert info is not None and info.title == TITLE and ARCHIVAL_NO in info["/Keywords"]
    report = check_pdfa(out)
    assert report.ok, errors(report)


def test_inconsistent_info_is_caught(work: Path, sample: Path) -> None:
    out = work / "meta2.pdf"
    set_archival_metadata(sample, out, TITLE, ARCHIVAL_NO, DATES)
    writer = PdfWriter(clone_from=out)
    writer.add_metadata({"/Title": "另一个标题"})
    bad = work / "bad-info.pdf"
    writer.write(bad)
    assert "info_xmp_mismatch" in {item.code for item in check_pdfa(bad).items}


def test_sealed_signed_dossier_stays_pdfa_and_verifies(work: Path, sample: Path, seal) -> None:
    # Two-page PDF/A dossier: cover seal + 骑缝章, metadata, then signature as the last step.
    writer = PdfWriter(clone_from=sample)
    writer.append(sample)
    two = work / "two.pdf"
    writer.write(two)
    sealed = work / "dossier-sealed.pdf"
    stamp_dossier(two, sealed, seal, cover_center_mm=(150, 60))
    meta = work / "dossier-meta.pdf"
    set_archival_metadata(sealed, meta, TITLE, ARCHIVAL_NO, DATES, author=ORG)
    keys = generate_keypair(work / "keys", ORG, "口令-archive-1", key_size=2048)
    signed = work / "dossier-signed.pdf"
    sign_pdf(
        meta,
        signed,
        keys.key_path,
        keys.cert_path,
        "口令-archive-1",
        seal=seal,
        page_index=1,
        center_mm=(60, 240),
    )
    report = check_pdfa(signed)
    assert report.ok, errors(report)
    assert verify_pdf(signed, keys.cert_path).ok
    assert read_archival_metadata(signed)["archival_no"] == ARCHIVAL_NO
