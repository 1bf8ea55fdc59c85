"""docgen attach: type from content, refusals (renamed, encrypted, broken, oversized, duplicate)."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from docgen.archive.attachments import AttachError, AttachRequest, attach
from docgen.archive.dossier.samples import make_scan, write_paper_docx
from docgen.model import AuditEntry, Document
from tests.archive.dossier_helpers import blank_pdf
from tests.conftest import Cli

CASE = "XF2024-0001"


def test_attach_image_with_meta(populated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    scan = make_scan(tmp_path / "回证.jpg", dpi=50)
    run = Cli(populated)
    result = run("attach", CASE, str(scan), "--section", "5", "--title", "送达回证（签收）",
                 "--kind", "送达回证", "--date", "2024-06-12", "--meta", "送达时间=2024-6-12",
                 "--meta", '条款=[{"条款": "一", "履行情况": "已"}]', "--json")  # fmt: skip
    data = json.loads(result.output)
    assert data["类型"] == "jpeg" and data["页数"] == 1
    stored = populated.root / data["路径"]
    assert stored.read_bytes() == scan.read_bytes()
    with populated.session() as session:
        doc = session.get(Document, data["文档编号"])
        assert doc.kind == "送达回证" and doc.section == 5
        assert doc.meta["送达时间"] == "2024-6-12"
        assert doc.meta["条款"] == [{"条款": "一", "履行情况": "已"}]
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "attach")).one()
        assert "送达回证" not in (audit.detail or "")  # identifiers and counts only


def test_type_comes_from_content_not_name(populated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fake = tmp_path / "扫描件.pdf"
    fake.write_text("这不是 PDF", "utf-8")
    run = Cli(populated)
    result = run("attach", CASE, str(fake), "--section", "1", "--title", "伪装", ok=False)
    assert result.exit_code == 1
    assert "不是 PDF、JPG、PNG、TIFF" in result.output
    png_named_pdf = tmp_path / "图.pdf"
    from PIL import Image

    Image.new("L", (40, 60), 255).save(png_named_pdf, "PNG")
    data = json.loads(run("attach", CASE, str(png_named_pdf), "--section", "1", "--title", "图",
                          "--json").output)  # fmt: skip
    assert data["类型"] == "png" and data["路径"].endswith(".png")


def test_refuses_encrypted_broken_oversized(populated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(buf.getvalue())
    with pytest.raises(AttachError, match="加密"):
        attach(populated, AttachRequest(CASE, locked, 1, "加密件"))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage")
    with pytest.raises(AttachError, match="损坏"):
        attach(populated, AttachRequest(CASE, broken, 1, "坏件"))
    big = tmp_path / "big.pdf"
    big.write_bytes(blank_pdf(3))
    with pytest.raises(AttachError, match="过大"):
        attach(populated, AttachRequest(CASE, big, 1, "大件"), max_bytes=100)
    with populated.session() as session:
        assert session.scalars(select(Document)).all() == []
    assert not list((populated.case_dir(CASE)).rglob("*.part"))


def test_duplicate_names_the_existing_document(populated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(blank_pdf(2))
    first = attach(populated, AttachRequest(CASE, pdf, 4, "查办报告（签字版）", "查办报告"))
    assert first.pages == 2
    copy = tmp_path / "copy-of-a.pdf"
    copy.write_bytes(pdf.read_bytes())
    with pytest.raises(AttachError, match=f"文档 {first.document_id}《查办报告（签字版）》"):
        attach(populated, AttachRequest(CASE, copy, 4, "又一份"))
    # The same file may belong to another case.
    attach(populated, AttachRequest("XF2024-0002", copy, 4, "另一案"))


def test_docx_is_typeset_and_both_kept(populated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    docx = write_paper_docx(tmp_path / "报告.bin", "查办报告", ["经查，情况属实。"])
    result = attach(populated, AttachRequest(CASE, docx, 4, "查办报告", "查办报告"))
    assert result.file_type == "docx" and result.pages == 1
    assert result.path.endswith(".pdf") and result.docx and result.docx.endswith(".docx")
    assert (populated.root / result.path).read_bytes().startswith(b"%PDF")
    assert (populated.root / result.docx).read_bytes() == docx.read_bytes()
