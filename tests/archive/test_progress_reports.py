"""The four progress reports to the 联席办 and the 月报's 文号: figures, sections and 文号 read back
from the PDF text, the places to fill in the .docx XML (and ``--set`` filling them), and the
attachments' rows against an independent count over a ledger built in code, including a case
resolved after the report's day (it counts as unresolved)."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from docgen.archive.reports.monthly import make_monthly
from docgen.archive.reports.progress import make_progress
from docgen.archive.workspace import Workspace
from tests.conftest import Cli, write_ledger

AS_OF = dt.date(2024, 7, 10)
HEADERS = ["序号", "信访件编号", "姓名", "类别", "反映问题", "承办单位", "包案领导", "交办层级",
           "稳控措施", "登记日期", "受理日期", "目前状态"]  # fmt: skip
# (案件编号, 姓名, 登记日期, 稳控措施, [(生效日期, 新状态)]) — all 在办 at import
CASES = [
    ("T2024-0001", "王建国", dt.date(2024, 5, 1), "专人联系，每周见面", []),
    ("T2024-0002", "李秀英", dt.date(2024, 5, 10), "", [(dt.date(2024, 6, 20), "已化解")]),
    ("T2024-0003", "张志强", dt.date(2024, 5, 12), "", [(dt.date(2024, 7, 20), "已化解")]),
    ("T2024-0004", "刘桂兰", dt.date(2024, 7, 15), "", []),  # registered after the day
    ("T2024-0005", "陈德明", dt.date(2024, 6, 1), "", [(dt.date(2024, 7, 1), "已办结")]),
    ("T2024-0006", "杨海燕", dt.date(2024, 6, 5), "包案领导约谈", []),
]


def _expected(day: dt.date) -> dict[str, dict[str, object]]:
    """Each case on record on ``day`` with its status then, computed from CASES alone."""
    out = {}
    for case_no, name, registered, measures, changes in CASES:
        if registered > day:
            continue
        status = "办理中"
        for when, new in changes:
            if when <= day:
                status = new
        out[case_no] = {"name": name, "status": status, "measures": measures}
    return out


@pytest.fixture
def ledger_ws(workspace: Workspace, tmp_path: Path) -> Workspace:
    rows = [[n, case_no, name, "劳动保障", "要求追讨拖欠工资", "区人社局", "张伟", "省", measures,
             registered, registered, "在办"]
            for n, (case_no, name, registered, measures, _c) in enumerate(CASES, start=1)]  # fmt: skip
    run = Cli(workspace)
    run("ledger", "import", str(write_ledger(tmp_path / "台账.xlsx", rows, HEADERS)))
    for case_no, _n, _r, _m, changes in CASES:
        for when, status in changes:
            run("case", "edit", case_no, "--set", f"状态={status}", "--date", when.isoformat())
    return workspace


def _pdf_text(pdf: Path) -> str:
    return "".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", "")


def _docx_xml(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_stage_two_figures_places_to_fill_and_attachments(ledger_ws: Workspace,
                                                          tmp_path: Path) -> None:  # fmt: skip
    expected = _expected(AS_OF)
    total = len(expected)
    resolved = sum(e["status"] == "已化解" for e in expected.values())
    unresolved = {k: e for k, e in expected.items() if e["status"] != "已化解"}
    assert "T2024-0003" in unresolved and "T2024-0004" not in expected  # the ledger's point

    run = Cli(ledger_ws)
    out = tmp_path / "进展"
    made = json.loads(run("report", "progress", "--stage", "2", "--as-of", "2024-07-10",
                          "--out", str(out), "--json").output)  # fmt: skip
    assert made["文号"] == "某信交报〔2024〕1号" and made["签发人"] is None
    assert made["待填写"] == ["采取的措施", "经验做法"]
    docx, pdf, register, measures = (Path(p) for p in made["文件"])

    text = _pdf_text(pdf)
    assert f"截至2024年7月10日，共排查信访积案{total}件，已化解{resolved}件" in text
    rate = f"化解率{100 * resolved / total:.1f}%"
    assert rate in text and "某信交报〔2024〕1号" in text and "联席办" in text
    for heading in ("一、排查情况", "二、领导包案、包查情况", "三、积案化解情况", "四、采取的措施",
                    "五、经验做法", "附件：1．排查登记表", "未解决案件稳控措施表"):  # fmt: skip
        assert heading in text, heading
    assert "【请填写：经验做法】" in text and "签发人" not in text
    xml = _docx_xml(docx)
    assert "【请填写：经验做法】" in xml and "【请填写：采取的措施】" in xml
    assert xml.count('<w:highlight w:val="yellow"/>') == 2

    sheet = load_workbook(register).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    header = [c.value for c in sheet[2]]
    assert len(rows) == total
    by_case = {r[header.index("案件编号")]: r for r in rows}
    assert set(by_case) == set(expected)
    for case_no, e in expected.items():
        assert by_case[case_no][header.index("状态（截至统计日）")] == e["status"]
        name = str(e["name"])
        assert by_case[case_no][header.index("信访人")] == name[0] + "某" * (len(name) - 1)

    sheet = load_workbook(measures).active
    header = [c.value for c in sheet[2]]
    col = header.index("稳控措施") + 1
    rows = list(sheet.iter_rows(min_row=3))
    assert {r[1].value for r in rows} == set(unresolved)
    for r in rows:
        recorded = unresolved[r[1].value]["measures"]
        cell = r[col - 1]
        assert (cell.value or "") == recorded
        assert (cell.fill.fill_type == "solid") == (not recorded)  # empty and yellow: to fill

    again = json.loads(run("report", "progress", "--stage", "2", "--as-of", "2024-07-10",
                           "--out", str(out), "--json", "--set", "经验做法=一是包案到人。\n二是一案一策。",
                           "--set", "采取的措施=逐案会商", "--set", "签发人=王局").output)  # fmt: skip
    assert again["文号"] == made["文号"] and again["待填写"] == []
    xml = _docx_xml(docx)
    assert "【请填写" not in xml and "一是包案到人。" in xml and "二是一案一策。" in xml
    text = _pdf_text(pdf)
    assert "签发人：王局" in text and "逐案会商" in text and "【请填写" not in text
    register_out = run("numbers").output
    assert register_out.count("某信交报〔2024〕1号") == 1 and "进展报告" in register_out


def test_stages_one_three_four_sections_and_numbers(ledger_ws: Workspace, tmp_path: Path) -> None:
    sections = {
        1: ("一、传达部署情况", "二、实施方案的方法和步骤", "三、积案化解台帐建立情况",
            "四、领导包查和交办案件办结情况", "省交办"),
        3: ("一、积案化解进展", "二、存在问题", "三、意见建议", "四、经验做法"),
        4: ("一、基本情况", "二、主要做法和成效", "三、存在问题", "四、下一步工作打算"),
    }  # fmt: skip
    days = {1: dt.date(2024, 6, 10), 3: dt.date(2024, 8, 20), 4: dt.date(2024, 11, 1)}
    for n, (stage, headings) in enumerate(sections.items(), start=1):
        result = make_progress(ledger_ws, stage, days[stage], tmp_path / str(stage))
        expected = _expected(days[stage])
        resolved = sum(e["status"] == "已化解" for e in expected.values())
        text = _pdf_text(result.files[1])
        assert f"共排查信访积案{len(expected)}件，已化解{resolved}件" in text
        assert f"某信交报〔2024〕{n}号" in text and result.doc_no == f"某信交报〔2024〕{n}号"
        for heading in headings:
            assert heading in text, (stage, heading)
        for path in result.files:
            assert path.exists() and path.stat().st_size > 0
        first = load_workbook(result.files[2])
        if stage == 4:  # the 统计表 as of the day, with its 明细
            assert first["明细"].max_row == len(expected) + 1
        else:
            assert first.active.max_row == 2 + len(expected)
    assert not list(tmp_path.rglob("*.part"))


def test_refusals_are_chinese_and_write_nothing(ledger_ws: Workspace, tmp_path: Path) -> None:
    run = Cli(ledger_ws)
    out = tmp_path / "o"
    bad = run("report", "progress", "--stage", "5", "--as-of", "2024-07-10", "--out", str(out),
              ok=False)  # fmt: skip
    assert bad.exit_code != 0 and "报告阶段“5”无效" in bad.output
    bad = run("report", "progress", "--stage", "2", "--as-of", "2024-02-30", "--out", str(out),
              ok=False)  # fmt: skip
    assert bad.exit_code != 0 and "--as-of" in bad.output and "日期" in bad.output
    bad = run("report", "progress", "--stage", "2", "--as-of", "2024-07-10", "--out", str(out),
              "--set", "心得=好", ok=False)  # fmt: skip
    assert "没有可填写的“心得”" in bad.output and "经验做法" in bad.output
    assert not out.exists()
    assert "报〔" not in run("numbers").output  # no number taken by a refused report


def test_monthly_report_number_kept_and_signer(ledger_ws: Workspace, tmp_path: Path) -> None:
    first = make_monthly(ledger_ws, "2024-06", tmp_path / "a")
    text = _pdf_text(first.files[2])
    assert first.doc_no == "某信交报〔2024〕1号" and first.doc_no in text
    assert "签发人" not in text  # unknown: no empty label
    second = make_monthly(ledger_ws, "2024-06", tmp_path / "b", values=["签发人=李局"])
    assert second.doc_no == first.doc_no
    assert "签发人：李局" in _pdf_text(second.files[2])
    ledger_ws.settings.signer = "赵局"
    july = make_monthly(ledger_ws, "2024-07", tmp_path / "c")
    assert july.doc_no == "某信交报〔2024〕2号" and "签发人：赵局" in _pdf_text(july.files[2])
