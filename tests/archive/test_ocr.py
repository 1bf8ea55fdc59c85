"""OCR of scans (issue 18 item 1), with the real tesseract: attach returns before OCR, a
background worker reads the scan, the words are found with the snippet saying so, the stored scan
is unchanged, a killed worker's scan stays pending and is read by ``docgen index ocr``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from docgen.archive.attachments import AttachRequest, attach
from docgen.archive.documents import sha256_file
from docgen.archive.dossier.samples import make_scan
from docgen.archive.ledger_io import import_ledger
from docgen.archive.ocr_queue import pending, read_all, status
from docgen.archive.settings import SEARCH_BACKENDS, Settings
from docgen.archive.workspace import Workspace
from docgen.index import OCR_MARK, SearchQuery
from docgen.ocr import ocr_file, tidy
from tests.conftest import Cli, good_row, write_ledger
from tests.ocr_pages import page_lines, render_page, words_of


@pytest.fixture(params=SEARCH_BACKENDS)
def ws(tmp_path: Path, request: pytest.FixtureRequest) -> Workspace:
    settings = Settings(org="某市某区信访局", code="某信交", fonds="J021")
    settings.search_backend = request.param
    workspace = Workspace.init(tmp_path / "ws", settings)
    import_ledger(workspace, write_ledger(tmp_path / "l.xlsx", [good_row(1)]))
    yield workspace
    workspace.close()


def _wait_until_read(ws: Workspace, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        st = status(ws)
        if not st.pending and not st.running:
            return
        time.sleep(0.2)
    raise AssertionError("OCR worker did not finish")


def test_attach_returns_then_background_ocr_makes_the_words_findable(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCGEN_OCR", "on")
    lines = page_lines(0)
    scan = render_page(tmp_path / "scan.png", lines, dpi=200, noise=0.01, skew=0.8)
    before = scan.read_bytes()
    result = attach(ws, AttachRequest("T2024-0001", scan, 5, "息诉罢访保证书（签字件）",
                                      kind="息诉罢访保证书"))  # fmt: skip
    assert result.ocr  # a worker took it: attach did not read it itself
    cli = Cli(ws)
    _wait_until_read(ws)
    out = json.loads(cli("search", "人力资源和社会保障局 息诉罢访", "--kind", "息诉罢访保证书",
                         "--json").output)  # fmt: skip
    assert out and out[0]["摘要"].startswith(OCR_MARK)
    assert json.loads(cli("search", "李四 2024年1月", "--kind", "息诉罢访保证书", "--json").output)
    stored = ws.root / result.path
    assert stored.read_bytes() == before and sha256_file(stored) == result.sha256
    assert "已识别 1 件" in cli("index", "status").output
    # a rebuild keeps the OCR words (read from the OCR entries, not again from the scan)
    cli("index", "rebuild")
    assert json.loads(cli("search", "拖欠工资", "--kind", "息诉罢访保证书", "--json").output)


def test_read_all_waits_for_the_worker_and_this_process_then_finds_the_words(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the demo does: a process that searched before (its reader open) attaches a printed
    scan, waits with read_all, and its own next search has the OCR words at once."""
    monkeypatch.setenv("DOCGEN_OCR", "on")
    ix = ws.search_index()
    assert ix.search(SearchQuery("补偿金差额")).total == 0
    scan = make_scan(tmp_path / "保证书.jpg", seed=1, dpi=200, lines=(
        "息诉罢访保证书", "本人反映的企业改制补偿问题，", "补偿金差额已足额支付。",
    ))  # fmt: skip
    assert attach(ws, AttachRequest("T2024-0001", scan, 5, "息诉罢访保证书",
                                    kind="息诉罢访保证书")).ocr  # fmt: skip
    done = read_all(ws, timeout=60)
    assert (done.pending, done.running, done.done) == (0, False, 1)
    hits = ws.search_index().search(SearchQuery("补偿金差额")).hits
    assert [h.kind for h in hits] == ["息诉罢访保证书"] and hits[0].ocr


def test_a_scan_left_pending_is_read_by_index_ocr(ws: Workspace, tmp_path: Path) -> None:
    # DOCGEN_OCR=off (tests/conftest.py): no worker starts, as after a crash before it ran
    scan = render_page(tmp_path / "scan.png", page_lines(1), dpi=300)
    attach(ws, AttachRequest("T2024-0001", scan, 1, "来信扫描件"))
    cli = Cli(ws)
    assert len(pending(ws)) == 1
    shown = cli("index", "status").output
    assert "待识别 1 件" in shown and "请运行 docgen index ocr" in shown
    hit = json.loads(cli("search", "来信扫描件", "--json").output)[0]
    assert hit["摘要"] == "（无文字内容，按元数据命中）"
    assert "识别 1 件" in cli("index", "ocr").output
    assert pending(ws) == []
    assert json.loads(cli("search", "王秀英", "--json").output)[0]["摘要"].startswith(OCR_MARK)


def test_recall_on_rendered_pages(tmp_path: Path) -> None:
    """Names, dates and 保证书 words read back from clean, noisy and skewed pages."""
    found = total = 0
    for n, (dpi, noise, skew) in enumerate([(200, 0, 0), (300, 0.02, 1.0)]):
        lines = page_lines(n)
        text = ocr_file(render_page(tmp_path / f"{n}.png", lines, dpi=dpi, noise=noise,
                                    skew=skew, seed=n), "png")[0]  # fmt: skip
        words = words_of(lines)
        found += sum(w in text for w in words)
        total += len(words)
    assert found / total >= 0.7  # measured 0.875 (bench/ocr.py has the full figures)


def test_tidy_drops_spaces_inside_chinese() -> None:
    assert tidy("保 证 人 : 李 四\n\n2024 年 6 月") == "保证人 : 李四\n2024年6月"


def test_tidy_reads_the_one_of_a_date_back_from_its_look_alikes() -> None:
    read = "2024年]月1日\n2024年1月]日\n2024年|l月I日"
    assert tidy(read) == "2024年1月1日\n2024年1月1日\n2024年11月1日"
    assert tidy("附件]：名单 I 号") == "附件]：名单 I 号"  # outside a date nothing changes
