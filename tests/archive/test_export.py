"""archive.export: the package for the upper office (dossiers, 报送函, manifest), redaction, sink."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from docgen.archive.export import ExportError, export_package
from docgen.archive.sealing import make_office_seal, seal_dossier
from docgen.archive.workspace import Workspace
from docgen.masking import find_leaks
from tests.archive.test_seal_support import make_font, render_paper
from tests.archive.test_verify_support import CASE_NO, ID_NUMBER, PHONE, add_case, store

SECOND = "XF2024-0902"
TODAY = dt.date(2024, 12, 20)


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


@pytest.fixture
def office(workspace: Workspace, tmp_path: Path) -> Workspace:
    """Two cases, each with a sealed two-page dossier recorded as a 卷宗 Document."""
    make_office_seal(workspace)
    paper = render_paper(tmp_path / "paper.pdf", make_font(tmp_path))
    for case_no in (CASE_NO, SECOND):
        add_case(workspace, case_no)
        dossier = tmp_path / f"{case_no}.pdf"
        writer = PdfWriter(clone_from=paper)
        writer.append(paper)
        writer.write(dossier)
        seal_dossier(workspace, dossier)
        store(workspace, dossier, f"卷宗-{case_no}.pdf", case_no=case_no, kind="卷宗", section=0)
    return workspace


def test_redacted_package(office: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "报送包"
    told: list[tuple[int, int, str]] = []
    result = export_package(office, [CASE_NO, SECOND], out, recipient="某市信访局", today=TODAY,
                            progress=lambda *step: told.append(step))  # fmt: skip
    assert told[0] == (0, 5, "复制卷宗") and told[-1] == (5, 5, "核对脱敏")
    assert [done for done, _, _ in told] == list(range(6))
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == sorted(["报送函.pdf", f"卷宗/卷宗-{CASE_NO}.pdf", f"卷宗/卷宗-{SECOND}.pdf",
                            "文件清单.json", "文件清单.txt"])  # fmt: skip
    manifest = json.loads((out / "文件清单.json").read_text("utf-8"))
    assert manifest["脱敏"] is True and manifest["文号"] == "某信交〔2024〕1号"
    for entry in manifest["文件"]:
        assert entry["SHA-256"] == hashlib.sha256((out / entry["路径"]).read_bytes()).hexdigest()
    assert len(manifest["文件"]) == 3
    assert any("扫描件未作脱敏处理" in note for note in manifest["说明"])
    assert "扫描件未作脱敏处理" in (out / "文件清单.txt").read_text("utf-8")
    letter = _text(out / "报送函.pdf").replace("\n", "")
    assert "某市信访局：" in letter and CASE_NO in letter and SECOND in letter
    assert not find_leaks(letter.replace("\n", ""))
    assert ID_NUMBER not in letter and PHONE not in letter and "幸福路8号" not in letter
    assert "110105********0021" in letter.replace("\n", "")
    # The dossiers are copied unchanged (sealed originals); their unredacted content is flagged.
    assert result.warnings and all("未脱敏" in w for w in result.warnings)
    assert result.files[0].kind == "报送函"


def test_unredacted_package_keeps_full_text(office: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "全文"
    result = export_package(office, [CASE_NO], out, redact=False, today=TODAY)
    letter = _text(out / "报送函.pdf").replace("\n", "")
    assert PHONE in letter and "上级机关：" in letter
    assert not result.redacted and not result.warnings


def test_case_without_dossier_says_build_first(office: Workspace, tmp_path: Path) -> None:
    add_case(office, "XF2024-0903")
    with pytest.raises(ExportError, match="docgen dossier build XF2024-0903"):
        export_package(office, [CASE_NO, "XF2024-0903"], tmp_path / "x", today=TODAY)
    assert not (tmp_path / "x").exists()


def test_failing_export_leaves_no_partial_folder(office: Workspace, tmp_path: Path) -> None:
    tampered = office.case_dir(SECOND) / f"卷宗-{SECOND}.pdf"
    data = bytearray(tampered.read_bytes())
    data[300] ^= 1
    tampered.write_bytes(bytes(data))
    out = tmp_path / "pkg" / "报送包"
    with pytest.raises(ExportError, match="SHA-256"):
        export_package(office, [CASE_NO, SECOND], out, today=TODAY)
    assert not out.exists()
    assert list((tmp_path / "pkg").iterdir()) == []
    # The failed export gave its 文号 back.
    ok = export_package(office, [CASE_NO], tmp_path / "ok", today=TODAY)
    assert ok.doc_no == "某信交〔2024〕1号"


def test_refuses_a_non_empty_output_folder(office: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "used"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    with pytest.raises(ExportError, match="不为空"):
        export_package(office, [CASE_NO], out, today=TODAY)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_leak_check_ignores_digests_but_not_numbers(tmp_path: Path) -> None:
    from docgen.archive.export import LETTER_FILE, MANIFEST_JSON, MANIFEST_TXT, check_no_leaks

    blank = PdfWriter()
    blank.add_blank_page(width=595, height=842)
    blank.write(tmp_path / LETTER_FILE)
    digest = "ab13812345678" + "0" * 18 + "c" * 33  # 64 hex digits with a phone and an ID inside
    assert len(digest) == 64
    (tmp_path / MANIFEST_JSON).write_text(json.dumps({"SHA-256": digest}), "utf-8")
    (tmp_path / MANIFEST_TXT).write_text(f"卷宗.pdf\tSHA-256 {digest}\t10 字节\n", "utf-8")
    check_no_leaks(tmp_path)
    (tmp_path / MANIFEST_TXT).write_text(f"联系电话 {PHONE}\n", "utf-8")
    with pytest.raises(ExportError, match="脱敏检查未通过"):
        check_no_leaks(tmp_path)


FULLWIDTH_MOBILE = "１３８１２３４５６７８"


def test_fullwidth_and_separated_numbers_are_redacted(office: Workspace, tmp_path: Path) -> None:
    from docgen.archive.cases import get_case

    with office.session() as session:
        get_case(
            session, CASE_NO
        ).demand = (
            f"手机{FULLWIDTH_MOBILE}，备用139-8765-4321，另139 8765 4322，证号110105-1949-1231-0021"
        )
    out = tmp_path / "报送包"
    export_package(office, [CASE_NO], out, today=TODAY)
    letter = _text(out / "报送函.pdf").replace("\n", "")
    for shown in ("手机138****5678", "139****4321", "139****4322", "110105********0021"):
        assert shown in letter
    assert not find_leaks(letter)


def test_leak_check_normalises_fullwidth_digits(tmp_path: Path) -> None:
    from docgen.archive.export import LETTER_FILE, MANIFEST_JSON, MANIFEST_TXT, check_no_leaks

    blank = PdfWriter()
    blank.add_blank_page(width=595, height=842)
    blank.write(tmp_path / LETTER_FILE)
    (tmp_path / MANIFEST_JSON).write_text("{}", "utf-8")
    for leak in (FULLWIDTH_MOBILE, "138 1234 5678", "138-1234-5678", "+86 138.1234.5678"):
        (tmp_path / MANIFEST_TXT).write_text(f"联系电话 {leak}\n", "utf-8")
        with pytest.raises(ExportError, match="脱敏检查未通过"):
            check_no_leaks(tmp_path)
