"""What the web app remembers between requests (the signed-in user, case pages, the vocabulary)
is never shown after another desk or process committed a change: on SQLite and PostgreSQL,
with the change made through a second Workspace handle on the same workspace."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from sqlalchemy import update

from docgen.archive.cases import add_follow_up, edit_case
from docgen.archive.tables import User
from docgen.archive.workspace import Workspace

CASE = "XF2024-0001"


def _elsewhere(ws: Workspace) -> Workspace:
    """Another desk's handle on the same workspace (its own engine, pool and caches)."""
    return Workspace.open(ws.root)


def test_logout_ends_the_session_on_the_next_request(as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    assert clerk.get("/api/cases").status_code == 200
    assert clerk.post("/logout", follow_redirects=False).status_code == 303
    assert clerk.get("/api/cases").status_code == 401
    assert clerk.get("/cases", follow_redirects=False).headers["location"] == "/login"


def test_a_user_disabled_by_another_process_is_out_on_the_next_request(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    for _ in range(3):  # remembered by now
        assert clerk.get(f"/api/cases/{CASE}").status_code == 200
    subprocess.run([sys.executable, "-m", "docgen", "-w", str(web_ws.root), "user", "disable",
                    "wenshu"], check=True, capture_output=True)  # fmt: skip
    assert clerk.get(f"/api/cases/{CASE}").status_code == 401
    assert clerk.get("/cases", follow_redirects=False).headers["location"] == "/login"


def test_a_role_changed_elsewhere_counts_on_the_next_request(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    director = as_role("lingdao")
    assert director.get(f"/api/cases/{CASE}?show_personal=1").status_code == 200
    other = _elsewhere(web_ws)
    try:
        with other.session() as session:
            session.execute(update(User).where(User.name == "lingdao").values(role="文书"))
    finally:
        other.close()
    r = director.get(f"/api/cases/{CASE}?show_personal=1")
    assert r.status_code == 403 and "无权查看完整个人信息" in r.json()["error"]
    assert director.get("/cases/export").status_code == 200  # still signed in, as a 文书


def test_the_case_page_follows_edits_made_elsewhere(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    page = clerk.get(f"/cases/{CASE}").text
    data = clerk.get(f"/api/cases/{CASE}").json()
    assert "钱多多" not in page and data["承办人"] != "钱多多"
    other = _elsewhere(web_ws)
    try:
        with other.session() as session:
            edit_case(session, CASE, {"handler": "钱多多"}, {})
        assert "钱多多" in clerk.get(f"/cases/{CASE}").text
        again = clerk.get(f"/api/cases/{CASE}").json()
        assert again["承办人"] == "钱多多" and again["版本"] == data["版本"] + 1
        with other.session() as session:
            add_follow_up(session, CASE, visited_on=dt.date(2024, 11, 5), method="电话",
                          visitors="周明", attitude="满意", content=None)  # fmt: skip
        visits = clerk.get(f"/api/cases/{CASE}").json()["回访记录"]
        assert visits[-1]["日期"] == "2024-11-05" and visits[-1]["方式"] == "电话"
        assert "2024-11-05" in clerk.get(f"/cases/{CASE}").text or "2024年11月5日" in (
            clerk.get(f"/cases/{CASE}").text
        )
    finally:
        other.close()


def test_masked_and_unmasked_case_pages_are_kept_apart(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    director, clerk = as_role("lingdao"), as_role("wenshu")
    full = director.get(f"/api/cases/{CASE}?show_personal=1").json()["信访人详情"][0]
    masked = clerk.get(f"/api/cases/{CASE}").json()["信访人详情"][0]
    assert full["身份证号"] and full["身份证号"] != masked["身份证号"]
    assert full["身份证号"] not in clerk.get(f"/cases/{CASE}").text
    assert director.get(f"/api/cases/{CASE}").json()["信访人详情"][0] == masked


def test_a_vocabulary_written_meanwhile_is_used_on_the_next_request(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    r = clerk.get("/api/cases?status=正在办")
    assert r.status_code == 400 and "不是可选值" in r.json()["error"]
    (web_ws.root / "vocabulary.json").write_text(
        json.dumps({"状态": {"正在办": "办理中"}}, ensure_ascii=False), "utf-8"
    )
    assert (
        clerk.get("/api/cases?status=正在办").json() == clerk.get("/api/cases?status=办理中").json()
    )
