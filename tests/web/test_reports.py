"""The director's /reports page and its /api twins: the 月报's figures as of a month's end, the
charts as inline SVG, the overdue / 督办 / 包案 lists, the downloads made by ``make_monthly``,
and who may see them (领导 and 管理员; 文书 and 档案 get the Chinese 403 page)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from docgen.archive.reports.monthly import monthly_figures_for, summary_sentence
from tests.conftest import VALID_IDS
from tests.web.test_web import CASE

MONTH = "2024-06"


@pytest.mark.parametrize("name", ["wenshu", "dangan"])
def test_clerk_and_archivist_are_refused_the_reports(as_role, name: str) -> None:  # type: ignore[no-untyped-def]
    b = as_role(name)
    page = b.get("/reports")
    assert page.status_code == 403 and "无权操作" in page.text and "无权查看统计报表" in page.text
    assert 'href="/reports"' not in b.get("/cases").text  # no nav link either
    for url in ("/api/reports/monthly", "/api/reports/supervision", "/api/reports/leaders",
                "/reports/monthly.xlsx", "/reports/monthly.pdf"):  # fmt: skip
        r = b.get(f"{url}?month={MONTH}")
        assert r.status_code == 403, url
    assert b.get(f"/api/reports/monthly?month={MONTH}").json()["error"] == "您的角色（" + {
        "wenshu": "文书", "dangan": "档案"}[name] + "）无权查看统计报表"  # fmt: skip


@pytest.mark.parametrize("name", ["lingdao", "admin"])
def test_reports_page_shows_the_months_figures(web_ws, as_role, name: str) -> None:  # type: ignore[no-untyped-def]
    b = as_role(name)
    assert 'href="/reports"' in b.get("/cases").text
    page = b.get(f"/reports?month={MONTH}")
    assert page.status_code == 200, page.text
    f = monthly_figures_for(web_ws, MONTH)
    text = page.text
    assert "截至 2024年6月30日" in text and summary_sentence(f) in text
    tiles = re.search(r'id="figures">(.*?)</div>\s*<p', text, re.S).group(1)  # type: ignore[union-attr]
    numbers = re.findall(r"<b>([\d.%]+)</b>", tiles)
    assert numbers[:3] == [str(f.total.total), str(f.total.resolved),
                           str(f.total.resolved_this_month)]  # fmt: skip
    assert numbers[3] == f"{f.total.rate:.1f}%" and numbers[-1] == str(f.total.overdue)
    assert text.count("<svg") == 2 and 'aria-label="图1　按归类积案与化解情况"' in text
    assert "<script" not in text and "http://" not in text.split("<svg")[0]
    overdue = text.split('id="overdue"')[1].split("</table>")[0]
    assert sorted(re.findall(r'href="/cases/([^"]+)"', overdue)) == sorted(
        r.case_no for r in f.overdue_rows)  # fmt: skip
    longest = max(f.overdue_rows, key=lambda r: (f.day - r.due).days)  # type: ignore[operator]
    assert re.search(r'href="/cases/([^"]+)"', overdue).group(1) == longest.case_no  # type: ignore[union-attr]
    leaders = text.split('id="leaders"')[1].split("</table>")[0]
    assert all(t.name in leaders for t in f.dimensions["包案领导"])
    assert f'<option value="{MONTH}" selected>2024年6月</option>' in text
    for number in VALID_IDS:  # personal data stays masked: no ID number, phone or address
        assert number not in text
    assert "13800" not in text and "幸福路" not in text


def test_default_month_is_the_latest_with_data(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    b = as_role("lingdao")
    data = b.get("/api/reports/monthly").json()
    page = b.get("/reports").text
    assert re.search(rf'<option value="{data["月份"]}" selected>', page)
    assert data["月份"] <= "2024-12" and data["截至"].startswith(data["月份"])  # the sample's year


def test_api_twin_gives_the_same_figures(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    b = as_role("lingdao")
    data = b.get(f"/api/reports/monthly?month={MONTH}").json()
    f = monthly_figures_for(web_ws, MONTH)
    assert data["月份"] == MONTH and data["截至"] == "2024-06-30"
    assert data["合计"] == f.total.as_dict()
    assert data["超期案件"] == [r.case_no for r in f.overdue_rows]
    assert data["问题类别"] == [t.as_dict() for t in f.dimensions["问题类别"]]
    leaders = b.get(f"/api/reports/leaders?month={MONTH}").json()
    assert leaders["总数"] == f.total.total and {r["案件编号"] for r in leaders["包案"]} == {
        r.case_no for r in f.rows}  # fmt: skip
    paths = b.get("/api/openapi.json").json()["paths"]
    twins = {"/api/reports/monthly", "/api/reports/supervision", "/api/reports/leaders"}
    assert twins <= set(paths)


@pytest.mark.parametrize("month", ["2024-13", "abc", "2024/06", "../../etc", "2024-06-01"])
def test_a_bad_month_is_a_chinese_400(as_role, month: str) -> None:  # type: ignore[no-untyped-def]
    b = as_role("lingdao")
    r = b.get("/api/reports/monthly", params={"month": month})
    assert r.status_code == 400 and "无效：请写成 年-月，如 2024-06" in r.json()["error"]
    page = b.get("/reports", params={"month": month})
    assert page.status_code == 400 and "请写成 年-月" in page.text
    assert b.get("/reports/monthly.pdf", params={"month": month}).status_code == 400


def test_supervision_list_shows_a_supervision_letter(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    b = as_role("lingdao")
    assert b.get("/api/reports/supervision?month=2024-10").json()["督办"] == []
    assert "没有发出督办函" in b.get("/reports?month=2024-10").text  # remembered until a change
    clerk = as_role("wenshu")
    r = clerk.post(f"/cases/{CASE}/papers", {"type": "督办函", "f_reason": "久拖未决",
                                            "f_report_by": "2024年10月28日前",
                                            "doc_date": "2024-10-10", "force": "1",
                                            "allow_blank": "1"})  # fmt: skip
    assert r.status_code == 200 and "已制发督办函" in r.text, r.text[:2000]
    rows = b.get("/api/reports/supervision?month=2024-10").json()["督办"]
    assert [row["案件编号"] for row in rows] == [CASE] and rows[0]["督办日期"] == "2024-10-10"
    page = b.get("/reports?month=2024-10").text
    table = page.split('id="supervision"')[1].split("</table>")[0]
    assert CASE in table and rows[0]["督办文号"] in table
    assert b.get("/api/reports/supervision?month=2024-09").json()["督办"] == []  # not yet sent


def test_downloads_are_the_monthly_reports_files(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    b = as_role("lingdao")
    f = monthly_figures_for(web_ws, MONTH)
    r = b.get(f"/reports/monthly.xlsx?month={MONTH}")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    assert "attachment" in r.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(r.content))["统计表"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["合计"][:2] == (f.total.total, f.total.resolved)
    r = b.get(f"/reports/monthly.pdf?month={MONTH}")
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "2024年6月信访积案排查化解情况的报告" in re.sub(r"\s", "", text)
    audit = b.get("/api/cases").status_code  # still signed in; the downloads were audited
    assert audit == 200
    from sqlalchemy import select

    from docgen.archive.tables import AuditEntry

    with web_ws.read_session() as session:
        entries = session.execute(select(AuditEntry.actor, AuditEntry.detail).where(
            AuditEntry.action == "report-download")).all()  # fmt: skip
    assert sorted(entries) == [("lingdao", "pdf"), ("lingdao", "xlsx")]
