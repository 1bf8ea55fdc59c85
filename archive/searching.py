"""Searching a workspace: checked filters → ``index.SearchQuery`` → hits; saved searches.

One path for ``docgen search`` and the web app's /search and /api/search: filter values go
through ``archive.filters.check_filters`` (an unknown status, category or unit is refused with
the allowed values, never a silent 0), ``--date-field`` names which date the range applies to
(``DATE_FIELD_NAMES``, default 登记).

Saved searches live in the workspace file ``searches.json`` (``{"名称": {request fields}}``),
written atomically under a lock; they hold the query and filters, not results, so a saved
search always runs against the archive as it is. Nothing of a query goes to a log or the audit
trail (queries may hold ID numbers); the audit names only the saved search.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen import atomic, chars
from docgen.archive.filters import (
    DATE_FIELD_NAMES,
    DEFAULT_DATE_FIELD,
    FilterError,
    check_filters,
    one_unit,
)
from docgen.errors import ValidationError
from docgen.locks import exclusive
from docgen.memo import FileMemo

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace
    from docgen.index import SearchQuery, SearchResult

SAVED_FILE = "searches.json"
SAVED_LOCK = ".searches.lock"
MAX_NAME = 40


@dataclass(frozen=True)
class SearchRequest:
    """What a user asks: the query text and filters as typed (checked by ``search``)."""

    text: str = ""
    category: str | None = None
    unit: str | None = None
    status: str | None = None
    kind: str | None = None
    case_no: str | None = None
    person: str | None = None
    id_number: str | None = None
    leader: str | None = None
    doc_no: str | None = None
    date_field: str = DEFAULT_DATE_FIELD
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: int = 20


def to_query(ws: Workspace, req: SearchRequest, *, show_personal: bool = False) -> SearchQuery:
    """The ``index.SearchQuery`` for ``req`` (FilterError for an unknown value)."""
    from docgen.index import SearchQuery

    if req.date_field not in DATE_FIELD_NAMES:
        raise FilterError(
            f"日期字段“{req.date_field}”不是可选值，可选：{'、'.join(DATE_FIELD_NAMES)}"
        )
    if req.date_from and req.date_to and req.date_from > req.date_to:
        raise FilterError(f"起始日期 {req.date_from} 晚于截止日期 {req.date_to}")
    v = check_filters(ws, status=req.status, category=req.category, unit=req.unit)
    if v.group:
        raise FilterError(
            f"“{req.category}”是归类而非问题类别：检索请写具体的问题类别，或用 case list --group"
        )
    return SearchQuery(
        req.text, category=v.category, unit=one_unit(v), status=v.status,
        kind=req.kind or None, case_no=req.case_no or None, person=req.person or None,
        id_number=req.id_number or None, leader=req.leader or None, doc_no=req.doc_no or None,
        date_from=req.date_from, date_to=req.date_to, date_field=DATE_FIELD_NAMES[req.date_field],
        limit=req.limit, show_personal=show_personal,
    )  # fmt: skip


def search(ws: Workspace, req: SearchRequest, *, show_personal: bool = False) -> SearchResult:
    """Run ``req`` on the workspace's index → ``index.SearchResult``; a bad query raises
    ValidationError with the index's Chinese message."""
    from docgen.index import SearchError

    q = to_query(ws, req, show_personal=show_personal)
    try:
        return ws.search_index().search(q)
    except SearchError as exc:
        raise ValidationError(exc.message, code="query") from None


# --- saved searches -------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(ws: Workspace) -> Iterator[None]:
    with exclusive(ws.root / SAVED_LOCK):
        yield


def _read(ws: Workspace) -> dict[str, dict[str, Any]]:
    return _read_file(ws.root / SAVED_FILE)


def _read_file(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"保存的检索文件 {SAVED_FILE} 无法读取：{exc}") from None
    if not isinstance(data, dict):
        raise ValidationError(f"保存的检索文件 {SAVED_FILE} 格式有误（应为 JSON 对象）")
    return data


def _request(data: dict[str, Any]) -> SearchRequest:
    known = {f.name for f in fields(SearchRequest)}
    values = {k: v for k, v in data.items() if k in known}
    for name in ("date_from", "date_to"):
        if values.get(name):
            values[name] = dt.date.fromisoformat(values[name])
    return SearchRequest(**values)


def saved_searches(ws: Workspace) -> dict[str, SearchRequest]:
    """Every saved search by name, in name order (the file is read again only when it changes:
    the search page lists them every time)."""
    return dict(_SAVED(ws.root / SAVED_FILE))


def _read_saved(path: Path) -> dict[str, SearchRequest]:
    return {name: _request(data) for name, data in sorted(_read_file(path).items())}


_SAVED = FileMemo(_read_saved)


def saved_search(ws: Workspace, name: str) -> SearchRequest:
    found = saved_searches(ws)
    if name not in found:
        names = "、".join(found) or "（尚未保存任何检索）"
        raise ValidationError(f"没有名为“{name}”的保存检索；已保存：{names}", code="not_found")
    return found[name]


def save_search(ws: Workspace, name: str, req: SearchRequest) -> None:
    """Save (or replace) ``req`` under ``name``, after checking that it runs."""
    name = name.strip()
    if not name:
        raise ValidationError("保存检索的名称不能为空")
    if len(name) > MAX_NAME:
        raise ValidationError(f"保存检索的名称过长（超过 {MAX_NAME} 个字符）")
    if bad := chars.problem(name, one_line=True):
        raise ValidationError(f"保存检索的名称{bad}")
    to_query(ws, req)  # refused values are never saved
    data = asdict(replace(req))
    for key in ("date_from", "date_to"):
        data[key] = data[key].isoformat() if data[key] else None
    with _locked(ws):
        saved = _read(ws)
        saved[name] = data
        atomic.write_text(ws.root / SAVED_FILE, json.dumps(saved, ensure_ascii=False, indent=1))
    ws.audit("search-save", target=name)


def request_params(req: SearchRequest) -> dict[str, str]:
    """``req`` as the web app's /search query parameters (for links to saved searches)."""
    names = {"text": "q", "case_no": "case", "date_from": "from", "date_to": "to"}
    out: dict[str, str] = {}
    for f in fields(SearchRequest):
        value = getattr(req, f.name)
        if value in (None, "") or (f.name == "limit" and value == 20):
            continue
        if f.name == "date_field" and value == DEFAULT_DATE_FIELD:
            continue
        out[names.get(f.name, f.name)] = (
            value.isoformat() if isinstance(value, dt.date) else str(value)
        )
    return out
