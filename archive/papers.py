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
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen import caseno
from docgen.archive.cases import CaseFilter, get_case, list_cases
from docgen.archive.documents import (
    DocumentTransaction,
    NewDocument,
    document_transaction,
    scratch_dir,
    sha256_file,
)
from docgen.archive.numbering import (
    NumberTaken,
    allocate_doc_no,
    claim_doc_no,
    expected_doc_no,
)
from docgen.archive.register import (
    cases_with_current,
    current_papers,
    date_problems,
    get_issued,
    paper_ref,
    refuse_remake,
    served_by,
    split_doc_no,
)
from docgen.archive.timeline import link_visits
from docgen.errors import DocgenError, ValidationError
from docgen.model import CURRENT, SUPERSEDED, Case, Document
from docgen.papers.context import case_context, paper_context, recorded_facts
from docgen.papers.fill import render_paper, resolve_template
from docgen.papers.registry import (
    BLANK,
    CASE_FIELDS,
    SENDER_CODE,
    PaperType,
    get_paper_type,
    kinds_where,
)
from docgen.vocab import UNIT_ALIASES

if TYPE_CHECKING:
    from concurrent.futures import Future

    from docgen.archive.sealing import Sealing
    from docgen.archive.workspace import Workspace

Progress = Callable[[int, int, str], None]
Confirm = Callable[[int, str, str], bool]  # (numbers to use, first 文号, last 文号) → go on?
COMMIT_GROUP = 16  # rendered papers committed per catalog transaction in a batch


@dataclass(frozen=True)
class MadePaper:
    case_no: str
    kind: str
    doc_no: str | None
    docx: str  # relative to the workspace
    pdf: str
    pages: int
    sealed: Any = None  # the SealOutcome when the paper was issued sealed (issue_paper)

    def as_dict(self) -> dict[str, Any]:
        data = {"案件编号": self.case_no, "类型": self.kind, "文号": self.doc_no,
                "docx": self.docx, "pdf": self.pdf, "页数": self.pages}  # fmt: skip
        return data | ({"签章": self.sealed.as_dict()} if self.sealed is not None else {})


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
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (案件编号, existing 文号)
    worker_rss_kb: list[int] = field(default_factory=list)
    index_seconds: float = 0.0  # the one search-index update at the end of the batch
    planned: int = 0  # papers the batch set out to make (numbers it expected to use)
    cancelled: bool = False  # the clerk answered no to the question before starting

    def doc_no_range(self) -> str:
        """“某信交〔2024〕3号—某信交〔2024〕9号（共 7 个）”: the 文号 this batch used."""
        numbers = sorted((split_doc_no(m.doc_no) or (m.doc_no, 0, 0), m.doc_no)
                         for m in self.made if m.doc_no)  # fmt: skip
        if not numbers:
            return ""
        first, last = numbers[0][1], numbers[-1][1]
        span = first if first == last else f"{first}—{last}"
        return f"{span}（共 {len(numbers)} 个）"


class _AlreadyMade(Exception):
    """Another writer made this paper for the case meanwhile (a batch skips the case)."""


@dataclass(frozen=True)
class MakeOptions:
    """How strictly ``make_paper`` holds a paper to its case."""

    new: bool = False  # deliberately a further paper of a type the case already has
    force: bool = False  # accept a 成文日期 that contradicts the case (the reason is audited)
    allow_blank: bool = False  # leave missing case values as a line to fill in by hand


# --- plan -----------------------------------------------------------------------------------


def _assign_doc_no(session: Session, case: Case) -> str | None:
    return session.scalar(
        select(Document.doc_no)
        .where(
            Document.case_id == case.id,
            Document.kind.in_(kinds_where("assignment")),
            Document.doc_no.is_not(None),
            Document.state == CURRENT,
        )
        .order_by(Document.id.desc())
    )


def plan_context(
    ws: Workspace,
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
    ctx["doc_code"] = doc_code(ws, paper, ctx) or ""
    return ctx


def doc_code(ws: Workspace, paper: PaperType, ctx: Mapping[str, Any]) -> str | None:
    """The 文号 代字 of ``paper`` (None: it has no 文号). A paper issued by another organ than the
    workspace's (``code_from = "issuer"``, e.g. a 查办报告 from the 责任单位) takes that organ's
    代字: the clerk's 发文代字, else the workspace's ``unit_codes`` entry, else the organ's short
    name (区人社局 for 区人力资源和社会保障局) or its name, whichever is a valid 代字."""
    if paper.code_suffix is None:
        return None
    sender = str(ctx.get("sender") or "")
    if paper.code_from != "issuer" or sender in ("", ws.settings.org, BLANK):
        return paper.doc_code(ws.settings.code)
    code = caseno.clean(str(ctx.get(SENDER_CODE) or "") or ws.settings.unit_codes.get(sender, ""))
    if not code:
        names = sorted((short for short, full in UNIT_ALIASES.items() if full == sender), key=len)
        code = next((n for n in (sender, *names) if not caseno.code_problem(n)), sender)
    if bad := caseno.code_problem(code):
        raise ValidationError(f"{paper.name}的{bad}（{sender}；可用 --set 发文代字=… 指定）")
    return paper.doc_code(code)


def missing_case_values(paper: PaperType, ctx: Mapping[str, Any]) -> list[str]:
    """Chinese labels of the case values ``paper`` prints that the case lacks."""
    return [CASE_FIELDS[k] for k in paper.case_fields if ctx.get(k) == BLANK]


def check_against_case(
    ws: Workspace, session: Session, paper: PaperType, case: Case, ctx: Mapping[str, Any],
    day: dt.date, options: MakeOptions,
) -> list[str]:  # fmt: skip
    """Refuse a remake, a contradicting 成文日期 or missing case values; → the contradictions
    accepted with --force (for the audit log)."""
    if not options.new:
        refuse_remake(session, case, paper.name)
    problems = date_problems(case, paper, day, ws.calendar)
    if problems and not options.force:
        raise ValidationError(
            f"{paper.name}的成文日期与案件 {case.case_no} 矛盾：{'；'.join(problems)}。"
            "请改用 --date 给出正确日期；确需如此请加 --force（原因记入审计日志）",
            code="date_conflict",
        )
    missing = missing_case_values(paper, ctx)
    if missing and not options.allow_blank:
        hint = "（交办文号须先生成交办函）" if "交办文号" in missing else ""
        raise ValidationError(
            f"{paper.name}缺少：{'、'.join(missing)}{hint}；用 case edit 补齐，或 --allow-blank 留空手填",
            code="case_value_missing",
        )
    return problems


def _job(
    ws: Workspace, paper: PaperType, case_no: str, ctx: dict[str, Any], scratch: Path
) -> RenderJob:
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
    ws: Workspace,
    paper: PaperType,
    case_no: str,
    ctx: Mapping[str, Any],
    rendered: Rendered,
    today: dt.date,
) -> MadePaper:
    """Allocate the 文号, put the rendered files in place and record the Document: all or nothing."""
    return commit_papers(ws, paper, [(case_no, ctx, rendered)], today)[0]


def commit_papers(
    ws: Workspace,
    paper: PaperType,
    items: list[tuple[str, Mapping[str, Any], Rendered]],
    today: dt.date,
    options: MakeOptions | None = None,
) -> list[MadePaper]:
    """``commit_paper`` for several papers in one transaction (one catalog commit for the group).

    Rendered files are hard-linked into place, so after a rollback they are still there to retry.
    """
    planned = []
    with document_transaction(ws) as txn:
        for case_no, ctx, rendered in items:
            code = ctx["doc_code"]
            case = get_case(txn.session, case_no)
            if not (options and options.new) and current_papers(txn.session, case, paper.name):
                raise _AlreadyMade(case_no)
            doc_no = claim_doc_no(txn.session, code, today.year, ctx["doc_no"])
            planned.append(
                (case, ctx, rendered, doc_no, *_paper_paths(ws, paper, case, doc_no, today))
            )
        # one journal write for the whole group's files, not one per file
        txn.files.add_many([final for *_, docx, pdf in planned for final in (docx, pdf)])
        return [_record_paper(ws, txn, paper, *item, today) for item in planned]


def _paper_paths(
    ws: Workspace, paper: PaperType, case: Case, doc_no: str | None, today: dt.date
) -> tuple[Path, Path]:
    """Where a new paper's .docx and PDF go."""
    case_dir = ws.case_dir(case.case_no)
    stem = _file_stem(paper, case_dir, doc_no, today)
    return case_dir / f"{stem}.docx", case_dir / f"{stem}.pdf"


def _place(txn: DocumentTransaction, rendered: Rendered, docx: Path, pdf: Path) -> None:
    """Hard-link the rendered files to their temporary paths (``txn.files.add``-ed or not yet)."""
    for source, final in ((rendered.docx, docx), (rendered.pdf, pdf)):
        try:
            tmp = txn.files.temp_for(final)
        except KeyError:
            tmp = txn.files.add(final)
        tmp.unlink()
        os.link(source, tmp)


def _record_paper(
    ws: Workspace, txn: DocumentTransaction, paper: PaperType, case: Case, ctx: Mapping[str, Any],
    rendered: Rendered, doc_no: str | None, docx_final: Path, pdf_final: Path, today: dt.date,
) -> MadePaper:  # fmt: skip
    _place(txn, rendered, docx_final, pdf_final)
    docx_rel = ws.relative(docx_final)
    doc = txn.record(case, txn.files.temp_for(pdf_final), NewDocument(
        section=int(paper.section), kind=paper.name, title=paper.title.format(**ctx),
        doc_no=doc_no, author=ws.settings.org, doc_date=today, pages=rendered.pages,
        meta={"docx": docx_rel, **ctx["recorded_facts"]},
    ))  # fmt: skip
    _case_follows_paper(txn.session, paper, case, doc, ctx, today)
    forced = "；".join(ctx.get("forced_over", ()))
    detail = f"{paper.name} {doc_no or ''} 成文日期{today:%Y-%m-%d}".replace("  ", " ")
    ws.audit("paper-make", target=case.case_no,
             detail=detail + (f"（--force：{forced}）" if forced else ""), session=txn.session)  # fmt: skip
    return MadePaper(case.case_no, paper.name, doc_no, docx_rel, ws.relative(pdf_final),
                     rendered.pages)  # fmt: skip


def _case_follows_paper(session: Session, paper: PaperType, case: Case, doc: Document,
                        ctx: Mapping[str, Any], today: dt.date) -> None:  # fmt: skip
    """What issuing the paper records on the case: the 交办日期, the 回访 it writes up."""
    if paper.assignment and case.assigned_on is None:
        case.assigned_on = today
    if paper.records_visit:
        link_visits(session, case)


def _expected(session: Session, ctx: Mapping[str, Any], today: dt.date, offset: int = 0) -> str:
    return expected_doc_no(session, ctx["doc_code"], today.year, offset)


OPTIMISTIC_TRIES = 4  # renders against an expected 文号 before rendering under the write lock


def _backoff(attempt: int) -> None:
    time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))


def make_paper(
    ws: Workspace,
    type_name: str,
    case_no: str,
    values: Mapping[str, str] | None = None,
    *,
    today: dt.date | None = None,
    typesetter: Any = None,
    options: MakeOptions | None = None,
) -> MadePaper:
    """Make one paper for one case (see the module docstring); ``today`` is its 成文日期 (the
    文号 year follows it). Another writer taking the expected 文号 is retried with backoff, and
    in the end rendered under the write lock: contention never fails a paper."""
    paper = get_paper_type(type_name, ws.templates_dir)
    today = today or dt.date.today()
    options = options or MakeOptions()
    for attempt in range(OPTIMISTIC_TRIES):
        with ws.session() as session:
            case = get_case(session, case_no)
            ctx = plan_context(ws, session, paper, case, values or {}, today)
            ctx["forced_over"] = check_against_case(ws, session, paper, case, ctx, today, options)
            ctx["doc_no"] = _expected(session, ctx, today)
        with scratch_dir(ws) as scratch:
            rendered = render_job(_job(ws, paper, case_no, ctx, scratch), typesetter)
            try:
                return commit_papers(ws, paper, [(case_no, ctx, rendered)], today, options)[0]
            except NumberTaken:
                _backoff(attempt)
            except _AlreadyMade:
                continue  # planned again: refuse_remake names the paper just made
    return _make_locked(ws, paper, case_no, values or {}, today, typesetter, options)


def _make_locked(
    ws: Workspace, paper: PaperType, case_no: str, values: Mapping[str, str], today: dt.date,
    typesetter: Any, options: MakeOptions,
) -> MadePaper:  # fmt: skip
    """Plan, number, render and record in one write transaction: the number cannot go stale."""
    with scratch_dir(ws) as scratch, document_transaction(ws) as txn:
        case = get_case(txn.session, case_no)
        ctx = plan_context(ws, txn.session, paper, case, values, today)
        ctx["forced_over"] = check_against_case(ws, txn.session, paper, case, ctx, today, options)
        code = ctx["doc_code"]
        doc_no = allocate_doc_no(txn.session, code, today.year) if code else None
        ctx["doc_no"] = doc_no or ""
        rendered = render_job(_job(ws, paper, case_no, ctx, scratch), typesetter)
        paths = _paper_paths(ws, paper, case, doc_no, today)
        made = _record_paper(ws, txn, paper, case, ctx, rendered, doc_no, *paths, today)
    return made


# --- revise -----------------------------------------------------------------------------------


def _given_values(paper: PaperType, meta: Mapping[str, Any]) -> dict[str, str]:
    """The clerk values a paper was made with, from its recorded facts (lists joined again)."""
    labels = {f.label for f in paper.fields}
    return {k: "；".join(map(str, v)) if isinstance(v, list) else str(v)
            for k, v in meta.items() if k in labels}  # fmt: skip


def revise_paper(
    ws: Workspace,
    ref: str,
    values: Mapping[str, str] | None = None,
    *,
    day: dt.date | None = None,
    typesetter: Any = None,
    options: MakeOptions | None = None,
) -> MadePaper:
    """A corrected version of an issued paper under the same 文号. The earlier file is kept, as a
    ``superseded`` row; the current row (its 文号, its id) points to the new file."""
    options = options or MakeOptions()
    with ws.session() as session:
        doc = get_issued(session, ref)
        doc_no, label = doc.doc_no, paper_ref(doc)
        if doc.state != CURRENT:
            raise ValidationError(f"{label} 已作废（{doc.void_reason}），不能更正；请重新发文")
        if session.scalar(select(Document.id).where(Document.signed_of_id == doc.id)):
            raise ValidationError(
                f"{label} 已有签字（盖章）件附卷，视为已发出，不能更正；请作废后重新发文"
            )
        if (receipt := served_by(session, doc)) is not None:
            raise ValidationError(
                f"{label} 已于 {receipt.meta['送达时间']} 送达（{paper_ref(receipt)}），不能更正；"
                "请作废后重新发文"
            )
        paper = get_paper_type(doc.kind, ws.templates_dir)
        case = get_case(session, doc.case.case_no)
        merged = _given_values(paper, doc.meta or {}) | dict(values or {})
        day = day or doc.doc_date or dt.date.today()
        parts = split_doc_no(doc_no) if doc_no else None
        if parts and parts[1] != day.year:
            raise ValidationError(
                f"{doc_no} 是 {parts[1]} 年的文号，更正后的成文日期须在同一年（收到 {day:%Y-%m-%d}）"
            )
        ctx = plan_context(ws, session, paper, case, merged, day)
        ctx["forced_over"] = check_against_case(
            ws,
            session,
            paper,
            case,
            ctx,
            day,
            MakeOptions(True, options.force, options.allow_blank),
        )
        ctx["doc_no"] = doc_no or ""
        doc_id, version, case_no = doc.id, doc.version, case.case_no
    with scratch_dir(ws) as scratch:
        rendered = render_job(_job(ws, paper, case_no, ctx, scratch), typesetter)
        with document_transaction(ws) as txn:
            doc = txn.session.get(Document, doc_id)
            if doc is None or doc.state != CURRENT or doc.version != version:
                raise ValidationError(f"{label} 刚被他人更正或作废，请查看后重试")
            case_dir = ws.case_dir(case_no)
            stem = f"{paper.name}-{doc_no or f'文档{doc_id}'}-第{version + 1}版"
            docx_final, pdf_final = case_dir / f"{stem}.docx", case_dir / f"{stem}.pdf"
            _place(txn, rendered, docx_final, pdf_final)
            txn.session.add(Document(
                case_id=doc.case_id, section=doc.section, kind=doc.kind, doc_no=None,
                title=doc.title, author=doc.author, doc_date=doc.doc_date, pages=doc.pages,
                sha256=doc.sha256, path=doc.path, meta={**(doc.meta or {}), "文号": doc_no},
                state=SUPERSEDED, version=version, current_id=doc.id,
            ))  # fmt: skip
            docx_rel = ws.relative(docx_final)
            doc.title = paper.title.format(**ctx)
            doc.doc_date, doc.pages, doc.version = day, rendered.pages, version + 1
            doc.sha256 = sha256_file(txn.files.temp_for(pdf_final))
            doc.path = ws.relative(pdf_final)
            doc.meta = {"docx": docx_rel, **ctx["recorded_facts"]}
            txn.added.append(doc)
            forced = "；".join(ctx["forced_over"])
            ws.audit("paper-revise", target=case_no,
                     detail=f"{paper.name} {label} 第{version + 1}版 成文日期{day:%Y-%m-%d}"
                     + (f"（--force：{forced}）" if forced else ""), session=txn.session)  # fmt: skip
            made = MadePaper(case_no, paper.name, doc_no, docx_rel, doc.path, rendered.pages)
    return made


# --- batch ----------------------------------------------------------------------------------

_WORKER_TYPESETTER: Any = None


PR_SET_PDEATHSIG = 1  # prctl(2) option: the signal a process gets when its parent dies
WATCH_SECONDS = 0.2


def _die_with(parent_pid: int) -> None:
    """A worker must not outlive the command that started it (its parent is the forkserver,
    whose parent is the command): SIGKILL when the forkserver dies, and a watchdog thread that
    ends the worker as soon as the command's process is gone."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        while True:
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # the pid was reused by another user's process
                os._exit(1)
            if os.getppid() == 1:
                os._exit(1)
            time.sleep(WATCH_SECONDS)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _init_worker(parent_pid: int | None = None) -> None:
    global _WORKER_TYPESETTER
    from docgen.typeset.render import Typesetter

    if parent_pid is not None:
        _die_with(parent_pid)
    _WORKER_TYPESETTER = Typesetter()


class _DeferredIndex:
    """The workspace, with search indexing of new documents held back until ``flush``."""

    def __init__(self, ws: Workspace) -> None:
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
    ws: Workspace,
    type_name: str,
    flt: CaseFilter,
    values: Mapping[str, str] | None = None,
    *,
    today: dt.date | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    options: MakeOptions | None = None,
    confirm: Confirm | None = None,
) -> BatchResult:
    """Make ``type_name`` for every case matching ``flt`` that has no current paper of the type
    (those are skipped); failures are collected, not raised. ``confirm`` is asked before any
    work with the count of 文号 the batch expects to use; answering False cancels the batch."""
    import multiprocessing  # the worker pool: only a batch loads it
    from concurrent.futures import ProcessPoolExecutor

    paper = get_paper_type(type_name, ws.templates_dir)
    today = today or dt.date.today()
    options = options or MakeOptions()
    batch_options = MakeOptions(True, options.force, options.allow_blank)  # remakes skipped here
    result = BatchResult()
    jobs: list[RenderJob] = []
    planned: Counter[str] = Counter()  # 文号 expected per 代字 (units issue under their own)
    with ws.session() as session:
        views = list_cases(session, ws.calendar, flt, today)
        have = set() if options.new else cases_with_current(session, paper.name)
        total = len(views)
        for view in views:
            if view.case.id in have:
                existing = current_papers(session, view.case, paper.name)
                result.skipped.append((view.case.case_no, existing[0].doc_no or ""))
                continue
            try:
                ctx = plan_context(ws, session, paper, view.case, values or {}, today)
                ctx["forced_over"] = check_against_case(
                    ws, session, paper, view.case, ctx, today, batch_options
                )
                ctx["doc_no"] = _expected(session, ctx, today, planned[ctx["doc_code"]])
                planned[ctx["doc_code"]] += 1
                jobs.append(_job(ws, paper, view.case.case_no, ctx, Path()))
            except DocgenError as exc:
                result.failed.append((view.case.case_no, exc.message))
    result.planned = len(jobs)
    if jobs and confirm is not None:
        numbered = [j.context["doc_no"] for j in jobs if j.context["doc_no"]]
        first, last = (numbered[0], numbered[-1]) if numbered else ("", "")
        if not confirm(len(numbered), first, last):
            result.cancelled = True
            return result
    done = len(result.failed) + len(result.skipped)
    if progress:
        progress(done, total, "")
    if not jobs:
        return result
    deferred = _DeferredIndex(ws)  # one index update for the batch, not one per paper
    with scratch_dir(ws) as scratch:
        jobs = [RenderJob(j.case_no, j.template, j.context, j.variant, scratch) for j in jobs]
        context = multiprocessing.get_context("forkserver")  # no fork() of a threaded parent
        context.set_forkserver_preload(["docgen.archive.papers", "docgen.typeset.render"])
        with ProcessPoolExecutor(
            max_workers=min(workers, len(jobs)), mp_context=context, initializer=_init_worker,
            initargs=(os.getpid(),),
        ) as pool:  # fmt: skip
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
                    done += _commit_group(deferred, paper, ready, today, result, options)
                    ready = []
                if progress:
                    progress(done + len(ready), total, job.case_no)
    started = time.perf_counter()
    deferred.flush()
    result.index_seconds = time.perf_counter() - started
    result.failed.sort()
    return result


def _commit_group(
    ws: Workspace,
    paper: PaperType,
    ready: list[tuple[RenderJob, Rendered]],
    today: dt.date,
    result: BatchResult,
    options: MakeOptions,
) -> int:
    """Commit rendered papers together; on any problem fall back to one at a time. Unless
    ``options.new``, a case given its paper by another writer meanwhile is skipped."""
    try:
        items = [(job.case_no, job.context, rendered) for job, rendered in ready]
        result.made.extend(commit_papers(ws, paper, items, today, options))
        return len(ready)
    except Exception:
        pass
    for job, rendered in ready:
        try:
            result.made.append(_commit_or_redo(ws, paper, job, rendered, today, options))
        except _AlreadyMade:
            result.skipped.append((job.case_no, ""))
        except Exception as exc:
            result.failed.append((job.case_no, _reason(exc)))
    return len(ready)


def _commit_or_redo(
    ws: Workspace, paper: PaperType, job: RenderJob, rendered: Rendered, today: dt.date,
    options: MakeOptions,
) -> MadePaper:  # fmt: skip
    try:
        return commit_papers(ws, paper, [(job.case_no, job.context, rendered)], today, options)[0]
    except NumberTaken:  # an earlier case failed or another writer issued a number
        pass
    try:
        return make_paper(ws, paper.name, job.case_no, _clerk_values(paper, job.context),
                          today=today, options=options)  # fmt: skip
    except ValidationError as exc:
        if exc.code == "paper_exists":  # another batch made it meanwhile
            raise _AlreadyMade(job.case_no) from None
        raise


def _clerk_values(paper: PaperType, ctx: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for f in paper.fields:
        value = ctx[f.key]
        out[f.label] = "；".join(i["text"] for i in value) if isinstance(value, list) else value
    return out


# --- preview ------------------------------------------------------------------------------------


def preview_paper(
    ws: Workspace, type_name: str, case_no: str, values: Mapping[str, str] | None = None,
    *, today: dt.date | None = None, doc_no: str | None = None,
) -> bytes:  # fmt: skip
    """The PDF ``make_paper`` would write, with the 文号 it would probably get (``doc_no``: the
    one it keeps, for a revision); nothing is allocated, stored or recorded (the same context,
    checks and render as ``make_paper``)."""
    paper = get_paper_type(type_name, ws.templates_dir)
    today = today or dt.date.today()
    with ws.session() as session:
        case = get_case(session, case_no)
        ctx = plan_context(ws, session, paper, case, values or {}, today)
        ctx["doc_no"] = _expected(session, ctx, today) if doc_no is None else doc_no
    with scratch_dir(ws) as scratch:
        return render_job(_job(ws, paper, case_no, ctx, scratch)).pdf.read_bytes()


# --- issuing: render → stamp → sign in one call (the CLI and the web app use these) ---------------


def issue_paper(
    ws: Workspace,
    type_name: str,
    case_no: str,
    values: Mapping[str, str] | None = None,
    *,
    today: dt.date | None = None,
    options: MakeOptions | None = None,
    sealing: Sealing | None = None,
) -> MadePaper:
    """Make one paper (:func:`make_paper`) and, with ``sealing``, stamp and sign it in place;
    the catalog row then holds the sealed file's SHA-256."""
    made = make_paper(ws, type_name, case_no, values, today=today, options=options)
    return _seal_made(ws, made, sealing)


def issue_papers(
    ws: Workspace,
    type_name: str,
    flt: CaseFilter,
    values: Mapping[str, str] | None = None,
    *,
    sealing: Sealing | None = None,
    **batch: Any,
) -> BatchResult:
    """:func:`make_papers` (``batch`` takes its keyword arguments), each paper made then sealed."""
    result = make_papers(ws, type_name, flt, values, **batch)
    result.made = [_seal_made(ws, made, sealing) for made in result.made]
    return result


def _seal_made(ws: Workspace, made: MadePaper, sealing: Sealing | None) -> MadePaper:
    if sealing is None:
        return made
    from docgen.archive.sealing import seal_any_paper  # pyHanko: only when sealing

    outcome = seal_any_paper(ws, ws.root / made.pdf, sign=sealing.sign,
                             passphrase=sealing.passphrase)  # fmt: skip
    return replace(made, sealed=outcome)
