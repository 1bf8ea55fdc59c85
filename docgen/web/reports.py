"""The director's ``/reports`` page and its JSON twins: a month → the 月报's figures as of its last
day (``archive.reports.monthly``), its charts (``docgen.reports.charts``, server-rendered SVG),
the overdue, 督办 and 包案 lists, and the 统计表 / 月报 downloads made by ``make_monthly``, the
call ``docgen report monthly`` makes. 领导 and 管理员 only (``PERMISSIONS["reports"]``)."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from docgen.archive.cases import cases_version
from docgen.archive.reports.monthly import make_monthly, monthly_figures_for, summary_sentence
from docgen.archive.reports.months import month_key, report_months
from docgen.archive.reports.overviews import leader_rows, supervision_rows
from docgen.archive.reports.rows import month_end
from docgen.archive.tables import IndexJournalEntry
from docgen.archive.workspace import Workspace
from docgen.dates import cn_date
from docgen.memo import VersionedMemo
from docgen.reports.paper import Figure
from docgen.reports.stats import MonthlyFigures, Tally
from docgen.reports.wording import monthly_blocks
from docgen.web.app import render
from docgen.web.security import require

router = APIRouter()
#: The page lists at most this many overdue and 督办 rows; the rest are in the 统计表's 明细.
LIST_LIMIT = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(month: str | None) -> tuple[str, dt.date]:
    """A ``YYYY-MM`` query value → (its normal form, its last day); a Chinese 400 otherwise."""
    day = month_end((month or "").strip()[:16])
    return month_key(day), day


def _chosen(ws: Workspace, month: str | None) -> tuple[str, dt.date]:
    if month and month.strip():
        return _month(month)
    return _month(months_offered(ws)[1])


def months_offered(ws: Workspace) -> tuple[list[str], str]:
    today = dt.date.today()
    return cached(ws, "months", today.isoformat(), lambda: report_months(ws, today))


T = TypeVar("T")
_MEMO: VersionedMemo[Any] = VersionedMemo(32)


def catalog_state(ws: Workspace) -> tuple[Any, ...]:
    """What changes whenever a case or a document does: the cases table's version and the
    index journal, which every write session appends to for each case and document it changed."""
    from sqlalchemy import func, select

    with ws.read_session() as session:
        journal = session.execute(
            select(func.count(), func.max(IndexJournalEntry.id)).select_from(IndexJournalEntry)
        ).one()
        return (*cases_version(session), *journal)


def cached(ws: Workspace, name: str, month: str, make: Callable[[], T]) -> T:
    """``make()`` once per (workspace, what, month, catalog state): the figures of 10,000 cases
    take seconds. Requests for the same key wait for the one computing it."""
    return _MEMO.get((str(ws.root), name, month), catalog_state(ws), make)  # type: ignore[no-any-return]


def figures(ws: Workspace, month: str) -> MonthlyFigures:
    return cached(ws, "figures", month, lambda: monthly_figures_for(ws, month))


def supervision(ws: Workspace, month: str, day: dt.date) -> list[dict[str, Any]]:
    return cached(ws, "supervision", month, lambda: supervision_rows(ws, day))


def leaders(ws: Workspace, month: str, day: dt.date) -> list[dict[str, Any]]:
    return cached(ws, "leaders", month, lambda: leader_rows(ws, day))


@functools.lru_cache(maxsize=64)
def _chart(key: str, title: str, tallies: tuple[Tally, ...]) -> str:
    from docgen.reports.charts import bar_chart_svg

    return bar_chart_svg(title, tallies, key)


def monthly_data(f: MonthlyFigures, month: str) -> dict[str, Any]:
    """The JSON twin: the 统计表's figures (as ``docgen report monthly --json`` gives them)."""
    return {"月份": month, **f.as_dict()}


def _overdue(f: MonthlyFigures) -> list[dict[str, Any]]:
    """The overdue cases, longest overdue first (as the 明细, by 案件编号, on a tie)."""
    rows = [{"案件编号": r.case_no, "信访人": r.petitioners, "问题类别": r.category,
             "责任单位": r.unit, "包案领导": r.leader, "状态": r.status, "办结时限": r.due,
             "超期天数": (f.day - r.due).days if r.due else None}
            for r in f.overdue_rows]  # fmt: skip
    return sorted(rows, key=lambda o: -(o["超期天数"] or 0))


def reports_data(ws: Workspace, month: str | None) -> dict[str, Any]:
    """Everything the page shows for ``month`` (default: the latest month anything was dated),
    made once per catalog state as the figures are (sorting 6,000 overdue cases and hashing
    the charts' tallies took 30 ms a request). The page only reads it."""
    months, default = months_offered(ws)
    key, day = _month(month if month and month.strip() else default)
    offered = f"{key}|{','.join(months)}"  # the month list moves with the day
    return cached(ws, "page", offered, lambda: _page_data(ws, months, key, day))


def _page_data(ws: Workspace, months: list[str], key: str, day: dt.date) -> dict[str, Any]:
    f = figures(ws, key)
    if key not in months:
        months = sorted({*months, key}, reverse=True)
    charts = [
        {"title": b.title, "svg": _chart(b.key, b.title, b.tallies)}
        for b in monthly_blocks(f)
        if isinstance(b, Figure)
    ]  # the 月报's own figures
    overdue = _overdue(f)
    listed = supervision(ws, key, day)
    return {
        "month": key, "months": months, "day": day, "day_text": cn_date(day),
        "summary": summary_sentence(f), "total": f.total, "focus": f.focus,
        "units": f.dimensions["责任单位"], "leaders": f.dimensions["包案领导"],
        "sources": f.dimensions["来源"], "charts": charts,
        "overdue": overdue[:LIST_LIMIT], "overdue_total": len(overdue),
        "supervision": listed[:LIST_LIMIT], "supervision_total": len(listed),
        "limit": LIST_LIMIT,
    }  # fmt: skip


@router.get("/reports", include_in_schema=False)
def reports_page(request: Request, month: str = "") -> Response:
    require(request, "reports")
    data = reports_data(request.app.state.ws, month)
    return render(request, "reports.html", {"r": data})


@router.get("/api/reports/monthly", summary="月报统计数字（month=YYYY-MM，截至该月最后一天）")
def api_monthly(request: Request, month: str = "") -> dict[str, Any]:
    require(request, "reports")
    ws = request.app.state.ws
    key, _day = _chosen(ws, month)
    return monthly_data(figures(ws, key), key)


@router.get("/api/reports/supervision", summary="督查督办情况（month=YYYY-MM，截至该月最后一天）")
def api_supervision(request: Request, month: str = "") -> dict[str, Any]:
    require(request, "reports")
    ws = request.app.state.ws
    key, day = _chosen(ws, month)
    rows = supervision(ws, key, day)
    return {"月份": key, "截至": day, "总数": len(rows), "督办": rows}


@router.get("/api/reports/leaders", summary="领导包案情况（month=YYYY-MM，截至该月最后一天）")
def api_leaders(request: Request, month: str = "") -> dict[str, Any]:
    require(request, "reports")
    ws = request.app.state.ws
    key, day = _chosen(ws, month)
    rows = leaders(ws, key, day)
    return {"月份": key, "截至": day, "总数": len(rows), "包案": rows}


def _download(request: Request, month: str, which: int, media_type: str) -> Response:
    """One file of ``make_monthly`` (0 统计表 .xlsx, 2 月报 PDF), made in a private temporary
    folder and removed once sent: the month is parsed to a date, nothing else of the request
    reaches a path."""
    require(request, "reports")
    ws = request.app.state.ws
    key, _day = _chosen(ws, month)
    folder = Path(tempfile.mkdtemp(prefix="docgen-report-"))
    try:
        path = make_monthly(ws, key, folder).files[which]
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    ws.audit("report-download", target=key, detail=path.suffix.lstrip("."))
    return FileResponse(path, filename=path.name, media_type=media_type,
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))  # fmt: skip


@router.get("/reports/monthly.xlsx", summary="下载统计表（Excel，month=YYYY-MM）")
def download_workbook(request: Request, month: str = "") -> Response:
    return _download(request, month, 0, XLSX)


@router.get("/reports/monthly.pdf", summary="下载月报（PDF，month=YYYY-MM）")
def download_report(request: Request, month: str = "") -> Response:
    return _download(request, month, 2, "application/pdf")
