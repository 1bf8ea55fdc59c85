"""A case's life on its page: the timeline, papers with their 状态, revise and void (as the CLI's
``paper revise`` / ``paper void``), the paper form's options, and names taken from the signed-in user."""

from __future__ import annotations

import subprocess

from sqlalchemy import func, select

from docgen.archive.tables import AuditEntry
from docgen.model import Document
from tests.web.test_web import CASE, _count


def _papers(ws):  # type: ignore[no-untyped-def]
    with ws.session() as session:
        return [(d.kind, d.state, d.version, d.doc_no) for d in
                session.scalars(select(Document).order_by(Document.id))]  # fmt: skip


def _paper_id(ws, kind: str) -> int:  # type: ignore[no-untyped-def]
    with ws.session() as session:
        return int(session.scalars(select(Document.id).where(
            Document.kind == kind, Document.state == "current")).one())  # fmt: skip


def test_revise_then_void_a_paper_from_the_case_page(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    r = clerk.post(f"/cases/{CASE}/papers", {"type": "受理告知书", "f_contact": "周明"})
    assert r.status_code == 200 and "已制发受理告知书" in r.text
    doc_id = _paper_id(web_ws, "受理告知书")
    page = clerk.get(f"/cases/{CASE}").text
    assert f"/papers/{doc_id}/revise" in page and f"/papers/{doc_id}/void" in page
    assert 'id="timeline"' in page and "受理告知书" in page.split('id="timeline"')[1]

    form = clerk.get(f"/cases/{CASE}/papers/{doc_id}/revise").text
    assert "更正受理告知书" in form and 'value="周明"' in form  # issued with these values
    r = clerk.post(f"/cases/{CASE}/papers/{doc_id}/revise", {"f_contact": "吴芳", "preview": "1"})
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"
    assert [p[2] for p in _papers(web_ws)] == [1]  # a preview stores nothing
    r = clerk.post(f"/cases/{CASE}/papers/{doc_id}/revise", {"f_contact": "吴芳"})
    assert r.status_code == 200 and "已更正受理告知书" in r.text and "旧版保留" in r.text
    doc_no = _papers(web_ws)[0][3]
    assert sorted(p[1:3] for p in _papers(web_ws)) == [("current", 2), ("superseded", 1)]
    page = clerk.get(f"/cases/{CASE}").text
    assert "有效（第2版）" in page and "旧版（第1版）" in page
    api = clerk.get(f"/api/cases/{CASE}").json()
    assert {d["状态"] for d in api["文书与材料"]} == {"有效", "旧版"}
    assert any(e["文号"] == doc_no and "第2版" in e["说明"] for e in api["时间线"])

    assert as_role("lingdao").post(f"/cases/{CASE}/papers/{doc_id}/void",
                                   {"reason": "错", "confirm": "1"}).status_code == 403  # fmt: skip
    r = clerk.post(f"/cases/{CASE}/papers/{doc_id}/void", {"reason": "", "confirm": "1"})
    assert r.status_code == 400 and "须填写作废原因" in r.text
    r = clerk.post(f"/cases/{CASE}/papers/{doc_id}/void", {"reason": "送错对象"})
    assert r.status_code == 400 and "请勾选“确认作废”" in r.text
    assert ("current", 2) in [p[1:3] for p in _papers(web_ws)]  # refused: nothing changed
    r = clerk.post(f"/cases/{CASE}/papers/{doc_id}/void", {"reason": "送错对象", "confirm": "1"})
    assert r.status_code == 200 and f"已作废受理告知书 {doc_no}" in r.text
    page = clerk.get(f"/cases/{CASE}").text
    assert "送错对象" in page and f"/papers/{doc_id}/revise" not in page
    r = clerk.post(f"/cases/{CASE}/papers/{doc_id}/revise", {"f_contact": "吴芳"})
    assert r.status_code == 422 and "已作废" in r.text
    with web_ws.session() as session:
        actors = dict(session.execute(select(AuditEntry.action, AuditEntry.actor).where(
            AuditEntry.action.in_(("paper-revise", "paper-void")))).all())  # fmt: skip
    assert actors == {"paper-revise": "wenshu", "paper-void": "wenshu"}
    # the voided number is never issued again
    r = clerk.post(f"/cases/{CASE}/papers", {"type": "受理告知书", "f_contact": "周明"})
    assert r.status_code == 200 and doc_no not in r.text.split("已制发")[1].split("页")[0]


def test_a_paper_of_another_case_cannot_be_revised_or_voided_through_this_one(
    web_ws, as_role
) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    clerk.post(f"/cases/{CASE}/papers", {"type": "受理告知书"})
    doc_id = _paper_id(web_ws, "受理告知书")
    r = clerk.post(f"/cases/XF2024-0002/papers/{doc_id}/void", {"reason": "x", "confirm": "1"})
    assert r.status_code == 404 and "没有文书" in r.text
    assert clerk.get(f"/cases/XF2024-0002/papers/{doc_id}/revise").status_code == 404
    assert _papers(web_ws)[0][1] == "current"


def test_missing_case_values_are_named_before_anything_is_issued(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    form = clerk.get(f"/cases/{CASE}/papers/new?type=回访记录").text
    assert 'id="missing"' in form and "历次回访" in form.split('id="missing"')[1].split("</div>")[0]
    r = clerk.post(f"/cases/{CASE}/papers", {"type": "回访记录", "f_visit_method": "上门"})
    error = r.text.split('id="paper-error">')[1].split("</div>")[0]
    assert r.status_code == 422 and error.startswith("尚未制发回访记录，请填写：回访日期、回访人")
    assert "回访方式" not in error and "案件中缺少：历次回访" in error
    assert "勾选“缺少的字段留空" in error and "--" not in error
    assert _count(web_ws, Document) == 0
    filled = {"type": "回访记录", "f_visit_date": "2024-10-08", "f_visit_method": "上门",
              "f_visitors": "周明", "f_attitude": "满意", "f_content": "已落实"}  # fmt: skip
    r = clerk.post(f"/cases/{CASE}/papers", filled)
    assert r.status_code == 422 and "案件中缺少：历次回访" in r.text
    r = clerk.post(f"/cases/{CASE}/papers", {**filled, "allow_blank": "1"})
    assert r.status_code == 200 and "已制发回访记录" in r.text


def test_remake_refused_then_new_and_dated(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    r = clerk.post(f"/cases/{CASE}/papers", {"type": "受理告知书", "doc_date": "2024-10-08"})
    assert r.status_code == 200
    with web_ws.session() as session:
        day, doc_no = session.execute(select(Document.doc_date, Document.doc_no)).one()
    assert day.isoformat() == "2024-10-08" and "〔2024〕" in doc_no
    r = clerk.post(f"/cases/{CASE}/papers", {"type": "受理告知书"})
    assert r.status_code == 422 and doc_no in r.text and "勾选“再发一份" in r.text
    r = clerk.post(f"/cases/{CASE}/papers", {"type": "受理告知书", "new": "1"})
    assert r.status_code == 200 and _count(web_ws, Document) == 2
    r = clerk.post(f"/cases/{CASE}/papers", {"type": "受理告知书", "doc_date": "2024-13-40"})
    assert r.status_code == 422 and "成文日期" in r.text and _count(web_ws, Document) == 2


def test_issuer_and_filer_are_the_signed_in_user(web_ws, as_role, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DOCGEN_USER", "操作系统用户")
    clerk = as_role("wenshu")
    r = clerk.post(f"/cases/{CASE}/papers", {"type": "送达回证", "f_served_doc": "受理告知书",
                                              "f_method": "直接送达"})  # fmt: skip
    assert r.status_code == 200, r.text
    with web_ws.session() as session:
        meta = session.scalars(select(Document.meta).where(Document.kind == "送达回证")).one()
    assert meta["填发人"] == "wenshu"
    archivist = as_role("dangan")
    assert "立卷人：dangan" in archivist.get(f"/cases/{CASE}").text
    r = archivist.post(f"/cases/{CASE}/dossier", {"allow_incomplete": "1"})
    assert r.status_code == 200 and "已组卷" in r.text
    with web_ws.session() as session:
        path = session.scalars(select(Document.path).where(Document.kind == "卷宗")).one()
    text = subprocess.run(["pdftotext", str(web_ws.root / path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "dangan" in text and "操作系统用户" not in text
    with web_ws.session() as session:
        n = session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.actor == "操作系统用户"))  # fmt: skip
    assert n == 0
