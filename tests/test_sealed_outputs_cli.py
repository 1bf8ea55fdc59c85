"""--seal, --sign and --pdfa on paper make and dossier build, read back from the outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.archive.documents import sha256_file
from docgen.archive.dossier.demo import file_demo_case
from docgen.archive.workspace import Workspace
from docgen.seal import check_pdfa, verify_pdf
from tests.conftest import Cli

PASS = "测试口令-签章"
CASE = "XF2024-0003"


@pytest.fixture
def sealed_ws(populated: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.setenv("DOCGEN_TEST_PASS", PASS)
    cli = Cli(populated)
    cli("seal", "make")
    cli("seal", "keygen", "--passphrase-env", "DOCGEN_TEST_PASS")
    return populated


def _xobject_names(pdf: Path, page: int) -> list[str]:
    resources = PdfReader(pdf).pages[page]["/Resources"]
    return list(resources.get("/XObject", {}).keys())


def test_paper_make_seal_stamps_and_updates_the_catalog(sealed_ws: Workspace) -> None:
    out = json.loads(Cli(sealed_ws)("paper", "make", "交办函", "--case", "XF2024-0001", "--seal",
                                    "--json").output)  # fmt: skip
    pdf = sealed_ws.root / out["pdf"]
    last = len(PdfReader(pdf).pages) - 1
    assert any("Seal" in name or "Docgen" in name for name in _xobject_names(pdf, last))
    from sqlalchemy import select

    from docgen.model import Document

    with sealed_ws.session() as s:
        recorded = s.scalars(select(Document.sha256).where(Document.path == out["pdf"])).one()
    assert recorded == sha256_file(pdf)


@pytest.mark.sqlite_only  # rendering-heavy; its catalog writes run on PostgreSQL in the tests above
def test_dossier_build_pdfa_and_sign(sealed_ws: Workspace, tmp_path: Path) -> None:
    file_demo_case(sealed_ws, CASE, tmp_path)
    out = json.loads(Cli(sealed_ws)("dossier", "build", CASE, "--pdfa", "--sign",
                                    "--passphrase-env", "DOCGEN_TEST_PASS", "--json").output)  # fmt: skip
    pdf = sealed_ws.root / out["路径"]
    report = check_pdfa(pdf)
    assert report.ok, [i.message for i in report.items]
    xmp = PdfReader(pdf).trailer["/Root"]["/Metadata"].get_object()
    assert "/Filter" not in xmp  # PDF/A: the metadata stream stays plain after compaction
    result = verify_pdf(pdf, sealed_ws.root / "keys" / "office-cert.pem")
    assert result.ok and result.intact and result.trusted_by_given_cert
    verified = Cli(sealed_ws)("verify")
    assert "核验通过" in verified.output and "签名 1 个" in verified.output


def _page_image(pdf: Path, page: int, tmp: Path):  # type: ignore[no-untyped-def]
    """Page ``page`` (0-based) at 30 dpi as greyscale, without the top strip (归档章, 页号)."""
    import subprocess

    from PIL import Image

    stem = tmp / f"{pdf.stem}-{page}"
    subprocess.run(["pdftoppm", "-png", "-gray", "-r", "30", "-f", str(page + 1), "-l",
                    str(page + 1), "-singlefile", str(pdf), str(stem)], check=True)  # fmt: skip
    image = Image.open(f"{stem}.png").convert("L")
    return image.crop((0, image.height // 10, image.width, image.height))


def test_dossier_holds_papers_as_issued_with_their_seals(
    sealed_ws: Workspace, tmp_path: Path
) -> None:
    from PIL import ImageChops

    file_demo_case(sealed_ws, CASE, tmp_path)
    cli = Cli(sealed_ws)
    letter = next(sealed_ws.case_dir(CASE).glob("交办函-*.pdf"))
    cli("seal", "paper", str(letter))
    notice = next(sealed_ws.case_dir(CASE).glob("受理告知书-*.pdf"))
    cli("seal", "paper", "--sign", "--passphrase-env", "DOCGEN_TEST_PASS", str(notice))
    out = json.loads(cli("dossier", "build", CASE, "--pdfa", "--json").output)
    dossier = sealed_ws.root / out["路径"]
    reader = PdfReader(dossier)
    starts = {child.title.split("（")[0]: reader.get_destination_page_number(child)
              for section in reader.outline if isinstance(section, list) for child in section}  # fmt: skip
    for issued, title in ((letter, "交办"), (notice, "受理告知书")):
        first = next(index for name, index in starts.items() if title in name)
        for page in range(len(PdfReader(issued).pages)):
            archived = _page_image(dossier, first + page, tmp_path)
            changed = ImageChops.difference(_page_image(issued, page, tmp_path), archived)
            assert sum(changed.histogram()[41:]) < 20, (title, page)  # the seal is there
    # The signed paper's signature field is flattened: its look stays, the field does not.
    assert not any(page.get("/Annots") for page in reader.pages)
    assert check_pdfa(dossier).ok
