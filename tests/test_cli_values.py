"""Values printed as a clerk writes them; --json keeps machine values."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pypdf import PdfWriter

from docgen.archive.workspace import Workspace
from docgen.cli.options import record_lines, shown
from tests.conftest import HEADERS, Cli, good_row, write_ledger


def test_shown_writes_values_for_people() -> None:
    assert shown(True) == "是" and shown(False) == "否" and shown(None) == "—"
    assert shown(dt.date(2024, 10, 8)) == "2024年10月8日"
    assert shown(["重复访", "集体访"]) == "重复访、集体访"
    record = {"回访记录": [{"日期": dt.date(2024, 10, 8), "方式": "上门", "态度": None}],
              "附加信息": {"性别": "女"}, "超期": True, "备注": ""}  # fmt: skip
    assert record_lines(record) == [
        "回访记录：", "  日期：2024年10月8日  方式：上门", "附加信息：", "  性别：女", "超期：是"
    ]  # fmt: skip


def test_case_show_text_and_json(populated: Workspace, tmp_path: Path) -> None:
    run = Cli(populated)
    extra = write_ledger(tmp_path / "x.xlsx", [[*good_row(1, 信访件编号="XF2024-0021"), "女"]],
                         headers=[*HEADERS, "性别"])  # fmt: skip
    run("ledger", "import", str(extra))
    run("case", "visit", "XF2024-0021", "--date", "2024年10月8日", "--method", "上门")
    text = run("case", "show", "XF2024-0021").output
    assert "超期：" in text and "延期：否" in text
    assert "回访记录：\n  日期：2024年10月8日  方式：上门" in text
    assert "附加信息：\n  性别：女" in text
    for raw in ("True", "False", "[", "{", "datetime", "2024-10-08"):
        assert raw not in text, raw
    data = json.loads(run("case", "show", "XF2024-0021", "--json").output)
    assert isinstance(data["超期"], bool) and data["延期"] is False
    assert data["回访记录"][0]["日期"] == "2024-10-08" and data["附加信息"]["性别"] == "女"
    assert data["办结时限"] is not None  # the computed deadline, not the empty ledger column
    flagged = run("case", "show", "XF2024-0007").output
    assert "标志：集体访" in flagged
    assert json.loads(run("case", "show", "XF2024-0007", "--json").output)["标志"] == ["集体访"]


def test_paper_types_name_formats_in_chinese(run: Cli) -> None:
    text = run("paper", "types").output
    assert "（公文，" in text and "（信函，" in text
    for code in ("letter", "document", "minutes", "form"):
        assert code not in text
    rows = json.loads(run("paper", "types", "--json").output)
    assert {r["格式代码"] for r in rows} >= {"letter", "document"}


def test_verify_unsigned_file_counts_no_signature(run: Cli, tmp_path: Path) -> None:
    pdf = tmp_path / "文书.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(pdf)
    result = run("verify", str(pdf), ok=False)
    assert "没有数字签名" in result.output and "签名 0 个" in result.output
    assert "签名人" not in result.output
    data = json.loads(run("verify", str(pdf), "--json", ok=False).stdout)
    assert data["签名"] == [] and data["问题"][0]["code"] == "signature"
