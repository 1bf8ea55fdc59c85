"""The web app over HTTP (TestClient, real workspace): sign-in, CSRF, roles, masking, uploads,
downloads, paper forms and the JSON twins."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from docgen.archive.dossier.samples import make_scan
from docgen.archive.tables import AuditEntry
from docgen.model import Case, Document
from docgen.web import create_app
from tests.conftest import good_row, write_ledger
from tests.web.conftest import PASSWORD, Browser

CASE = "XF2024-0001"


def _count(ws, model) -> int:  # type: ignore[no-untyped-def]
    with ws.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)))


def test_login_required_everywhere_but_login_and_static(browser: Browser) -> None:
    for url in ("/cases", f"/cases/{CASE}", "/search?q=工资", "/admin/users"):
        response = browser.client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", url
    assert browser.client.get("/api/cases").status_code == 401
    assert browser.client.get("/api/cases").json() == {"error": "请先登录"}
    assert browser.client.get("/login").status_code == 200
    assert browser.client.get("/static/style.css").status_code == 200


def test_session_cookie_is_httponly_and_samesite(browser: Browser) -> None:
    response = browser.login("wenshu")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert browser.get("/cases").status_code == 200


def test_wrong_password_then_rate_limited(browser: Browser) -> None:
    browser.get("/login")
    for _ in range(5):
        r = browser.post("/login", {"username": "wenshu", "password": "wrong-password"})
        assert r.status_code == 401 and "用户名或密码不正确" in r.text
    r = browser.post("/login", {"username": "wenshu", "password": PASSWORD})
    assert r.status_code == 429 and "登录失败次数过多" in r.text


def test_csrf_required_on_every_post(as_role) -> None:  # type: ignore[no-untyped-def]
    b = as_role("wenshu")
    client = b.client
    for url, data in (
        (f"/cases/{CASE}/visit", {"visited_on": "2024-10-08"}),
        ("/logout", {}),
        ("/login", {"username": "wenshu", "password": PASSWORD}),
    ):
        for token in (None, "forged"):
            sent = data | ({"csrf_token": token} if token else {})
            r = client.post(url, data=sent, follow_redirects=False)
            assert r.status_code == 403 and "安全校验未通过" in r.text, (url, token)
    assert client.get("/cases").status_code == 200  # still signed in: the forged logout failed
    r = client.post("/api/cases/import", files={"file": ("a.csv", b"x")},
                    headers={"X-CSRF-Token": "forged"})  # fmt: skip
    assert r.status_code == 403


def test_roles_and_chinese_403(as_role) -> None:  # type: ignore[no-untyped-def]
    clerk, archivist, director, admin = (
        as_role(n) for n in ("wenshu", "dangan", "lingdao", "admin")
    )
    r = clerk.get("/admin/users")
    assert r.status_code == 403 and "无权管理用户" in r.text and "<html" in r.text
    assert admin.get("/admin/users").status_code == 200
    assert clerk.get("/api/admin/users").status_code == 403
    assert [u["用户名"] for u in admin.get("/api/admin/users").json()] == sorted(
        ["admin", "dangan", "lingdao", "wenshu"]
    )
    r = archivist.post(f"/cases/{CASE}/visit", {"visited_on": "2024-10-08"})
    assert r.status_code == 403 and "无权编辑案件" in r.text
    r = director.get(f"/cases/{CASE}/papers/new?type=交办函")
    assert r.status_code == 403 and "无权制发文书" in r.text
    r = clerk.post(f"/cases/{CASE}/dossier", {})
    assert r.status_code == 403 and "无权组卷与归档" in r.text
    for b in (clerk, archivist, director, admin):  # everyone reads
        assert b.get(f"/cases/{CASE}").status_code == 200


def test_personal_data_masked_unless_director_lifts_it(as_role) -> None:  # type: ignore[no-untyped-def]
    clerk, director = as_role("wenshu"), as_role("lingdao")
    masked = clerk.get(f"/api/cases/{CASE}").json()["信访人详情"][0]
    assert "*" in masked["身份证号"] and masked["住址"] == "（已隐藏）"
    page = clerk.get(f"/cases/{CASE}").text
    assert masked["身份证号"] in page
    full = director.get(f"/api/cases/{CASE}?show_personal=1").json()["信访人详情"][0]
    assert "*" not in full["身份证号"] and full["住址"] != "（已隐藏）"
    assert full["身份证号"] not in page
    r = clerk.get(f"/api/cases/{CASE}?show_personal=1")
    assert r.status_code == 403 and "无权查看完整个人信息" in r.json()["error"]
    assert director.get(f"/cases/{CASE}?show_personal=1").status_code == 200


def test_ledger_filters_natural_sort_paging(web_ws, as_role, tmp_path) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    rows = [good_row(n, 信访件编号=f"NS-{n}") for n in (2, 10, 1)]
    r = clerk.client.post("/cases/import", data={"csrf_token": clerk.token},
                          files={"file": ("台账.xlsx", write_ledger(tmp_path / "l.xlsx", rows).read_bytes())})  # fmt: skip
    assert r.status_code == 200 and "新增 3 件" in r.text
    data = clerk.get("/api/cases?unit=人社局&category=劳动保障").json()
    numbers = [c["案件编号"] for c in data["案件"] if c["案件编号"].startswith("NS-")]
    assert numbers == ["NS-1", "NS-2", "NS-10"]
    total = clerk.get("/api/cases").json()
    assert total["总数"] == 33 and total["页数"] == 1 and len(total["案件"]) == 33
    overdue = clerk.get("/api/cases?overdue=1").json()["案件"]
    assert overdue and all(c["超期"] for c in overdue)
    grouped = clerk.get("/api/cases?group=民生").json()["案件"]
    assert grouped and all(c["问题类别"] != "组织人事" for c in grouped)
    assert "超期" in clerk.get("/cases?status=办理中").text
    r = clerk.get("/api/cases?flag=nonsense")
    assert r.status_code == 400 and "标志" in r.json()["error"]


def test_bad_ledger_upload_writes_nothing(web_ws, as_role, tmp_path) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    before = _count(web_ws, Case)
    bad = write_ledger(tmp_path / "bad.xlsx", [good_row(1), good_row(2, 身份证号码="123")])
    r = clerk.client.post("/cases/import", data={"csrf_token": clerk.token},
                          files={"file": ("bad.xlsx", bad.read_bytes())})  # fmt: skip
    assert r.status_code == 422
    assert "未导入任何案件" in r.text and "第 5 行" in r.text
    assert _count(web_ws, Case) == before
    r = clerk.client.post("/cases/import", data={"csrf_token": clerk.token},
                          files={"file": ("x.exe", b"MZ")})  # fmt: skip
    assert r.status_code == 400 and "文件类型不支持" in r.text


def test_export_download_is_a_workbook(as_role) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    r = as_role("dangan").get("/cases/export?status=办理中")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.active
    assert sheet.max_row > 1 and all(row[0].value for row in sheet.iter_rows(min_row=2, max_row=2))


def test_attach_upload_validated_by_content_and_size(web_ws, as_role, tmp_path) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    scan = make_scan(tmp_path / "回证.jpg", dpi=50)
    form = {
        "csrf_token": clerk.token,
        "section": "5",
        "title": "送达回证（签收）",
        "kind": "送达回证",
    }
    r = clerk.client.post(f"/cases/{CASE}/attach", data=form,
                          files={"file": ("../../etc/回证.jpg", scan.read_bytes())})  # fmt: skip
    assert r.status_code == 200 and "已附加" in r.text
    with web_ws.session() as session:
        doc = session.scalars(select(Document).where(Document.kind == "送达回证")).one()
        assert doc.path.startswith(f"archive/{CASE}/") and ".." not in doc.path
        actor = session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "attach")).one()
    assert actor == "wenshu"
    assert (web_ws.root / doc.path).read_bytes() == scan.read_bytes()
    r = clerk.client.post(f"/cases/{CASE}/attach", data=form,
                          files={"file": ("扫描件.pdf", "这不是 PDF".encode())})  # fmt: skip
    assert r.status_code == 400 and "文件 扫描件.pdf 的内容不是 PDF、JPG、PNG、TIFF" in r.text
    r = clerk.client.post(f"/cases/{CASE}/attach", data=form,
                          files={"file": ("again.jpg", scan.read_bytes())})  # fmt: skip
    assert r.status_code == 400  # the same file twice is refused, as in the CLI
    small = Browser(TestClient(create_app(web_ws, max_upload=10_000)))
    small.login("wenshu")
    buf = io.BytesIO()
    Image.effect_noise((1200, 1200), 80).convert("L").save(buf, "PNG")
    r = small.client.post(f"/cases/{CASE}/attach", data={**form, "csrf_token": small.token},
                          files={"file": ("big.png", buf.getvalue())})  # fmt: skip
    assert r.status_code == 413 and "上传内容过大" in r.text
    assert _count(web_ws, Document) == 1


def test_downloads_only_catalog_files(web_ws, as_role, tmp_path) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    scan = make_scan(tmp_path / "s.jpg", dpi=50)
    clerk.client.post(f"/cases/{CASE}/attach", files={"file": ("s.jpg", scan.read_bytes())},
                      data={"csrf_token": clerk.token, "section": "1", "title": "扫描件"})  # fmt: skip
    with web_ws.session() as session:
        doc_id = session.scalars(select(Document.id)).one()
    r = clerk.get(f"/files/{doc_id}")
    assert r.status_code == 200 and r.content == scan.read_bytes()
    assert "filename*=utf-8''" in r.headers["content-disposition"].lower()
    assert clerk.get(f"/files/{doc_id}?fmt=docx").status_code == 404
    for url in ("/files/99999", "/files/..%2Fcatalog.sqlite", "/files/%2Fetc%2Fpasswd"):
        assert clerk.get(url).status_code in (404, 422), url


def test_paper_form_from_registry_and_issue(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    spec = clerk.get(f"/api/cases/{CASE}/papers/处理意见书").json()
    kinds = {f["名称"]: f["类型"] for f in spec["字段"]}
    assert kinds["办理结果"] == "choice" and kinds["事实和理由"] == "long"
    assert next(f for f in spec["字段"] if f["名称"] == "办理结果")["可选值"] == [
        "支持",
        "部分支持",  # its own answer since the papers work (issue 14)
        "解释说明",
        "不予支持",
    ]
    assert {"名称": "案件编号", "值": CASE} in spec["案件值"]
    page = clerk.get(f"/cases/{CASE}/papers/new?type=处理意见书").text
    assert 'name="f_outcome"' in page and "<option >解释说明</option>" in page
    r = clerk.post(f"/cases/{CASE}/papers", {"type": "处理意见书", "f_opinion": "依法答复"})
    assert r.status_code == 422 and "请填写：" in r.text and "事实和理由" in r.text
    assert _count(web_ws, Document) == 0
    r = clerk.post(f"/cases/{CASE}/papers", {"type": "受理告知书", "f_contact": "周明"})
    assert r.status_code == 200 and "已制发受理告知书 某信交受〔" in r.text
    with web_ws.session() as session:
        doc = session.scalars(select(Document)).one()
        actor = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.action == "paper-make")
        ).one()
    assert doc.doc_no and doc.doc_no in clerk.get(f"/cases/{CASE}").text
    assert actor == "wenshu"
    assert clerk.get(f"/files/{doc.id}").content[:5] == b"%PDF-"
    assert clerk.get(f"/files/{doc.id}?fmt=docx").content[:2] == b"PK"


def test_check_edit_visit_and_api_twins(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    check = clerk.get(f"/api/cases/{CASE}/check").json()
    assert check["ok"] is False and check["lines"]
    assert check["lines"][0] in clerk.get(f"/cases/{CASE}/check").text
    version = clerk.get(f"/api/cases/{CASE}").json()["版本"]
    r = clerk.post(
        f"/cases/{CASE}/edit", {"version": version, "handler": "周明", "status": "办理中"}
    )
    assert r.status_code == 200 and "已修改 1 个字段" in r.text
    assert clerk.get(f"/api/cases/{CASE}").json()["承办人"] == "周明"
    r = clerk.post(f"/cases/{CASE}/edit", {"version": version, "handler": "李四"})
    assert r.status_code == 400 and "已被他人修改" in r.text
    r = clerk.post(f"/cases/{CASE}/visit", {"visited_on": "2024-10-08", "method": "上门",
                                             "attitude": "满意", "visitors": "周明"})  # fmt: skip
    assert "已登记回访" in r.text
    assert clerk.get(f"/api/cases/{CASE}").json()["回访记录"][-1]["方式"] == "上门"
    with web_ws.session() as session:
        actors = set(session.scalars(select(AuditEntry.actor).where(
            AuditEntry.action.in_(("case-edit", "case-visit", "login")))))  # fmt: skip
    assert actors == {"wenshu"}


def test_search_page_and_api(as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    data = clerk.get("/api/search?q=工资&category=劳动保障").json()
    assert data["总数"] >= 1 and all(h["案件编号"] for h in data["结果"])
    assert "片段" not in data["结果"][0] and data["结果"][0]["高亮"]
    page = clerk.get("/search?q=工资").text
    assert "<mark>工资</mark>" in page
    r = clerk.get("/api/search?q=工资&from=2024-13-01")
    assert r.status_code == 400 and "日期格式" in r.json()["error"]


def test_openapi_lists_the_api(as_role) -> None:  # type: ignore[no-untyped-def]
    paths = as_role("lingdao").get("/api/openapi.json").json()["paths"]
    assert {"/api/cases", "/api/cases/{case_no}", "/api/search"} <= set(paths)


def test_user_cli_add_list_disable(web_ws, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import Cli

    run = Cli(web_ws)
    monkeypatch.setenv("NEW_PW", "another-pass-9")
    assert "已添加用户 周明（档案）" in run("user", "add", "周明", "--role", "档案",
                                            "--password-env", "NEW_PW").output  # fmt: skip
    r = run("user", "add", "周明", "--role", "档案", "--password-env", "NEW_PW", ok=False)
    assert r.exit_code == 1 and "已存在" in r.output
    monkeypatch.setenv("SHORT_PW", "short")
    r = run("user", "add", "李四", "--role", "文书", "--password-env", "SHORT_PW", ok=False)
    assert "密码至少 8 个字符" in r.output
    rows = json.loads(run("user", "list", "--json").output)
    assert {"用户名": "周明", "角色": "档案"}.items() <= next(
        u for u in rows if u["用户名"] == "周明"
    ).items()
    b = Browser(TestClient(create_app(web_ws)))
    assert b.login("周明", "another-pass-9").status_code == 303
    run("user", "disable", "周明")
    assert b.client.get("/api/cases").status_code == 401  # the open session ends too
    assert (
        Browser(TestClient(create_app(web_ws))).login("周明", "another-pass-9").status_code == 401
    )
    with web_ws.session() as session:
        hashes = [u for u in session.execute(select(AuditEntry.detail)).scalars() if u]
    assert not any("another-pass" in h for h in hashes)


def test_paper_types_json_has_field_kinds(run) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(run("paper", "types", "--json").output)
    kinds = {f["类型"] for r in rows for f in r["字段"]}
    assert kinds == {"text", "long", "date", "datetime", "choice", "number"}


def test_archivist_builds_the_dossier(web_ws, as_role, tmp_path) -> None:  # type: ignore[no-untyped-def]
    archivist = as_role("dangan")
    r = archivist.post(f"/cases/{CASE}/dossier", {})
    assert r.status_code == 400 and "还没有任何材料" in r.text
    clerk = as_role("wenshu")
    assert clerk.post(f"/cases/{CASE}/papers", {"type": "受理告知书"}).status_code == 200
    r = archivist.post(f"/cases/{CASE}/dossier", {})
    assert r.status_code == 422 and "勾选“材料不全也组卷”" in r.text and "【缺失】" in r.text
    r = archivist.post(f"/cases/{CASE}/dossier", {"allow_incomplete": "1"})
    assert r.status_code == 200 and "已组卷" in r.text
    with web_ws.session() as session:
        doc = session.scalars(select(Document).where(Document.kind == "卷宗")).one()
        actor = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.action == "dossier_build")
        ).one()
    assert actor == "dangan"
    assert archivist.get(f"/files/{doc.id}").content[:5] == b"%PDF-"


def test_admin_adds_and_disables_users_in_the_browser(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    r = admin.post("/admin/users", {"name": "赵敏", "role": "领导", "password": "zhao-min-pass"})
    assert r.status_code == 200 and "已添加用户 赵敏（领导）" in r.text
    r = admin.post("/admin/users", {"name": "钱", "role": "皇帝", "password": "long-enough-1"})
    assert r.status_code == 400 and "角色“皇帝”无效" in r.text
    zhao = Browser(TestClient(create_app(web_ws)))
    assert zhao.login("赵敏", "zhao-min-pass").status_code == 303
    r = admin.post("/admin/users/赵敏/disable")
    assert "已停用用户 赵敏" in r.text
    r = admin.post("/admin/users/admin/disable")
    assert r.status_code == 400 and "不能停用自己的账号" in r.text


def test_user_add_prompts_without_echo(web_ws) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from docgen.cli import cli

    result = CliRunner().invoke(
        cli, ["-w", str(web_ws.root), "user", "add", "孙丽", "--role", "文书"],
        input="sun-li-pass\nsun-li-pass\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "sun-li-pass" not in result.output and "已添加用户 孙丽（文书）" in result.output
    assert Browser(TestClient(create_app(web_ws))).login("孙丽", "sun-li-pass").status_code == 303


def test_no_page_loads_anything_from_the_internet(as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    assert clerk.get("/api/docs").status_code == 404  # Swagger UI would fetch from a CDN
    for url in ("/cases", f"/cases/{CASE}", "/search?q=工资", f"/cases/{CASE}/papers/new"):
        page = clerk.get(url).text
        assert "http://" not in page and "https://" not in page, url


class _EditForm(HTMLParser):
    """The values the edit form of a case page would submit unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "form":
            self._in_form = (a.get("action") or "").endswith("/edit")
        if not self._in_form:
            return
        if tag == "input" and a.get("name") and a.get("name") != "csrf_token":
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a["name"]
            self.values[self._select] = ""
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = "\0"  # the option's text follows
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[self._textarea] = ""

    def handle_data(self, data) -> None:  # type: ignore[no-untyped-def]
        if self._select and self.values.get(self._select) == "\0":
            self.values[self._select] = data
        elif self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag) -> None:  # type: ignore[no-untyped-def]
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def test_the_edit_form_sent_back_unchanged_changes_nothing(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    for case_no in ("XF2024-0001", "XF2024-0007", "XF2024-0012"):
        before = clerk.get(f"/api/cases/{case_no}").json()
        parser = _EditForm()
        parser.feed(clerk.get(f"/cases/{case_no}").text)
        assert "handler" in parser.values and "version" in parser.values
        sent = {k: v.replace("\n", "\r\n") for k, v in parser.values.items()}  # as browsers do
        r = clerk.post(f"/cases/{case_no}/edit", sent)
        assert "没有改动" in r.text, case_no
        after = clerk.get(f"/api/cases/{case_no}").json()
        assert {k: v for k, v in after.items() if k != "版本"} == {
            k: v for k, v in before.items() if k != "版本"
        }


def test_ledger_pages_follow_edits_and_imports(as_role, tmp_path) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    closed = clerk.get("/api/cases?status=已办结").json()["总数"]
    open_case = clerk.get("/api/cases?status=办理中").json()["案件"][0]["案件编号"]
    version = clerk.get(f"/api/cases/{open_case}").json()["版本"]
    clerk.post(f"/cases/{open_case}/edit", {"version": version, "status": "已办结",
                                           "closed_on": "2024-12-01"})  # fmt: skip
    assert clerk.get("/api/cases?status=已办结").json()["总数"] == closed + 1
    ledger = write_ledger(
        tmp_path / "l.xlsx", [good_row(7, 信访件编号="XF2024-0002", 目前状态="已办结")]
    )
    clerk.client.post("/cases/import", data={"csrf_token": clerk.token},
                      files={"file": ("l.xlsx", ledger.read_bytes())})  # fmt: skip
    assert clerk.get("/api/cases?status=已办结").json()["总数"] == closed + 2
    last = clerk.get("/api/cases?page=99").json()
    assert last["页码"] == last["页数"] == 1


def test_paper_preview_stores_nothing_and_takes_no_number(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    r = clerk.post(f"/cases/{CASE}/papers/preview", {"type": "受理告知书", "f_contact": "周明"})
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"
    assert r.headers["content-disposition"].startswith("inline")
    assert _count(web_ws, Document) == 0
    r = clerk.post(f"/cases/{CASE}/papers/preview", {"type": "处理意见书"})
    assert r.status_code == 422 and "尚未预览处理意见书，请填写：" in r.text
    assert as_role("lingdao").post(f"/cases/{CASE}/papers/preview",
                                   {"type": "受理告知书"}).status_code == 403  # fmt: skip
    clerk.post(f"/cases/{CASE}/papers", {"type": "受理告知书"})
    with web_ws.session() as session:
        assert session.scalars(select(Document.doc_no)).one().endswith("〕1号")


def test_archivist_seals_the_dossier_when_the_office_has_a_seal(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    from docgen.archive.sealing import make_office_seal

    archivist = as_role("dangan")
    assert 'name="seal"' not in archivist.get(f"/cases/{CASE}").text  # no seal yet: no option
    make_office_seal(web_ws)
    assert 'name="seal"' in archivist.get(f"/cases/{CASE}").text
    as_role("wenshu").post(f"/cases/{CASE}/papers", {"type": "受理告知书"})
    r = archivist.post(f"/cases/{CASE}/dossier", {"allow_incomplete": "1", "seal": "1"})
    assert r.status_code == 200 and "已组卷" in r.text and "已盖章" in r.text


def test_case_text_is_escaped_in_pages(web_ws, as_role) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    version = clerk.get(f"/api/cases/{CASE}").json()["版本"]
    clerk.post(f"/cases/{CASE}/edit", {"version": version, "remarks": "<script>alert(1)</script>"})
    page = clerk.get(f"/cases/{CASE}").text
    assert (
        "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    )


def test_ledger_paging(as_role, tmp_path) -> None:  # type: ignore[no-untyped-def]
    clerk = as_role("wenshu")
    rows = [good_row(n, 信访件编号=f"PG-{n}") for n in range(1, 31)]
    clerk.client.post("/cases/import", data={"csrf_token": clerk.token},
                      files={"file": ("p.xlsx", write_ledger(tmp_path / "p.xlsx", rows).read_bytes())})  # fmt: skip
    first, second = (clerk.get(f"/api/cases?page={n}").json() for n in (1, 2))
    assert first["总数"] == 60 and first["页数"] == 2 and len(first["案件"]) == 50
    assert len(second["案件"]) == 10 and second["案件"][-1]["案件编号"] == "XF2024-0030"
    assert [c["案件编号"] for c in first["案件"][:3]] == ["PG-1", "PG-2", "PG-3"]
    page = clerk.get("/cases?unit=&page=2").text
    assert "第 2 / 2 页" in page and 'href="/cases"' in page


def test_search_page_lists_saved_searches_and_refuses_unknown_values(as_role, web_ws) -> None:  # type: ignore[no-untyped-def]
    from docgen.archive.searching import SearchRequest, save_search

    save_search(web_ws, "劳保欠薪", SearchRequest("工资", category="劳动保障"))
    clerk = as_role("wenshu")
    page = clerk.get("/search").text
    assert "保存的检索" in page and "劳保欠薪" in page
    assert "/search?q=%E5%B7%A5%E8%B5%84&amp;category=" in page
    r = clerk.get("/api/search?q=工资&status=在审")
    assert r.status_code == 400 and "状态“在审”不是可选值" in r.json()["error"]
    r = clerk.get("/api/cases?status=在审")
    assert r.status_code == 400 and "办理中" in r.json()["error"]
