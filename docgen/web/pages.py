"""The pages and their JSON twins. Each ``*_data`` function gathers what a page shows by calling the
domain functions the CLI calls; the HTML route renders it, the ``/api`` route returns it.

The director's ``/reports`` page and its twins live in ``docgen.web.reports`` (same pattern).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response

from docgen.archive.case_view import case_dict
from docgen.archive.cases import (
    CaseFilter,
    add_follow_up,
    cases_version,
    edit_case,
    get_case,
    page_cases,
    view,
)
from docgen.archive.filters import DATE_FIELD_NAMES, DEFAULT_DATE_FIELD, check_case_filter
from docgen.archive.ledger_io import load_vocabularies
from docgen.archive.timeline import case_timeline
from docgen.archive.users import ROLES, add_user, authenticate, disable_user, list_users
from docgen.archive.workspace import Workspace, acting_as
from docgen.dates import cn_date
from docgen.errors import NotFoundError, ValidationError
from docgen.index import layout
from docgen.ledger.fields import FIELDS
from docgen.ledger.parse import parse_assignments, parse_date
from docgen.memo import VersionedMemo
from docgen.model import CURRENT, STATE_LABELS, Document
from docgen.papers.registry import CASE_FIELDS, FIELD_KIND_LABELS, get_paper_type, paper_types
from docgen.vocab import (
    ATTITUDES,
    CATEGORIES,
    CATEGORY_GROUPS,
    FLAGS,
    FORMS,
    OUTCOMES,
    SECTION_LABELS,
    SOURCES,
    STATUSES,
)
from docgen.web.app import render
from docgen.web.security import client_of, csrf_token, current, require

router = APIRouter()
PAGE_SIZE = 50
UPLOAD_CHUNK = 1024 * 1024
LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
VISIT_METHODS = ("上门", "电话", "约见")
_CHOICES = {"category": CATEGORIES, "status": STATUSES, "outcome": OUTCOMES, "form": FORMS,
            "source": SOURCES, "bool": ("是", "否")}  # fmt: skip
_LONG = {"demand", "facts", "resolution_measures", "stability_measures", "remarks"}
EDITABLE = [f for f in FIELDS if f.target == "case" and f.name not in {"case_no", "seq"}]
PERSON_FIELDS = [f for f in FIELDS if f.target == "petitioner"]

Csrf = Annotated[str, Form()]  # checked by security.guard; declared so forms document it


def ws_of(request: Request) -> Workspace:
    return request.app.state.ws  # type: ignore[no-any-return]


def back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = [kind, message]


def take_flash(request: Request) -> list[str] | None:
    return request.session.pop("flash", None)


# --- sign in / out ------------------------------------------------------------------------------


@router.get("/login", include_in_schema=False)
def login_page(request: Request) -> Response:
    if request.session.get("user"):
        return back("/cases")
    return render(request, "login.html", {"error": None, "username": ""})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    ws = ws_of(request)
    throttle = request.app.state.throttle
    client = client_of(request)
    mark = throttle.begin(username, client)  # counted as a failure until it succeeds
    with ws.session() as session:
        user = authenticate(session, username, password)
    if user is None:
        ctx = {"error": "用户名或密码不正确（或账号已停用）", "username": username[:32]}
        return render(request, "login.html", ctx, 401)
    throttle.succeeded(username, client, mark)
    request.session.clear()  # a fresh session (and CSRF token) for the signed-in user
    request.session["user"] = user.name
    csrf_token(request)
    acting_as(user.name)
    ws.audit("login", target=user.name)
    return back("/cases")


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf_token: Csrf = "") -> Response:
    ws_of(request).audit("logout", target=current(request).name)
    request.session.clear()
    return back("/login")


@router.get("/", include_in_schema=False)
def home() -> Response:
    return back("/cases")


# --- the ledger ---------------------------------------------------------------------------------


def _filter(status, category, group, unit, leader, flag, overdue) -> CaseFilter:  # type: ignore[no-untyped-def]
    return CaseFilter(status=status or None, category=category or None, unit=unit or None,
                      leader=leader or None, overdue=bool(overdue), group=group or None,
                      flag=flag or None)  # fmt: skip


_LEDGER_PAGES: VersionedMemo[dict[str, Any]] = VersionedMemo(64)  # by cases_version


def cases_data(ws: Workspace, flt: CaseFilter, page: int) -> dict[str, Any]:
    """One page of the ledger (the same for every role: no personal data but names), remembered
    until the cases table changes or the day does (deadlines count days); without a query while
    nothing at all was committed to the catalog."""
    flt = check_case_filter(ws, flt)
    key = ("ledger page", flt, page, dt.date.today())
    return ws.cached(key, lambda: _ledger_page(ws, flt, page))


def _ledger_page(ws: Workspace, flt: CaseFilter, page: int) -> dict[str, Any]:
    with ws.read_session() as session:
        version = cases_version(session)
    key = (str(ws.root), flt, page, dt.date.today())
    return _LEDGER_PAGES.get(key, version, lambda: _cases_data(ws, flt, page))


def _cases_data(ws: Workspace, flt: CaseFilter, page: int) -> dict[str, Any]:
    with ws.read_session() as session:
        result = page_cases(session, ws.calendar, flt, max(page, 1), PAGE_SIZE)
        total = result.total
        pages = max(1, math.ceil(total / PAGE_SIZE))
        if page > pages:  # past the end: show the last page
            page = pages
            result = page_cases(session, ws.calendar, flt, page, PAGE_SIZE)
        rows = [case_dict(v) for v in result.views]
    return {"总数": total, "页码": page, "页数": pages, "每页": PAGE_SIZE, "案件": rows}


class CaseQuery:
    """The ledger filters as query parameters (shared by /cases, /api/cases and the export)."""

    def __init__(
        self,
        status: str = "",
        category: str = "",
        group: str = "",
        unit: str = "",
        leader: str = "",
        flag: str = "",
        overdue: str = "",
        page: int = 1,
    ) -> None:
        self.params = {"status": status, "category": category, "group": group, "unit": unit,
                       "leader": leader, "flag": flag, "overdue": overdue}  # fmt: skip
        self.page = page

    @property
    def filter(self) -> CaseFilter:
        return _filter(**self.params)

    def query_string(self, **changes: object) -> str:
        from urllib.parse import urlencode

        merged = {**self.params, "page": self.page, **changes}
        kept = {k: v for k, v in merged.items() if v not in ("", None)}
        if kept.get("page") == 1:
            del kept["page"]
        return urlencode(kept)


@router.get(
    "/api/cases", summary="台账（筛选：status category group unit leader flag overdue；page 分页）"
)
def api_cases(request: Request) -> Response:
    q = _q(request)
    return cached_json(cases_data(ws_of(request), q.filter, q.page))


def _q(request: Request) -> CaseQuery:
    p = request.query_params
    try:
        page = max(1, int(p.get("page", "1")))
    except ValueError:
        page = 1
    names = ("status", "category", "group", "unit", "leader", "flag", "overdue")
    return CaseQuery(*(p.get(n, "") for n in names), page=page)  # type: ignore[misc]


@router.get("/cases", include_in_schema=False)
def cases_page(request: Request) -> Response:
    q = _q(request)
    data = cases_data(ws_of(request), q.filter, q.page)
    return render(request, "cases.html", {
        "data": data, "q": q, "statuses": STATUSES, "categories": CATEGORIES,
        "groups": sorted(set(CATEGORY_GROUPS.values())), "flags": FLAGS,
        "flash": take_flash(request), "report": None, "rows_html": rows_html(request, data),
    })  # fmt: skip


_DERIVED: OrderedDict[tuple[int, str], tuple[dict[str, Any], Any]] = OrderedDict()
_DERIVED_SIZE = 256
_DERIVED_LOCK = threading.Lock()


def derived(data: dict[str, Any], name: str, make: Any) -> Any:
    """``make(data)`` once per cached page or search result (its HTML rows, its JSON bytes): the
    cached object keys it, and is kept alive beside what was made of it."""
    key = (id(data), name)
    with _DERIVED_LOCK:
        hit = _DERIVED.get(key)
        if hit is not None and hit[0] is data:
            return hit[1]
    value = make(data)
    with _DERIVED_LOCK:
        _DERIVED[key] = (data, value)
        while len(_DERIVED) > _DERIVED_SIZE:
            _DERIVED.popitem(last=False)
    return value


def rows_html(request: Request, data: dict[str, Any]) -> Any:
    """The ledger table's rows (the same for every user), rendered once per page of data."""
    from markupsafe import Markup

    template = request.app.state.templates.get_template("cases_rows.html")
    return derived(data, "rows", lambda d: Markup(template.render(data=d)))


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def cached_json(data: dict[str, Any]) -> Response:
    body = derived(data, "json", lambda d: json.dumps(d, ensure_ascii=False,
                                                      default=_json_default).encode())  # fmt: skip
    return Response(body, media_type="application/json")


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _upload_name(filename: str) -> str:
    """The sender's file name, made safe for a private temporary folder (messages quote it)."""
    name = _UNSAFE_NAME.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).lstrip(". ")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem[:60] or "上传文件"
    return f"{stem}.{suffix[:8]}" if suffix else stem


def _save_upload(
    upload: UploadFile, folder: Path, limit: int, suffixes: tuple[str, ...] | None
) -> Path:
    """An uploaded file → a file in ``folder`` under a name we choose (only the suffix is kept)."""
    suffix = Path(upload.filename or "").suffix.lower()
    if suffixes is not None and suffix not in suffixes:
        raise ValidationError(f"文件类型不支持：请上传 {'、'.join(suffixes)} 文件")
    target = folder / _upload_name(upload.filename or "")
    size = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(UPLOAD_CHUNK):
            size += len(chunk)
            if size > limit:
                raise ValidationError(f"文件过大：上限 {limit // (1024 * 1024)} MB")
            out.write(chunk)
    if size == 0:
        raise ValidationError("上传的文件是空的")
    return target


def import_data(ws: Workspace, upload: UploadFile, skip_invalid: bool) -> dict[str, Any]:
    from docgen.archive.attachments import max_bytes_setting
    from docgen.archive.ledger_io import import_ledger

    with tempfile.TemporaryDirectory(prefix="docgen-upload-") as tmp:
        path = _save_upload(upload, Path(tmp), max_bytes_setting(), LEDGER_SUFFIXES)
        errors_out = Path(tmp) / "errors.xlsx"
        result = import_ledger(ws, path, skip_invalid=skip_invalid, errors_out=errors_out)
    data = asdict(result)
    data["file"] = upload.filename
    data["error_file"] = None
    data["errors"] = [{"row": e.row, "column": e.column, "message": e.message, "text": str(e)}
                      for e in result.errors]  # fmt: skip
    data["written"] = not result.errors or skip_invalid
    return data


@router.post("/api/cases/import", summary="导入台账（全部合格才导入，或只导入合格的行）")
def api_import(
    request: Request,
    file: Annotated[UploadFile, File()],
    skip_invalid: Annotated[bool, Form()] = False,
) -> Response:
    require(request, "edit")
    from fastapi.responses import JSONResponse

    data = import_data(ws_of(request), file, skip_invalid)
    return JSONResponse(data, status_code=200 if data["written"] else 422)


@router.post("/cases/import", include_in_schema=False)
def import_page(
    request: Request,
    file: Annotated[UploadFile, File()],
    skip_invalid: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    require(request, "edit")
    report = import_data(ws_of(request), file, bool(skip_invalid))
    q = _q(request)
    data = cases_data(ws_of(request), q.filter, 1)
    return render(request, "cases.html", {
        "data": data, "q": q, "statuses": STATUSES, "categories": CATEGORIES,
        "groups": sorted(set(CATEGORY_GROUPS.values())), "flags": FLAGS,
        "flash": None, "report": report, "rows_html": rows_html(request, data),
    }, 200 if report["written"] else 422)  # fmt: skip


@router.get("/cases/export", summary="导出台账（Excel，按当前筛选）")
def export_download(request: Request) -> Response:
    from docgen.archive.ledger_io import export_ledger

    ws = ws_of(request)
    flt = check_case_filter(ws, _q(request).filter)
    fd, name = tempfile.mkstemp(prefix="docgen-export-", suffix=".xlsx")
    os.close(fd)
    out = Path(name)
    count = export_ledger(ws, out, flt)
    ws.audit("ledger-export", detail=f"{count} 件")
    from starlette.background import BackgroundTask

    name = f"信访积案台账-{dt.date.today():%Y%m%d}.xlsx"
    return FileResponse(out, filename=name, background=BackgroundTask(out.unlink, missing_ok=True),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip


# --- one case -----------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _document_row(d: Document, signed: set[int], kinds: Any) -> dict[str, Any]:
    """One row of the case's documents: a paper with its 状态 (有效 / 旧版 / 作废, as the CLI's
    ``case show``), what may still be done with it, and where to download it (by catalog id)."""
    meta = d.meta or {}
    paper = d.kind in kinds and bool(meta.get("docx")) and d.signed_of_id is None
    state = "签字件" if d.signed_of_id is not None else STATE_LABELS.get(d.state, d.state)
    return {"id": d.id, "六有分类": d.section, "类型": d.kind,
            "文号": d.doc_no or meta.get("文号"), "题名": d.title, "日期": d.doc_date,
            "页数": d.pages, "格式": Path(d.path).suffix.lstrip(".").upper(),
            "有docx": bool(meta.get("docx")), "状态": state, "版本": d.version,
            "作废原因": d.void_reason, "文书": paper,
            "可作废": paper and d.state == CURRENT and d.section != 0,
            "可更正": paper and d.state == CURRENT and d.section != 0 and d.id not in signed}  # fmt: skip


def case_data(ws: Workspace, case_no: str, *, show_personal: bool) -> dict[str, Any]:
    """What the case page shows, remembered until the next commit to the catalog (or the day
    changes: deadlines count days; or the workspace's paper types do). Not to be changed."""
    kinds = paper_types(ws.templates_dir)
    today = dt.date.today()
    key = ("case page", case_no, show_personal, today, tuple(kinds))
    return ws.cached(key, lambda: _case_data(ws, case_no, show_personal, today, kinds))


def _case_data(
    ws: Workspace, case_no: str, show_personal: bool, today: dt.date, kinds: Any
) -> dict[str, Any]:
    with ws.read_session() as session:
        case = get_case(session, case_no, full=True)
        v = view(case, ws.calendar, today)
        data = case_dict(v, show_personal=show_personal, full=True)
        data["时限"] = v.deadlines.due  # in force (extended when approved); 办结时限 is as entered
        docs = sorted(case.documents, key=lambda d: (d.section, d.doc_date or dt.date.min, d.id))
        signed = {d.signed_of_id for d in docs if d.signed_of_id is not None}
        data["文书与材料"] = [_document_row(d, signed, kinds) for d in docs]
        data["时间线"] = [e.as_dict() for e in case_timeline(session, case)]
        data["编辑字段"] = [
            {"name": f.name, "label": f.label, "value": _shown(getattr(case, f.name)),
             "kind": f.kind, "choices": _CHOICES.get(f.kind, ()), "long": f.name in _LONG}
            for f in EDITABLE
        ]  # fmt: skip
        data["信访人姓名"] = case.petitioners[0].name if case.petitioners else ""
    return data


def _may_unmask(request: Request) -> bool:
    if request.query_params.get("show_personal") not in ("1", "true"):
        return False
    require(request, "unmask")
    return True


@router.get(
    "/api/cases/{case_no}", summary="一件案件（个人信息默认打码；领导可加 show_personal=1）"
)
def api_case(request: Request, case_no: str) -> dict[str, Any]:
    return case_data(ws_of(request), case_no, show_personal=_may_unmask(request))


@router.get("/cases/{case_no}", include_in_schema=False)
def case_page(request: Request, case_no: str) -> Response:
    from docgen.archive.sealing import keys_dir, seal_path

    ws = ws_of(request)
    show = _may_unmask(request)
    data = case_data(ws, case_no, show_personal=show)
    return render(request, "case.html", {
        "c": data, "case_no": case_no, "show_personal": show, "flash": take_flash(request),
        "paper_types": list(paper_types(ws.templates_dir)), "sections": {int(s): lbl for s, lbl in SECTION_LABELS.items()},
        "attitudes": ATTITUDES, "methods": VISIT_METHODS, "person_fields": PERSON_FIELDS,
        "has_seal": seal_path(ws).is_file(), "has_keys": keys_dir(ws).is_dir(),
        "today": dt.date.today().isoformat(), "check": None,
    })  # fmt: skip


@router.post("/cases/{case_no}/edit", include_in_schema=False)
async def case_edit(request: Request, case_no: str) -> Response:
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    from starlette.concurrency import run_in_threadpool

    count = await run_in_threadpool(_edit, request, case_no, fields)
    flash(request, f"已修改 {count} 个字段" if count else "没有改动")
    return back(f"/cases/{case_no}")


def _edit(request: Request, case_no: str, form: dict[str, str]) -> int:
    require(request, "edit")
    ws = ws_of(request)
    acting_as(current(request).name)
    form = {k: v.replace("\r\n", "\n").strip() for k, v in form.items()}  # browsers send CRLF
    with ws.session() as session:
        case = get_case(session, case_no)
        pairs = [f"{f.label}={form[f.name]}" for f in EDITABLE
                 if f.name in form and form[f.name] != _shown(getattr(case, f.name)).strip()]  # fmt: skip
        for f in PERSON_FIELDS:
            value = form.get(f"p_{f.name}", "").strip()
            current_value = case.petitioners[0].name if case.petitioners else ""
            if value and not (f.name == "name" and value == current_value):
                pairs.append(f"{f.label}={value}")
    if not pairs:
        return 0
    values, person = parse_assignments(pairs, load_vocabularies(ws))
    try:
        version = int(form.get("version", ""))
    except ValueError:
        raise ValidationError("缺少案件版本，请重新打开案件后再修改") from None
    with ws.session() as session:
        edit_case(session, case_no, values, person, expected_version=version)
        ws.audit("case-edit", target=case_no, detail="、".join(sorted(values | person)),
                 session=session)  # fmt: skip
    ws.cases_changed([case_no])
    return len(values) + len(person)


@router.post("/cases/{case_no}/visit", include_in_schema=False)
def case_visit(
    request: Request,
    case_no: str,
    visited_on: Annotated[str, Form()] = "",
    method: Annotated[str, Form()] = "",
    visitors: Annotated[str, Form()] = "",
    attitude: Annotated[str, Form()] = "",
    content: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    require(request, "edit")
    ws = ws_of(request)
    try:
        day = parse_date(visited_on)
    except ValueError as exc:
        raise ValidationError(f"回访日期：{exc}") from None
    if method and method not in VISIT_METHODS:
        raise ValidationError(f"回访方式只能是：{'、'.join(VISIT_METHODS)}")
    with ws.session() as session:
        add_follow_up(session, case_no, visited_on=day, method=method or None,
                      visitors=visitors or None, attitude=attitude or None,
                      content=content or None)  # fmt: skip
        ws.audit("case-visit", target=case_no, session=session)
    flash(request, f"已登记回访（{cn_date(day)}）")
    return back(f"/cases/{case_no}")


@router.post("/cases/{case_no}/attach", include_in_schema=False)
def case_attach(
    request: Request,
    case_no: str,
    file: Annotated[UploadFile, File()],
    section: Annotated[int, Form(ge=1, le=6)],
    title: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "",
    doc_date: Annotated[str, Form()] = "",
    author: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    require(request, "edit")
    result = attach_upload(ws_of(request), case_no, file, section, title, kind, doc_date, author)
    flash(request, f"已附加“{title}”（{result.pages} 页）")
    return back(f"/cases/{case_no}")


def attach_upload(ws: Workspace, case_no: str, upload: UploadFile, section: int, title: str,
                  kind: str, doc_date: str, author: str):  # type: ignore[no-untyped-def]  # fmt: skip
    """An uploaded scan → ``archive.attachments.attach`` (the CLI's validation: type by content,
    size limit, duplicates refused)."""
    from docgen.archive.attachments import DEFAULT_KIND, AttachRequest, attach, max_bytes_setting

    if not title.strip():
        raise ValidationError("请填写题名")
    try:
        day = parse_date(doc_date) if doc_date.strip() else None
    except ValueError as exc:
        raise ValidationError(f"日期：{exc}") from None
    get_case_exists(ws, case_no)
    with tempfile.TemporaryDirectory(prefix="docgen-upload-") as tmp:
        path = _save_upload(upload, Path(tmp), max_bytes_setting(), None)
        request = AttachRequest(case_no, path, section, title.strip(), kind.strip() or DEFAULT_KIND,
                                day, author.strip() or None)  # fmt: skip
        return attach(ws, request)


def get_case_exists(ws: Workspace, case_no: str) -> None:
    with ws.read_session() as session:
        get_case(session, case_no)


@router.get("/files/{doc_id}", summary="下载案件文件（仅限目录中登记的文件）")
def download(request: Request, doc_id: int, fmt: str = "pdf") -> Response:
    """The file of a cataloged Document: the path comes from the catalog, never from the request."""
    ws = ws_of(request)
    with ws.read_session() as session:
        doc = session.get(Document, doc_id)
        if doc is None:
            raise NotFoundError(f"文件 {doc_id} 不存在")
        rel = (doc.meta or {}).get("docx") if fmt == "docx" else doc.path
        title, case_no = doc.title, doc.case.case_no
    if not rel:
        raise NotFoundError("该文件没有 Word 版本")
    root = Path(ws.root).resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFoundError("文件已不在档案目录中（请运行 docgen verify 检查）")
    ws.audit("file-download", target=case_no, detail=f"文档{doc_id} {path.suffix}")
    return FileResponse(path, filename=f"{case_no}-{title[:40]}{path.suffix}")


# --- 六有 check and the dossier -------------------------------------------------------------------


def check_data(ws: Workspace, case_no: str) -> dict[str, Any]:
    from docgen.archive.dossier.build import check_workspace_case

    report = check_workspace_case(ws, case_no)
    return {**report.to_dict(), "lines": report.lines(), "ok": report.ok}


@router.get("/api/cases/{case_no}/check", summary="六有材料检查")
def api_check(request: Request, case_no: str) -> dict[str, Any]:
    return check_data(ws_of(request), case_no)


@router.get("/cases/{case_no}/check", include_in_schema=False)
def check_page(request: Request, case_no: str) -> Response:
    data = check_data(ws_of(request), case_no)
    return render(request, "check.html", {"case_no": case_no, "check": data})


@router.post("/cases/{case_no}/dossier", include_in_schema=False)
def dossier_build(
    request: Request,
    case_no: str,
    allow_incomplete: Annotated[str, Form()] = "",
    archive_stamp: Annotated[str, Form()] = "",
    seal: Annotated[str, Form()] = "",
    sign: Annotated[str, Form()] = "",
    passphrase: Annotated[str, Form()] = "",
    replace_signed: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    user = require(request, "dossier")
    from docgen.archive.dossier.build import BuildOptions, DossierIncomplete, issue_dossier
    from docgen.archive.sealing import Sealing

    ws = ws_of(request)
    sealing = Sealing(sign=bool(sign), passphrase=passphrase or None) if seal or sign else None
    options = BuildOptions(
        bool(allow_incomplete),
        bool(archive_stamp),
        filer=user.name,
        replace_signed=bool(replace_signed),
    )  # 立卷人: the signed-in user
    try:
        result = issue_dossier(ws, case_no, options, sealing=sealing)
    except DossierIncomplete as exc:
        report = exc.report
        check = {**report.to_dict(), "lines": report.lines(), "ok": report.ok}
        message = (f"六有材料不全（{len(report.errors)} 项缺失），未组卷；补齐后重试，"
                   "或勾选“材料不全也组卷”（备考表中注明缺失）")  # fmt: skip
        return render(request, "check.html", {"case_no": case_no, "check": check,
                                              "error": message}, 422)  # fmt: skip
    message = f"已组卷：{result.items} 件 {result.pages} 页"
    if sealing:
        message += "，已签名" if sign else "，已盖章"
    flash(request, message)
    return back(f"/cases/{case_no}")


# --- papers -------------------------------------------------------------------------------------


def paper_types_data(ws: Workspace) -> list[dict[str, Any]]:
    """Every paper type's form, from the declarations (bundled and the workspace's own)."""
    return [
        {"类型": p.name, "六有分类": int(p.section), "文号": p.code_suffix is not None,
         "字段": [{"key": f.key, "名称": f.label, "类型": f.kind, "类型名": FIELD_KIND_LABELS[f.kind],
                   "必填": f.required, "默认值": None if f.required else f.default,
                   "可选值": list(f.choices)} for f in p.fields],
         "案件字段": [CASE_FIELDS[k] for k in p.case_fields]}
        for p in paper_types(ws.templates_dir).values()
    ]  # fmt: skip


@router.get(
    "/api/paper-types", summary="文书类型及字段（字段类型：text/long/date/datetime/choice/number）"
)
def api_paper_types(request: Request) -> list[dict[str, Any]]:
    return paper_types_data(ws_of(request))


def paper_form_data(ws: Workspace, case_no: str, type_name: str) -> dict[str, Any]:
    from docgen.papers.context import case_context

    paper = get_paper_type(type_name, ws.templates_dir)
    with ws.read_session() as session:
        case = get_case(session, case_no)
        ctx = case_context(case, ws.calendar, org_name=ws.settings.org, today=dt.date.today())
    spec = next(p for p in paper_types_data(ws) if p["类型"] == paper.name)
    case_values = [
        {"名称": CASE_FIELDS[k], "值": _context_text(ctx.get(k))} for k in paper.case_fields
    ]
    return {**spec, "案件编号": case_no, "案件值": case_values,
            "缺少的案件值": [v["名称"] for v in case_values if not v["值"]]}  # fmt: skip


def _context_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "；".join(_context_text(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{v}" for k, v in value.items() if v)
    return str(value)


@router.get("/api/cases/{case_no}/papers/{type_name}", summary="文书表单：字段与案件中的值")
def api_paper_form(request: Request, case_no: str, type_name: str) -> dict[str, Any]:
    return paper_form_data(ws_of(request), case_no, type_name)


@router.get("/cases/{case_no}/papers/new", include_in_schema=False)
def paper_form(request: Request, case_no: str, type: str = "交办函") -> Response:
    require(request, "paper")
    data = paper_form_data(ws_of(request), case_no, type)
    return _paper_page(request, case_no, data, {}, None)


def _paper_page(request: Request, case_no: str, data: dict[str, Any], values: dict[str, str],
                error: str | None, revising: dict[str, Any] | None = None) -> Response:  # fmt: skip
    """The paper form: to issue a new paper, or (``revising``) to correct an issued one."""
    return render(request, "paper.html", {
        "p": data, "case_no": case_no, "values": values, "error": error, "revising": revising,
        "user_name": current(request).name, "today": dt.date.today().isoformat(),
    }, 422 if error else 200)  # fmt: skip


async def _form_fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v.replace("\r\n", "\n") for k, v in form.items() if isinstance(v, str)}


@router.post("/cases/{case_no}/papers", include_in_schema=False)
async def paper_issue(request: Request, case_no: str) -> Response:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_issue, request, case_no, await _form_fields(request))


def _clerk_values(request: Request, type_name: str, form: dict[str, str]):  # type: ignore[no-untyped-def]
    """The clerk's values of the form (blank ones left to the registry's defaults); a blank
    填发人 is the signed-in user, never the server's OS login."""
    paper = get_paper_type(type_name, ws_of(request).templates_dir)
    values = {f.label: form[f"f_{f.key}"].strip() for f in paper.fields
              if form.get(f"f_{f.key}", "").strip()}  # fmt: skip
    if any(f.label == "填发人" for f in paper.fields) and not values.get("填发人"):
        values["填发人"] = current(request).name
    return paper, values


def _paper_day(form: dict[str, str]) -> dt.date | None:
    raw = form.get("doc_date", "").strip()
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise ValidationError(f"成文日期：{exc}") from None


def _make_options(form: dict[str, str]):  # type: ignore[no-untyped-def]
    from docgen.archive.papers import MakeOptions

    return MakeOptions(new=bool(form.get("new")), force=bool(form.get("force")),
                       allow_blank=bool(form.get("allow_blank")))  # fmt: skip


_WEB_HINTS = {  # the library names the CLI's options; the form has boxes for them
    "paper_exists": "更正或作废请在案件页的“文书与材料”中操作；确需再发一份请勾选“再发一份（新文号）”",
    "date_conflict": "请改正成文日期；确需如此请勾选“日期与案件矛盾时仍然制发”（原因记入审计日志）",
    "case_value_missing": "请先在案件页“修改案件字段”中补齐，或勾选“缺少的字段留空（手工填写）”",
}


def web_message(exc: ValidationError) -> str:
    """A paper's refusal as the form says it: the library's finding, then what to do on the page."""
    hint = _WEB_HINTS.get(exc.code or "")
    if hint is None:
        return exc.message
    cut = {
        "paper_exists": "。更正请用",
        "date_conflict": "。请改用",
        "case_value_missing": "；用 case edit",
    }
    return exc.message.split(cut[exc.code or ""])[0] + "。" + hint  # type: ignore[index]


@router.post("/cases/{case_no}/papers/preview", include_in_schema=False)
async def paper_preview(request: Request, case_no: str) -> Response:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_preview, request, case_no, await _form_fields(request))


def _pdf_inline(pdf: bytes, name: str) -> Response:
    from urllib.parse import quote

    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename*=utf-8''{quote(name)}"})  # fmt: skip


def _preview(request: Request, case_no: str, form: dict[str, str]) -> Response:
    """The paper as it would be issued, shown in the browser; nothing stored, no 文号 taken."""
    from docgen.archive.papers import preview_paper

    require(request, "paper")
    ws = ws_of(request)
    paper, values = _clerk_values(request, form.get("type", ""), form)
    if missing := _missing(ws, case_no, paper, values, {**form, "allow_blank": "1"}):
        data = paper_form_data(ws, case_no, paper.name)
        return _paper_page(request, case_no, data, form, missing.replace("制发", "预览", 1))
    try:
        pdf = preview_paper(ws, paper.name, case_no, values, today=_paper_day(form))
    except ValidationError as exc:
        data = paper_form_data(ws, case_no, paper.name)
        return _paper_page(request, case_no, data, form, web_message(exc))
    return _pdf_inline(pdf, f"预览-{paper.name}-{case_no}.pdf")


def _issue(request: Request, case_no: str, form: dict[str, str]) -> Response:
    from docgen.archive.papers import issue_paper

    require(request, "paper")
    acting_as(current(request).name)
    ws = ws_of(request)
    paper, values = _clerk_values(request, form.get("type", ""), form)
    if missing := _missing(ws, case_no, paper, values, form):
        data = paper_form_data(ws, case_no, paper.name)
        return _paper_page(request, case_no, data, form, missing)
    try:
        made = issue_paper(ws, paper.name, case_no, values, today=_paper_day(form),
                          options=_make_options(form))  # fmt: skip
    except ValidationError as exc:
        data = paper_form_data(ws, case_no, paper.name)
        return _paper_page(request, case_no, data, form, web_message(exc))
    flash(request, f"已制发{made.kind} {made.doc_no or ''}（{made.pages} 页）")
    return back(f"/cases/{case_no}")


def _missing(ws: Workspace, case_no: str, paper, values: dict[str, str],  # type: ignore[no-untyped-def]
             form: dict[str, str]) -> str | None:  # fmt: skip
    """Every blank the paper would be refused for — the form's required fields and the case's
    missing values at once — named before anything is issued (None: nothing missing)."""
    fields = [f.label for f in paper.required if not values.get(f.label)]
    case_values = (
        [] if form.get("allow_blank") else paper_form_data(ws, case_no, paper.name)["缺少的案件值"]
    )
    parts = []
    if fields:
        parts.append(f"请填写：{'、'.join(fields)}")
    if case_values:
        parts.append(f"案件中缺少：{'、'.join(case_values)}（{_WEB_HINTS['case_value_missing']}）")
    return f"尚未制发{paper.name}，" + "；".join(parts) if parts else None


def _case_paper(ws: Workspace, case_no: str, doc_id: int) -> dict[str, Any]:
    """An issued paper of this case, named by catalog id (the 文号 a clerk sees is in the row)."""
    from docgen.archive.register import paper_ref

    with ws.read_session() as session:
        doc = session.get(Document, doc_id)
        if (
            doc is None
            or doc.case.case_no != case_no
            or doc.kind not in paper_types(ws.templates_dir)
        ):
            raise NotFoundError(f"案件 {case_no} 没有文书 {doc_id}")
        return {"id": doc.id, "ref": paper_ref(doc), "kind": doc.kind, "doc_no": doc.doc_no,
                "version": doc.version, "date": doc.doc_date, "state": doc.state,
                "meta": dict(doc.meta or {})}  # fmt: skip


@router.get("/cases/{case_no}/papers/{doc_id}/revise", include_in_schema=False)
def revise_form(request: Request, case_no: str, doc_id: int) -> Response:
    """The paper's form again, with the values it was issued with: 更正 keeps the 文号."""
    from docgen.archive.papers import _given_values

    require(request, "paper")
    ws = ws_of(request)
    doc = _case_paper(ws, case_no, doc_id)
    paper = get_paper_type(doc["kind"])
    given = _given_values(paper, doc["meta"])
    values = {f"f_{f.key}": given[f.label] for f in paper.fields if f.label in given}
    values["doc_date"] = doc["date"].isoformat() if doc["date"] else ""
    data = paper_form_data(ws, case_no, paper.name)
    return _paper_page(request, case_no, data, values, None, doc)


@router.post("/cases/{case_no}/papers/{doc_id}/revise", include_in_schema=False)
async def paper_revise(request: Request, case_no: str, doc_id: int) -> Response:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_revise, request, case_no, doc_id, await _form_fields(request))


def _revise(request: Request, case_no: str, doc_id: int, form: dict[str, str]) -> Response:
    """``paper revise``: a new version under the same 文号 (or only its preview)."""
    from docgen.archive.papers import preview_paper, revise_paper

    require(request, "paper")
    acting_as(current(request).name)
    ws = ws_of(request)
    doc = _case_paper(ws, case_no, doc_id)
    paper, values = _clerk_values(request, doc["kind"], form)
    day = _paper_day(form)
    try:
        if form.get("preview"):
            pdf = preview_paper(ws, paper.name, case_no, values, today=day or doc["date"],
                                doc_no=doc["doc_no"] or "")  # fmt: skip
            return _pdf_inline(pdf, f"预览-更正-{paper.name}-{case_no}.pdf")
        made = revise_paper(ws, doc["ref"], values, day=day, options=_make_options(form))
    except ValidationError as exc:
        data = paper_form_data(ws, case_no, paper.name)
        return _paper_page(request, case_no, data, form, web_message(exc), doc)
    flash(request, f"已更正{made.kind} {made.doc_no or doc['ref']}（第{doc['version'] + 1}版，"
                   f"{made.pages} 页）；旧版保留")  # fmt: skip
    return back(f"/cases/{case_no}")


@router.post("/cases/{case_no}/papers/{doc_id}/void", include_in_schema=False)
def paper_void(
    request: Request,
    case_no: str,
    doc_id: int,
    reason: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    """``paper void``: the paper and its 文号 stay in the register, marked 作废 with the reason."""
    from docgen.archive.register import void_paper

    require(request, "paper")
    ws = ws_of(request)
    doc = _case_paper(ws, case_no, doc_id)
    if not reason.strip():
        raise ValidationError(f"作废{doc['ref']}须填写作废原因")
    if confirm != "1":
        raise ValidationError(f"请勾选“确认作废”：作废后文号 {doc['ref']} 不再使用")
    voided = void_paper(ws, doc["ref"], reason)
    flash(request, f"已作废{voided.kind} {doc['ref']}（原因：{reason.strip()}），文号不再使用")
    return back(f"/cases/{case_no}")


# --- search -------------------------------------------------------------------------------------


def search_data(ws: Workspace, request: Request) -> dict[str, Any]:
    """/search and /api/search: the query parameters → ``archive.searching.search`` (the CLI's
    checks: unknown filter values are refused with the allowed ones)."""
    from docgen.archive.indexing import hit_dict
    from docgen.archive.searching import SearchRequest, to_query
    from docgen.index import SearchError

    p = request.query_params
    text = p.get("q", "").strip()
    show = _may_unmask(request)
    if not text:
        return {"q": "", "总数": 0, "结果": []}

    def day(name: str) -> dt.date | None:
        raw = p.get(name, "").strip()
        try:
            return dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            raise ValidationError(f"日期格式应为 YYYY-MM-DD（收到“{raw[:20]}”）") from None

    try:
        limit = min(max(int(p.get("limit", "20")), 1), 500)
    except ValueError:
        limit = 20
    req = SearchRequest(text, category=p.get("category") or None, unit=p.get("unit") or None,
                        status=p.get("status") or None, kind=p.get("kind") or None,
                        case_no=p.get("case") or None, person=p.get("person") or None,
                        id_number=p.get("id_number") or None, leader=p.get("leader") or None,
                        doc_no=p.get("doc_no") or None,
                        date_field=p.get("date_field") or DEFAULT_DATE_FIELD,
                        date_from=day("from"), date_to=day("to"), limit=limit)  # fmt: skip
    q = to_query(ws, req, show_personal=show)  # the CLI's checks: unknown values refused
    key = (str(ws.root), q, layout.stamp(ws.index_dir))
    if key[2] is not None and (hit := _search_cache_get(key)) is not None:
        return hit
    try:
        result = ws.search_index().search(q)
    except SearchError as exc:
        raise ValidationError(exc.message, code="query") from None
    rows = []
    for h in result.hits:
        row = hit_dict(h)
        row["片段"] = _segments(h.snippet, h.highlights)
        rows.append(row)
    data = {"q": text, "总数": result.total, "结果": rows}
    if key[2] is not None and time.time_ns() - max(key[2][1], key[2][3]) > SETTLE_NS:
        with _SEARCH_LOCK:
            _SEARCH_CACHE[key] = data
            while len(_SEARCH_CACHE) > _SEARCH_CACHE_SIZE:
                _SEARCH_CACHE.popitem(last=False)
    return data


# Search results, remembered per query until the index changes (its stamp). A commit another
# worker process made reaches this process's searcher a moment later: results are remembered
# only once the index has been still for SETTLE_NS.
_SEARCH_CACHE: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_SEARCH_CACHE_SIZE = 256
_SEARCH_LOCK = threading.Lock()
SETTLE_NS = 2_000_000_000


def _search_cache_get(key: tuple[Any, ...]) -> dict[str, Any] | None:
    with _SEARCH_LOCK:
        data = _SEARCH_CACHE.get(key)
        if data is not None:
            _SEARCH_CACHE.move_to_end(key)
        return data


def saved_links(ws: Workspace) -> list[tuple[str, str]]:
    """(name, /search URL) of every saved search, for the search page."""
    from urllib.parse import urlencode

    from docgen.archive.searching import request_params, saved_searches

    return [(name, "/search?" + urlencode(request_params(req)))
            for name, req in saved_searches(ws).items()]  # fmt: skip


def _segments(snippet: str, spans: tuple[tuple[int, int], ...]) -> list[tuple[str, bool]]:
    out, last = [], 0
    for start, end in spans:
        out += [(snippet[last:start], False), (snippet[start:end], True)]
        last = end
    out.append((snippet[last:], False))
    return [s for s in out if s[0]]


@router.get("/api/search", summary="全文检索（与 docgen search 相同的语法和筛选）")
def api_search(request: Request) -> Response:
    data = search_data(ws_of(request), request)

    def without_segments(d: dict[str, Any]) -> bytes:
        rows = [{k: v for k, v in row.items() if k != "片段"} for row in d["结果"]]
        return json.dumps({**d, "结果": rows}, ensure_ascii=False, default=_json_default).encode()

    return Response(derived(data, "api", without_segments), media_type="application/json")


@router.get("/search", include_in_schema=False)
def search_page(request: Request) -> Response:
    ws = ws_of(request)
    data = search_data(ws, request)
    return render(request, "search.html", {"data": data, "p": request.query_params,
                                           "categories": CATEGORIES, "statuses": STATUSES,
                                           "date_fields": DATE_FIELD_NAMES,
                                           "saved": saved_links(ws),
                                           "hits_html": hits_html(request, data)})  # fmt: skip


def hits_html(request: Request, data: dict[str, Any]) -> Any:
    """The search page's hits (the same for everyone who may see this result), rendered once
    per result."""
    from markupsafe import Markup

    template = request.app.state.templates.get_template("search_hits.html")
    return derived(data, "hits", lambda d: Markup(template.render(data=d)))


# --- users (管理员) --------------------------------------------------------------------------------


def users_data(ws: Workspace) -> list[dict[str, Any]]:
    with ws.read_session() as session:
        return [u.as_dict() for u in list_users(session)]


@router.get("/api/admin/users", summary="用户列表（管理员）")
def api_users(request: Request) -> list[dict[str, Any]]:
    require(request, "admin")
    return users_data(ws_of(request))


@router.get("/admin/users", include_in_schema=False)
def users_page(request: Request) -> Response:
    require(request, "admin")
    return render(request, "users.html", {"users": users_data(ws_of(request)), "roles": ROLES,
                                          "flash": take_flash(request)})  # fmt: skip


@router.post("/admin/users", include_in_schema=False)
def users_add(
    request: Request,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Csrf = "",
) -> Response:
    require(request, "admin")
    ws = ws_of(request)
    with ws.session() as session:
        info = add_user(session, name, role, password)
        ws.audit("user-add", target=info.name, detail=info.role, session=session)
    flash(request, f"已添加用户 {info.name}（{info.role}）")
    return back("/admin/users")


@router.post("/admin/users/{name}/disable", include_in_schema=False)
def users_disable(request: Request, name: str, csrf_token: Csrf = "") -> Response:
    require(request, "admin")
    if name == current(request).name:
        raise ValidationError("不能停用自己的账号")
    ws = ws_of(request)
    with ws.session() as session:
        disable_user(session, name)
        ws.audit("user-disable", target=name, session=session)
    flash(request, f"已停用用户 {name}")
    return back("/admin/users")
