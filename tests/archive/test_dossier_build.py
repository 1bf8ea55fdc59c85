"""docgen dossier build: read the PDF back (卷内目录 page numbers, bookmarks, unchanged scans),
refusal of an incomplete dossier, atomic replacement, the catalog row."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from docgen.archive.attachments import AttachRequest, attach
from docgen.archive.cases import get_case
from docgen.archive.documents import sha256_file
from docgen.archive.dossier import build as build_module
from docgen.archive.dossier.build import BUILD_STEPS, BuildOptions, build_dossier
from docgen.archive.dossier.check import case_documents
from docgen.archive.dossier.samples import add_paper, make_pdf_scan, make_scan
from docgen.archive.ledger_io import import_ledger
from docgen.archive.settings import Settings
from docgen.archive.workspace import Workspace
from docgen.model import Document
from docgen.sample import write_sample_ledger
from tests.archive.dossier_helpers import file_doc, page_texts
from tests.cases import file_complete_case
from tests.conftest import Cli

CASE = "XF2024-0001"
FRONT = 2  # cover + 卷内目录


@pytest.fixture(scope="module")
def built(tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("dossier")
    ws = Workspace.init(tmp / "ws", Settings(org="某市某区信访局", code="某信交", fonds="J021"))
    import_ledger(ws, write_sample_ledger(tmp / "sample.xlsx"))
    file_complete_case(ws, CASE)
    long_text = ["经调查核实，信访人反映的拖欠工资问题属实，现将调查情况报告如下。" * 3] * 14
    add_paper(
        ws, CASE, 4, "调查笔录", "调查笔录", paragraphs=long_text, doc_date=dt.date(2024, 6, 9)
    )
    scan_pdf = make_pdf_scan(tmp / "scan.pdf", seed=3)
    attach(ws, AttachRequest(CASE, scan_pdf, 1, "信访件（扫描）", "信访件", dt.date(2024, 6, 1)))
    jpg = make_scan(tmp / "photo.jpg", seed=4, dpi=100)
    attach(ws, AttachRequest(CASE, jpg, 6, "稳控照片", "照片", dt.date(2024, 6, 30)))
    told: list[tuple[int, int, str]] = []
    result = build_dossier(ws, CASE, BuildOptions(archive_stamp=True, filer="周明"),
                           progress=lambda *step: told.append(step))  # fmt: skip
    assert [done for done, _, _ in told] == list(range(len(BUILD_STEPS) + 1))
    assert told[0] == (0, len(BUILD_STEPS), "读取材料") and told[-1][:2] == (6, 6)
    yield ws, result, scan_pdf, jpg
    ws.close()


def _toc(reader: PdfReader) -> dict[int, int]:
    """顺序号 → 页号, read from the 卷内目录 page's text."""
    rows = {}
    for line in reader.pages[1].extract_text().splitlines():
        if m := re.match(r"^(\d+) .* \d{8} (\d+)$", line.strip()):
            rows[int(m[1])] = int(m[2])
    return rows


def _content_streams(page) -> list[bytes]:  # type: ignore[no-untyped-def]
    contents = page.get("/Contents").get_object()
    refs = contents if isinstance(contents, list) else [contents]
    return [ref.get_object().get_data() for ref in refs]


def test_toc_page_numbers_are_where_documents_start(built) -> None:  # type: ignore[no-untyped-def]
    ws, result, scan_pdf, _ = built
    reader = PdfReader(ws.root / result.path)
    with ws.session() as session:
        docs = case_documents(get_case(session, CASE))
        expected = [(d.kind, d.title, d.meta, d.pages, d.path) for d in docs]
    toc = _toc(reader)
    assert sorted(toc) == list(range(1, len(expected) + 1))
    scan_stream = _content_streams(PdfReader(scan_pdf).pages[0])[0]
    next_page = 1
    for seq, (kind, title, meta, pages, path) in enumerate(expected, 1):
        assert toc[seq] == next_page, (seq, title)
        page = reader.pages[FRONT + toc[seq] - 1]
        if "docx" in meta:
            assert page.extract_text().startswith(title)
        elif kind == "信访件":
            assert scan_stream in _content_streams(page)
        elif kind == "照片":
            assert abs(float(page.mediabox.width) - 595.3) < 1  # 210 mm at 100 dpi
        else:  # tiny test PDFs: identified by their width
            original = PdfReader(ws.root / path).pages[0]
            assert float(page.mediabox.width) == float(original.mediabox.width)
        overlay = _content_streams(page)[-1].decode()
        number = "".join(re.findall(r"/DocgenD(\d) Do", overlay))
        assert number == str(toc[seq]) and "/DocgenStamp Do" in overlay  # page number, 归档章
        next_page += pages
    assert result.pages == next_page - 1
    assert len(reader.pages) == FRONT + result.pages + 1
    assert "卷内备考表" in reader.pages[-1].extract_text()


def test_bookmarks_point_to_the_right_pages(built) -> None:  # type: ignore[no-untyped-def]
    ws, result, *_ = built
    reader = PdfReader(ws.root / result.path)
    toc = _toc(reader)
    sections, children = [], []
    for entry in reader.outline:
        if isinstance(entry, list):
            children += entry
        else:
            sections.append(entry.title)
    assert sections[:2] == ["案卷封面", "卷内目录"] and sections[-1] == "卷内备考表"
    assert sections[2:-1] == [
        "1. 基本案情材料",
        "2. 交办案件台帐及交办函",
        "3. 确定包案领导和责任人的文件或纪要",
        "4. 包案领导签字的查办报告及相关材料",
        "5. 答复信访人的书面材料和回访材料",
        "6. 目前采取的稳控措施",
    ]
    assert len(children) == len(toc)
    for child in children:
        seq, page = re.match(r"^(\d+)\. .*（第(\d+)页）$", child.title).groups()
        assert toc[int(seq)] == int(page)
        assert reader.get_destination_page_number(child) == FRONT + int(page) - 1


def test_cover_scans_and_catalog_row(built) -> None:  # type: ignore[no-untyped-def]
    ws, result, _, jpg = built
    path = ws.root / result.path
    cover = page_texts(path)[0]
    assert "J021-WS·2024-Y-XFB-0001" in cover and "周明" in cover and f"{result.pages} 页" in cover
    reader = PdfReader(path)
    image_pages = [p for p in reader.pages if "/Im0" in (p["/Resources"].get("/XObject") or {})]
    assert any(x.get_object().get_data() == jpg.read_bytes()
               for p in image_pages for x in p["/Resources"]["/XObject"].values())  # fmt: skip
    with ws.session() as session:
        row = session.scalars(select(Document).where(Document.kind == "卷宗")).one()
        assert row.section == 0 and row.sha256 == sha256_file(path) == result.sha256
        assert row.meta["档号"] == result.archive_no
    fonts = {str(f.get_object().get("/BaseFont")) for p in reader.pages
             for f in (p["/Resources"].get("/Font") or {}).values()}  # fmt: skip
    assert len(fonts) <= 8, fonts
    programs: dict[str, set[int]] = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            ref = descriptor.get_object().raw_get("/FontFile2")
            programs.setdefault(str(font["/BaseFont"]), set()).add(ref.idnum)
    assert all(len(refs) == 1 for refs in programs.values()), programs  # one program per face
    assert b"/ObjStm" in path.read_bytes()  # written compactly (docgen.typeset.pdf_output)


def test_incomplete_is_refused_then_allowed(built) -> None:  # type: ignore[no-untyped-def]
    ws, *_ = built
    file_doc(ws, "XF2024-0003", 1, "信访件")
    run = Cli(ws)
    refused = run("dossier", "build", "XF2024-0003", ok=False)
    assert refused.exit_code == 1
    assert "材料不全" in refused.output and "section_empty" not in refused.output
    as_json = json.loads(run("dossier", "build", "XF2024-0003", "--json", ok=False).stdout)
    assert as_json["code"] and "section_empty" in {p["code"] for p in as_json["问题"]}
    assert not (ws.case_dir("XF2024-0003") / "卷宗-XF2024-0003.pdf").exists()
    run("dossier", "build", "XF2024-0003", "--allow-incomplete")
    back = page_texts(ws.case_dir("XF2024-0003") / "卷宗-XF2024-0003.pdf")[-1]
    assert "本卷材料不全" in back and "交办案件台帐及交办函" in back
    empty = run("dossier", "build", "XF2024-0004", "--allow-incomplete", ok=False)
    assert "还没有任何材料" in empty.output


def test_failed_rebuild_keeps_the_previous_dossier(built, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ws, result, *_ = built
    path = ws.root / result.path
    before = path.read_bytes()

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("killed")

    monkeypatch.setattr(build_module, "assemble", boom)
    with pytest.raises(RuntimeError, match="killed"):
        build_dossier(ws, CASE)
    monkeypatch.undo()
    monkeypatch.setattr(build_module, "store", _store_then_fail)
    with pytest.raises(RuntimeError, match="killed after writing"):
        build_dossier(ws, CASE)
    assert path.read_bytes() == before
    assert not [p for p in Path(path.parent).iterdir() if p.name.startswith(".")]
    with ws.session() as session:
        rows = session.scalars(select(Document).where(Document.kind == "卷宗")).all()
        assert [r.sha256 for r in rows if r.path == result.path] == [result.sha256]


_real_store = build_module.store


def _store_then_fail(ws, plan, writer, numbered, options):  # type: ignore[no-untyped-def]
    original = ws.audit

    def audit(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("killed after writing")

    ws.audit = audit
    try:
        return _real_store(ws, plan, writer, numbered, options)
    finally:
        ws.audit = original
