"""Paper type + case (+ clerk values) → .docx and PDF in the case folder, 文号 and catalog row.

One paper: plan (context with the expected 文号) → render (outside any lock) → commit (allocate the
文号 in the transaction that records the document; if another writer took that number meanwhile,
the commit is rolled back and the paper re-rendered). A failed render consumes no 文号 and leaves
no file and no row. ``make_papers`` runs the render step in a pool of warm worker processes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.cases import CaseFilter, get_case, list_cases
from archive.documents import NewDocument, document_transaction, scratch_dir
from archive.numbering import allocate_doc_no, format_doc_no
from docgen.errors import DocgenError
from docgen.model import Case, DocNumberCounter, Document
from docgen.papers.context import case_context, paper_context, recorded_facts
from docgen.papers.fill import render_paper, resolve_template
from docgen.papers.registry import PaperType, get_paper_type
from docgen.vocab import OUTCOMES

Progress = Callable[[int, int, str], None]
COMMIT_GROUP = 16  # rendered papers committed per catalog transaction in a batch
_OUTCOME_TEXT = dict(zip(OUTCOMES, ("予以支持", "作出解释说明", "不予支持"), strict=True))


@dataclass(frozen=True)
class MadePaper:
    case_no: str
    kind: str
    doc_no: str | None
    docx: str  # relative to the workspace
    pdf: str
    pages: int

    def as_dict(self) -> dict[str, Any]:
        return {"案件编号": self.case_no, "类型": self.kind, "文号": self.doc_no,
                "docx": self.docx, "pdf": self.pdf, "页数": self.pages}  # fmt: skip


@dataclass(frozen=True)
class RenderJob:
    """Everything a worker process needs: plain, picklable values."""

    case_no: str
    template: Path
    context: dict[str, Any]
    variant: str
    scratch: Path


@dataclass(frozen=True)
class Rendered:
    docx: Path
    pdf: Path
    pages: int
    rss_kb: int = 0


@dataclass
class BatchResult:
    made: list[MadePaper] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (案件编号, reason)
    worker_rss_kb: list[int] = field(default_factory=list)
    index_seconds: float = 0.0  # the one search-index update at the end of the batch


class _StaleNumber(Exception):
    """The 文号 printed on the rendered paper was taken by another writer."""


# --- plan -----------------------------------------------------------------------------------


def peek_doc_no(session: Session, code: str, year: int) -> int:
    last = session.scalar(
        select(DocNumberCounter.last).where(
            DocNumberCounter.code == code, DocNumberCounter.year == year
        )
    )
    return (last or 0) + 1


def _assign_doc_no(session: Session, case: Case) -> str | None:
    return session.scalar(
        select(Document.doc_no)
        .where(Document.case_id == case.id, Document.kind == "交办函", Document.doc_no.is_not(None))
        .order_by(Document.id.desc())
    )


def plan_context(
    ws: Any,
    session: Session,
    paper: PaperType,
    case: Case,
    values: Mapping[str, str],
    today: dt.date,
) -> dict[str, Any]:
    """The full context of ``paper`` for ``case`` (``doc_no`` still empty)."""
    base = case_context(
        case, ws.calendar, org_name=ws.settings.org, today=today,
        assign_doc_no=_assign_doc_no(session, case),
    )  # fmt: skip
    ctx = paper_context(paper, base, values)
    ctx["recorded_facts"] = recorded_facts(paper, values)
    if "outcome" in ctx:
        ctx["outcome_text"] = _OUTCOME_TEXT.get(ctx["outcome"], ctx["outcome"])
    return ctx


def _job(ws: Any, paper: PaperType, case_no: str, ctx: dict[str, Any], scratch: Path) -> RenderJob:
    template = resolve_template(paper.template, ws.templates_dir)
    return RenderJob(case_no, template, ctx, paper.variant, scratch)


# --- render (runs in a worker or in-process) ------------------------------------------------


def _rss_kb() -> int:
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def render_job(job: RenderJob, typesetter: Any = None) -> Rendered:
    stem = job.case_no
    docx, pdf = job.scratch / f"{stem}.docx", job.scratch / f"{stem}.pdf"
    pages = render_paper(
        job.template, job.context, docx, pdf, variant=job.variant, typesetter=typesetter
    )
    return Rendered(docx, pdf, pages, _rss_kb())


# --- commit ---------------------------------------------------------------------------------


def _file_stem(paper: PaperType, case_dir: Path, doc_no: str | None, today: dt.date) -> str:
    if doc_no:
        return f"{paper.name}-{doc_no}"
    stem = f"{paper.name}-{today:%Y%m%d}"
    n = 1
    while (case_dir / f"{stem}.pdf").exists() or (case_dir / f"{stem}.docx").exists():
        n += 1
        stem = f"{paper.name}-{today:%Y%m%d}-{n}"
    return stem


def commit_paper(
    ws: Any,
    paper: PaperType,
    case_no: str,
    ctx: Mapping[str, Any],
    rendered: Rendered,
    today: dt.date,
) -> MadePaper:
    """Allocate the 文号, put the rendered files in place and record the Document: all or nothing."""
    return commit_papers(ws, paper, [(case_no, ctx, rendered)], today)[0]


def commit_papers(
    ws: Any,
    paper: PaperType,
    items: list[tuple[str, Mapping[str, Any], Rendered]],
    today: dt.date,
) -> list[MadePaper]:
    """``commit_paper`` for several papers in one transaction (one catalog commit for the group).

    Rendered files are hard-linked into place, so after a rollback they are still there to retry.
    """
    code = paper.doc_code(ws.settings.code)
    made = []
    with document_transaction(ws) as txn:
        for case_no, ctx, rendered in items:
            case = get_case(txn.session, case_no)
            doc_no = allocate_doc_no(txn.session, code, today.year) if code else None
            if doc_no != (ctx["doc_no"] or None):
                raise _StaleNumber(doc_no)
            case_dir = ws.case_dir(case_no)
            stem = _file_stem(paper, case_dir, doc_no, today)
            docx_final, pdf_final = case_dir / f"{stem}.docx", case_dir / f"{stem}.pdf"
            for source, final in ((rendered.docx, docx_final), (rendered.pdf, pdf_final)):
                tmp = txn.files.add(final)
                tmp.unlink()
                os.link(source, tmp)
            docx_rel = ws.relative(docx_final)
            txn.record(case, txn.files.temp_for(pdf_final), NewDocument(
                section=int(paper.section), kind=paper.name, title=paper.title.format(**ctx),
                doc_no=doc_no, author=ws.settings.org, doc_date=today, pages=rendered.pages,
                meta={"docx": docx_rel, **ctx["recorded_facts"]},
            ))  # fmt: skip
            ws.audit("paper-make", target=case_no, detail=f"{paper.name} {doc_no or ''}".strip(),
                     session=txn.session)  # fmt: skip
            made.append(MadePaper(case_no, paper.name, doc_no, docx_rel, ws.relative(pdf_final),
                                  rendered.pages))  # fmt: skip
    return made


def _expected(ws: Any, session: Session, paper: PaperType, today: dt.date, offset: int = 0) -> str:
    code = paper.doc_code(ws.settings.code)
    if not code:
        return ""
    return format_doc_no(code, today.year, peek_doc_no(session, code, today.year) + offset)


def make_paper(
    ws: Any,
    type_name: str,
    case_no: str,
    values: Mapping[str, str] | None = None,
    *,
    today: dt.date | None = None,
    typesetter: Any = None,
) -> MadePaper:
    """Make one paper for one case (see the module docstring)."""
    paper = get_paper_type(type_name)
    today = today or dt.date.today()
    for _attempt in range(5):
        with ws.session() as session:
            case = get_case(session, case_no)
            ctx = plan_context(ws, session, paper, case, values or {}, today)
            ctx["doc_no"] = _expected(ws, session, paper, today)
        with scratch_dir(ws) as scratch:
            rendered = render_job(_job(ws, paper, case_no, ctx, scratch), typesetter)
            try:
                return commit_paper(ws, paper, case_no, ctx, rendered, today)
            except _StaleNumber:
                continue
    raise DocgenError("文号分配冲突（其他用户正在发文），请稍后重试", code="doc_no_conflict")


# --- batch ----------------------------------------------------------------------------------

_WORKER_TYPESETTER: Any = None


def _init_worker() -> None:
    global _WORKER_TYPESETTER
    from docgen.typeset.render import Typesetter

    _WORKER_TYPESETTER = Typesetter()


class _DeferredIndex:
    """The workspace, with search indexing of new documents held back until ``flush``."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self.pending: list[Document] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)

    def documents_added(self, documents: list[Document]) -> None:
        self.pending.extend(documents)

    def flush(self) -> None:
        if self.pending:
            self._ws.documents_added(self.pending)
            self.pending = []


def _worker_render(job: RenderJob) -> Rendered:
    return render_job(job, _WORKER_TYPESETTER)


def _reason(exc: BaseException) -> str:
    return exc.message if isinstance(exc, DocgenError) else f"{type(exc).__name__}：{exc}"


def make_papers(
    ws: Any,
    type_name: str,
    flt: CaseFilter,
    values: Mapping[str, str] | None = None,
    *,
    today: dt.date | None = None,
    workers: int = 2,
    progress: Progress | None = None,
) -> BatchResult:
    """Make ``type_name`` for every case matching ``flt``; failures are collected, not raised."""
    import multiprocessing

    paper = get_paper_type(type_name)
    today = today or dt.date.today()
    result = BatchResult()
    jobs: list[RenderJob] = []
    with ws.session() as session:
        views = list_cases(session, ws.calendar, flt, today)
        total = len(views)
        for view in views:
            try:
                ctx = plan_context(ws, session, paper, view.case, values or {}, today)
                ctx["doc_no"] = _expected(ws, session, paper, today, len(jobs))
                jobs.append(_job(ws, paper, view.case.case_no, ctx, Path()))
            except DocgenError as exc:
                result.failed.append((view.case.case_no, exc.message))
    done = len(result.failed)
    if progress:
        progress(done, total, "")
    if not jobs:
        return result
    deferred = _DeferredIndex(ws)  # one index update for the batch, not one per paper
    with scratch_dir(ws) as scratch:
        jobs = [RenderJob(j.case_no, j.template, j.context, j.variant, scratch) for j in jobs]
        context = multiprocessing.get_context("forkserver")  # no fork() of a threaded parent
        context.set_forkserver_preload(["docgen.papers.make", "docgen.typeset.render"])
        with ProcessPoolExecutor(
            max_workers=min(workers, len(jobs)), mp_context=context, initializer=_init_worker
        ) as pool:
            futures: list[Future[Rendered]] = [pool.submit(_worker_render, j) for j in jobs]
            ready: list[tuple[RenderJob, Rendered]] = []
            for index, (job, future) in enumerate(zip(jobs, futures, strict=True)):
                try:
                    rendered = future.result()
                    result.worker_rss_kb.append(rendered.rss_kb)
                    ready.append((job, rendered))
                except Exception as exc:  # one case's failure never stops the batch
                    result.failed.append((job.case_no, _reason(exc)))
                    done += 1
                if ready and (len(ready) >= COMMIT_GROUP or index == len(jobs) - 1):
                    done += _commit_group(deferred, paper, ready, today, result)
                    ready = []
                if progress:
                    progress(done + len(ready), total, job.case_no)
    started = time.perf_counter()
    deferred.flush()
    result.index_seconds = time.perf_counter() - started
    result.failed.sort()
    return result


def _commit_group(
    ws: Any,
    paper: PaperType,
    ready: list[tuple[RenderJob, Rendered]],
    today: dt.date,
    result: BatchResult,
) -> int:
    """Commit rendered papers together; on any problem fall back to one at a time."""
    try:
        items = [(job.case_no, job.context, rendered) for job, rendered in ready]
        result.made.extend(commit_papers(ws, paper, items, today))
        return len(ready)
    except Exception:
        pass
    for job, rendered in ready:
        try:
            result.made.append(_commit_or_redo(ws, paper, job, rendered, today))
        except Exception as exc:
            result.failed.append((job.case_no, _reason(exc)))
    return len(ready)


def _commit_or_redo(
    ws: Any, paper: PaperType, job: RenderJob, rendered: Rendered, today: dt.date
) -> MadePaper:
    try:
        return commit_paper(ws, paper, job.case_no, job.context, rendered, today)
    except _StaleNumber:  # an earlier case failed or another writer issued a number
        return make_paper(
            ws, paper.name, job.case_no, _clerk_values(paper, job.context), today=today
        )


def _clerk_values(paper: PaperType, ctx: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for f in paper.fields:
        value = ctx[f.key]
        out[f.label] = "；".join(i["text"] for i in value) if isinstance(value, list) else value
    return out


# --- preview ------------------------------------------------------------------------------------


def preview_paper(
    ws: Any, type_name: str, case_no: str, values: Mapping[str, str] | None = None,
    *, today: dt.date | None = None,
) -> bytes:  # fmt: skip
    """The PDF ``make_paper`` would write, with the 文号 it would probably get; nothing is
    allocated, stored or recorded (the same context, checks and render as ``make_paper``)."""
    paper = get_paper_type(type_name)
    today = today or dt.date.today()
    with ws.session() as session:
        case = get_case(session, case_no)
        ctx = plan_context(ws, session, paper, case, values or {}, today)
        ctx["doc_no"] = _expected(ws, session, paper, today)
    with scratch_dir(ws) as scratch:
        return render_job(_job(ws, paper, case_no, ctx, scratch)).pdf.read_bytes()
