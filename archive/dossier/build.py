"""Case → one archival PDF dossier in the case folder, as ordered small steps.

    plan = load_plan(ws, case_no, options)        # catalog → DossierPlan (facts, items, check report)
    preflight(plan, options)                      # refuse with a stable Preflight code
    sources = open_sources(plan)                  # the stored files as issued → pypdf readers
    paginate(plan)                                # archival page numbers of every item
    frame = render_frame(plan, typesetter, ...)   # cover, 卷内目录, 备考表, overlays → pages
    generated = write_generated(frame)            # ONE WeasyPrint write for those pages
    writer = assemble(plan, ...)                  # binding order, overlays, bookmarks
    share_font_programs(writer)                   # one font program per face, not one per paper
    result = store(ws, plan, writer)              # atomic file + catalog row (kind 卷宗, section 0)

Every item goes in as the file that was issued or attached (a sealed or signed paper keeps its
seal; a paper made before a template change keeps its old layout); only the pages docgen draws
for the dossier are rendered here.

Numbering follows GB/T 9705: the cover, 卷内目录 and 备考表 are not numbered; document pages carry
1, 2, 3 … at the top-right (every page is a front side in a PDF). 档号 =
``全宗号-WS·年度-保管期限代码-机构代码-件号`` with 件号 the case's catalog id (4 digits); the 归档章
on each item's first page shows the item's 顺序号 as its 件号. The dossier is recorded as a
Document of kind ``卷宗`` in section 0 (outside the six sections), replacing the previous one, so its
SHA-256 can be verified like any other file.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import select

from docgen import gcpause
from docgen.archive.attachments import FileType, detect_type
from docgen.archive.cases import get_case
from docgen.archive.documents import (
    DocumentTransaction,
    NewDocument,
    document_transaction,
    sha256_file,
)
from docgen.archive.dossier.check import (
    DOSSIER_KIND,
    DOSSIER_SECTION,
    CheckReport,
    case_documents,
    check_case,
    defect_text,
    voided_documents,
)
from docgen.dossier import pages as P
from docgen.dossier.compose import PDFA_VARIANT, Mark, Outline, Part, compose, declare_pdfa
from docgen.dossier.fonts import share_font_programs
from docgen.dossier.images import image_to_pdf
from docgen.errors import DocgenError
from docgen.fonts import advance_widths
from docgen.model import Document
from docgen.typeset.pdf_output import pdf_bytes
from docgen.vocab import Section

if TYPE_CHECKING:
    from docgen.archive.sealing import Sealing
    from docgen.archive.workspace import Workspace


class Preflight(StrEnum):
    INCOMPLETE = "dossier_incomplete"
    NO_DOCUMENTS = "no_documents"
    SOURCE_MISSING = "source_missing"
    SOURCE_CHANGED = "source_changed"
    SOURCE_UNREADABLE = "source_unreadable"
    PDFA_FAILED = "pdfa_failed"


class DossierError(DocgenError):
    code = "dossier"


#: Kind of a signed dossier a rebuild replaced: kept in the case folder and the catalog.
SUPERSEDED_KIND = "卷宗（已替换）"
SIGNED_CODE = "dossier_signed"


class DossierIncomplete(DossierError):
    def __init__(self, report: CheckReport) -> None:
        super().__init__(
            f"案件 {report.case_no} 的六有材料不全（{len(report.errors)} 项缺失），未组卷；"
            "补齐后重试，或用 --allow-incomplete 组卷并在备考表中注明",
            code=Preflight.INCOMPLETE,
        )
        self.report = report


@dataclass(frozen=True)
class BuildOptions:
    allow_incomplete: bool = False
    archive_stamp: bool = False
    filer: str | None = None  # 立卷人 (default: the current user)
    checker: str = ""  # 检查人 (blank: signed by hand)
    today: dt.date | None = None
    pdfa: bool = False  # write PDF/A-2u for long-term preservation (checked on the output)
    replace_signed: bool = False  # rebuild over a signed dossier (which is kept, see _record)


@dataclass
class Item:
    """One 件 of the dossier: a cataloged document and where its pages come from."""

    seq: int
    doc_id: int
    section: int
    kind: str
    title: str
    doc_no: str
    author: str
    date: dt.date | None
    source: Path
    sha256: str
    pages: int = 0
    first_page: int = 0  # archival page number (1-based)


@dataclass
class DossierPlan:
    case_no: str
    case_id: int
    items: list[Item]
    report: CheckReport
    cover: dict[str, Any]
    target: Path
    voided: list[str] = field(default_factory=list)  # “文号 文书（作废原因）” for the 备考表


@dataclass(frozen=True)
class BuildResult:
    case_no: str
    path: str
    document_id: int
    archive_no: str
    items: int
    pages: int
    total_pages: int
    size: int
    sha256: str
    missing: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # signed dossiers kept as superseded
    sealed: Any = None  # the SealOutcome when the dossier was issued sealed (issue_dossier)

    def to_dict(self) -> dict[str, Any]:
        return {
            "案件编号": self.case_no,
            "路径": self.path,
            "文档编号": self.document_id,
            "档号": self.archive_no,
            "件数": self.items,
            "页数": self.pages,
            "总页数": self.total_pages,
            "字节": self.size,
            "SHA256": self.sha256,
            "缺失": self.missing,
            "保留的已签名卷宗": self.kept,
        } | ({"签章": self.sealed.as_dict()} if self.sealed is not None else {})

    def lines(self) -> list[str]:
        out = [
            f"已组卷：{self.path}",
            f"档号 {self.archive_no}，{self.items} 件，{self.pages} 页（含封面、目录、备考表共 "
            f"{self.total_pages} 页），{self.size / 1024:.0f} KB",
        ]
        out += [f"  备考表已注明缺失：{m}" for m in self.missing]
        out += [f"  原已签名的卷宗已保留为：{k}（登记为“{SUPERSEDED_KIND}”）" for k in self.kept]
        return out


def check_workspace_case(ws: Workspace, case_no: str, today: dt.date | None = None) -> CheckReport:
    """The completeness report of one case of the workspace."""
    with ws.session() as session:
        case = get_case(session, case_no)
        return check_case(case, ws.calendar, ws.root, today)


def archive_number(settings: Any, year: int, case_id: int) -> str:
    """档号 ``全宗号-WS·年度-保管期限代码-机构代码-件号``."""
    return f"{settings.fonds}-WS·{year}-{settings.retention_code}-{settings.org_unit_code}-{case_id:04d}"


# --- step 1: catalog → plan -------------------------------------------------------------------


def load_plan(ws: Workspace, case_no: str, options: BuildOptions) -> DossierPlan:
    """Catalog rows → DossierPlan: the items in binding order, cover facts, the check report."""
    today = options.today or dt.date.today()
    with ws.session() as session:
        case = get_case(session, case_no)
        report = check_case(case, ws.calendar, ws.root, options.today)
        docs = case_documents(case)
        items = []
        for seq, d in enumerate(docs, 1):
            items.append(
                Item(
                    seq,
                    d.id,
                    d.section,
                    d.kind,
                    d.title,
                    d.doc_no or "",
                    d.author or "",
                    d.doc_date,
                    ws.root / d.path,
                    d.sha256,
                )
            )
        dates = [d.doc_date for d in docs if d.doc_date]
        year_from = case.accepted_on or case.registered_on or (min(dates) if dates else today)
        cover = {
            "archive_no": archive_number(ws.settings, year_from.year, case.id),
            "year": str(year_from.year),
            "title": dossier_title(case),
            "unit": case.unit or "",
            "leader": case.leader or "",
            "first": min(dates) if dates else None,
            "last": max(dates) if dates else None,
            "org": ws.settings.org,
            "retention": ws.settings.retention,
            "case_id": case.id,
            "fonds": ws.settings.fonds,
            "unit_code": ws.settings.org_unit_code,
        }
        target = ws.case_dir(case_no) / f"卷宗-{case_no}.pdf"
        voided = [f"{d.doc_no or ''}{d.kind}《{d.title}》（作废原因：{d.void_reason or '未注明'}）"
                  for d in voided_documents(case)]  # fmt: skip
        return DossierPlan(case_no, case.id, items, report, cover, target, voided)


# --- step 2: preflight ----------------------------------------------------------------------


def preflight(plan: DossierPlan, options: BuildOptions) -> None:
    """Refuse an incomplete dossier (unless allowed), and missing or altered source files."""
    if not plan.items:
        raise DossierError(
            f"案件 {plan.case_no} 还没有任何材料，无法组卷", code=Preflight.NO_DOCUMENTS
        )
    for item in plan.items:
        if not item.source.is_file():
            raise DossierError(f"文档 {item.doc_id}《{item.title}》的文件不存在：{item.source}",
                               code=Preflight.SOURCE_MISSING)  # fmt: skip
        if sha256_file(item.source) != item.sha256:
            raise DossierError(f"文档 {item.doc_id}《{item.title}》的文件与目录登记的 SHA-256 不符"
                               "（文件被改动过）：请核对后重新附加", code=Preflight.SOURCE_CHANGED)  # fmt: skip
    if not plan.report.ok and not options.allow_incomplete:
        raise DossierIncomplete(plan.report)


# --- step 3: stored files → readers ---------------------------------------------------------


def open_sources(plan: DossierPlan) -> dict[int, PdfReader]:
    """Every item's stored file → {seq: PdfReader}; images become true-size PDF pages."""
    readers = {}
    for item in plan.items:
        kind = detect_type(item.source)
        try:
            if kind is FileType.PDF:
                reader = PdfReader(item.source)
            elif kind is not None and kind.is_image:
                reader = PdfReader(io.BytesIO(image_to_pdf(item.source)))
            else:
                raise ValueError(f"不支持的文件类型 {kind}")
            item.pages = len(reader.pages)
        except (PyPdfError, ValueError, OSError) as exc:
            raise DossierError(f"文档 {item.doc_id}《{item.title}》无法读取：{exc}",
                               code=Preflight.SOURCE_UNREADABLE) from None  # fmt: skip
        readers[item.seq] = reader
    return readers


# --- step 4: page numbers -------------------------------------------------------------------


def paginate(plan: DossierPlan) -> int:
    """Give each item its first archival page number; → the number of numbered pages."""
    page = 1
    for item in plan.items:
        item.first_page = page
        page += item.pages
    return page - 1


# --- step 5: cover, 卷内目录, 备考表, overlays → WeasyPrint pages ----------------------------


@dataclass
class Frame:
    front: Any  # WeasyPrint Document: cover + 卷内目录
    back: Any  # 备考表
    glyphs: Any  # 10 black digits, then (with the 归档章) 10 red digits and the stamp frame
    digit_width: list[float]  # advance of 0–9 in pt, black
    red_width: list[float]  # advance of 0–9 in pt, red
    statement: list[str]


def back_note_statement(plan: DossierPlan, numbered: int) -> list[str]:
    lines = [f"本卷共 {len(plan.items)} 件，{numbered} 页（封面、卷内目录、备考表不编页号）。"]
    if plan.report.ok:
        lines.append("经检查，六有材料齐全。")
    else:
        lines.append("经检查，本卷材料不全，缺少：")
        lines += [
            f"{n}. {defect_text(item.message)}" for n, item in enumerate(plan.report.errors, 1)
        ]
    if plan.voided:
        lines.append("本案作废的文书（未入卷，文号不再使用）：")
        lines += [f"{n}. {text}" for n, text in enumerate(plan.voided, 1)]
    return lines


def render_frame(plan: DossierPlan, typesetter: Any, options: BuildOptions, numbered: int) -> Frame:
    """Plan → the pages docgen draws itself, rendered with the same fonts as the papers."""
    from docgen.typeset.render import html_page

    today = options.today or dt.date.today()
    filer = options.filer or _current_user()
    c = plan.cover
    facts = P.CoverFacts(c["archive_no"], c["title"], c["unit"], c["leader"], c["first"],
                         c["last"], len(plan.items), numbered, c["retention"], filer, today,
                         c["org"])  # fmt: skip
    rows = [
        P.TocRow(
            i.seq, i.doc_no, i.author, i.title, i.date, i.first_page, i.first_page + i.pages - 1
        )
        for i in plan.items
    ]
    statement = back_note_statement(plan, numbered)
    stylesheet = frame_stylesheet(typesetter)

    def render(body: str):  # type: ignore[no-untyped-def]
        return typesetter.render(html_page(body, plan.case_no), [stylesheet])

    glyph_html = P.digit_pages_html(P.NUMBER_PT, "#000", P.number_top_css())
    if options.archive_stamp:
        glyph_html += P.digit_pages_html(P.STAMP_PT, "#d40000", P.stamp_digit_top_css(), "sd")
        stamp = P.StampFacts(c["fonds"], c["year"], c["retention"], "", 0, c["unit_code"])
        glyph_html += P.stamp_frame_html(stamp)
    front = render(P.cover_html(facts) + P.toc_html(rows))
    back = render(P.back_note_html(statement, filer, options.checker, today))
    glyphs = render(glyph_html)
    # the digits' widths, for setting numbers from the ten digit pages (.no and .sd in P.css)
    digits = "0123456789"
    numbers = advance_widths(typesetter.fonts["page_number"], digits, P.NUMBER_PT)
    stamp_digits = (
        advance_widths(typesetter.fonts["heading1"], digits, P.STAMP_PT)
        if options.archive_stamp
        else []
    )
    return Frame(front, back, glyphs, numbers, stamp_digits, statement)


def frame_stylesheet(typesetter: Any) -> Any:
    """The parsed CSS of the dossier pages, once per typesetter. The typesetter's own paper
    stylesheet registers the prepared font faces, so this CSS only names their families."""
    from docgen.typeset.variants import get_variant

    typesetter.stylesheet(get_variant(None))
    return typesetter.css(P.css(typesetter.fonts, font_faces=False))


def _current_user() -> str:
    """The 立卷人 when none is given: the named user (DOCGEN_USER), never a login name such as
    “root”; unknown → empty, for the filer to sign by hand."""
    return os.environ.get("DOCGEN_USER", "").strip()


def dossier_title(case: Any) -> str:
    """案卷题名: who raised which problem, whole words only (a demand cut at N characters reads
    “未获分的信访事项”): “张三等3人反映土地征用问题信访事项（XF2024-0001）”."""
    names = [p.name for p in case.petitioners]
    who = names[0] + (f"等{len(names)}人" if len(names) > 1 else "") if names else ""
    problem = f"反映{case.category}问题" if case.category else "反映问题"
    return f"{who}{problem}信访事项（{case.case_no}）"


# --- step 6: one WeasyPrint write ------------------------------------------------------------


def write_generated(frame: Frame, *, pdfa: bool = False) -> PdfReader:
    """All generated pages in one PDF (front, back, overlays) → reader."""
    pages = [*frame.front.pages, *frame.back.pages, *frame.glyphs.pages]
    variant = {"pdf_variant": PDFA_VARIANT} if pdfa else {}
    return PdfReader(io.BytesIO(frame.front.copy(pages).write_pdf(**variant)))


# --- step 7: binding order, overlays, bookmarks -----------------------------------------------


def assemble(plan: DossierPlan, frame: Frame, generated: PdfReader, sources: dict[int, PdfReader]):  # type: ignore[no-untyped-def]
    """Generated and source pages → PdfWriter in binding order with overlays and bookmarks."""
    n_front = len(frame.front.pages)
    parts = [Part(generated, 0, n_front)]
    out = n_front  # next output page index
    outline = [Outline("案卷封面", 0), Outline("卷内目录", 1)]
    section_entries: dict[int, Outline] = {}
    item_index: dict[int, int] = {}
    for item in plan.items:
        parts.append(Part(sources[item.seq], 0, item.pages))
        if item.section not in section_entries:
            label = f"{item.section}. {Section(item.section).label}"
            section_entries[item.section] = Outline(label, out)
            outline.append(section_entries[item.section])
        section_entries[item.section].children.append(
            Outline(f"{item.seq}. {item.title}（第{item.first_page}页）", out)
        )
        item_index[item.seq] = out
        out += item.pages
    n_back = len(frame.back.pages)
    parts.append(Part(generated, n_front, n_back))
    outline.append(Outline("卷内备考表", out))
    glyph_start = n_front + n_back
    forms = {f"/DocgenD{d}": (generated, glyph_start + d) for d in range(10)}
    forms |= {f"/DocgenR{d}": (generated, glyph_start + 10 + d) for d in range(10)}
    forms["/DocgenStamp"] = (generated, glyph_start + 20)
    marks: dict[int, list[Mark]] = {}
    for item in plan.items:
        for j in range(item.pages):
            page_marks = _digits(str(item.first_page + j), "/DocgenD", frame.digit_width,
                                 right=P.A4_W_PT - P.NUMBER_RIGHT_MM * P.MM)  # fmt: skip
            if j == 0 and frame.red_width:
                page_marks.append(Mark("/DocgenStamp", 0.0))
                for col, value in ((1, f"{item.seq:04d}"), (2, str(item.pages))):
                    centre = (P.STAMP_LEFT_MM + P.CELL_W_MM * (col - 0.5)) * P.MM
                    page_marks += _digits(value, "/DocgenR", frame.red_width, centre=centre)
            marks[item_index[item.seq] + j] = page_marks
    metadata = {"/Title": f"{plan.cover['title']} 档号 {plan.cover['archive_no']}",
                "/Producer": "docgen"}  # fmt: skip
    return compose(parts, forms, marks, outline, metadata)


def _digits(text: str, prefix: str, widths: list[float], *, right: float | None = None,
            centre: float | None = None) -> list[Mark]:  # fmt: skip
    """Marks drawing ``text`` (digits) right-aligned at ``right`` or centred on ``centre``."""
    total = sum(widths[int(ch)] for ch in text)
    x = (right - total) if right is not None else (centre or 0.0) - total / 2
    out = []
    for ch in text:
        out.append(Mark(f"{prefix}{ch}", x))
        x += widths[int(ch)]
    return out


# --- step 8: atomic file + catalog row ------------------------------------------------------


def store(
    ws: Workspace, plan: DossierPlan, writer: Any, numbered: int, options: BuildOptions
) -> BuildResult:  # type: ignore[no-untyped-def]
    """Write the dossier atomically, replacing the previous one and its catalog row, through a
    ``document_transaction`` that leaves the search index alone: the dossier repeats its items'
    text, and those are indexed one by one."""
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    with document_transaction(ws, index=False) as txn:
        return _record(ws, plan, writer, numbered, txn, options)


def _finish_pdfa(path: Path, plan: DossierPlan, today: dt.date | None) -> None:
    """题名, 档号 and dates into the XMP, then the PDF/A check on the written file itself."""
    from docgen.seal.pdfa import check_pdfa, set_archival_metadata

    on = today or dt.date.today()
    set_archival_metadata(path, path, plan.cover["title"], plan.cover["archive_no"], [on])
    report = check_pdfa(path)
    if not report.ok:
        problems = "；".join(i.message for i in report.items if i.severity == "error")
        raise DossierError(f"卷宗未通过 PDF/A 检查：{problems}", code=Preflight.PDFA_FAILED)


def _signed(path: Path) -> bool:
    from docgen.seal.xobject import is_signed  # only when a dossier is rebuilt

    try:
        return path.is_file() and is_signed(PdfReader(path))
    except (OSError, PyPdfError, ValueError):
        return False


def signed_dossiers(ws: Workspace, case_no: str) -> list[Document]:
    """The case's current dossiers whose file carries a digital signature."""
    with ws.read_session() as session:
        case = get_case(session, case_no)
        rows = session.scalars(
            select(Document).where(Document.case_id == case.id, Document.kind == DOSSIER_KIND)
        ).all()
    return [d for d in rows if _signed(ws.root / d.path)]


def refuse_replacing_signed(ws: Workspace, case_no: str, options: BuildOptions) -> None:
    """A signed dossier is never replaced silently: ``replace_signed`` must say so."""
    if options.replace_signed:
        return
    for doc in signed_dossiers(ws, case_no):
        raise DossierError(
            f"案件 {case_no} 的卷宗（文档 {doc.id}，{doc.path}）已数字签名，重新组卷会替换它。"
            "确需重建请加 --replace-signed（已签名的卷宗会另存保留并登记）",
            code=SIGNED_CODE,
        )


def _keep_superseded(ws: Workspace, txn: DocumentTransaction, old: Document, target: Path) -> str:
    """Keep a replaced signed dossier beside the new one, its row re-labelled (same batch)."""
    kept = target.with_name(f"{target.stem}.已替换-文档{old.id}.pdf")
    tmp = txn.files.add(kept)
    tmp.unlink()
    os.link(ws.root / old.path, tmp)
    old.kind = SUPERSEDED_KIND
    old.path = kept.relative_to(ws.root).as_posix()
    old.meta = {**(old.meta or {}), "替换时间": dt.datetime.now().isoformat(timespec="seconds")}
    return old.path


def _record(ws: Workspace, plan: DossierPlan, writer: Any, numbered: int,
            txn: DocumentTransaction, options: BuildOptions) -> BuildResult:  # fmt: skip
    case = get_case(txn.session, plan.case_no)
    kept = []
    for old in txn.session.scalars(
        select(Document).where(Document.case_id == case.id, Document.kind == DOSSIER_KIND)
    ):
        if _signed(ws.root / old.path):
            if not options.replace_signed:  # signed since the check before building
                refuse_replacing_signed(ws, plan.case_no, options)
            kept.append(_keep_superseded(ws, txn, old, plan.target))
        else:
            txn.session.delete(old)
    tmp = txn.files.add(plan.target)
    tmp.write_bytes(pdf_bytes(writer))
    if options.pdfa:
        _finish_pdfa(tmp, plan, options.today)
    total = len(writer.pages)
    missing = [] if plan.report.ok else [i.message for i in plan.report.errors]
    doc = txn.record(case, tmp, NewDocument(
        section=DOSSIER_SECTION, kind=DOSSIER_KIND, title=plan.cover["title"],
        doc_date=dt.date.today(), pages=total,
        meta={"档号": plan.cover["archive_no"], "件数": len(plan.items), "页数": numbered,
              "缺失": missing},
    ))  # fmt: skip
    txn.session.flush()
    kept_note = f" 保留已签名卷宗{len(kept)}份" if kept else ""
    ws.audit("dossier_build", target=plan.case_no,
             detail=f"文档{doc.id} {len(plan.items)}件 {numbered}页{kept_note}", session=txn.session)  # fmt: skip
    return BuildResult(plan.case_no, doc.path, doc.id, plan.cover["archive_no"], len(plan.items),
                       numbered, total, tmp.stat().st_size, doc.sha256, missing, kept)  # fmt: skip


BUILD_STEPS = ("读取材料", "编排页号", "排版封面与目录", "写出", "合并", "存档")


def build_dossier(ws: Workspace, case_no: str, options: BuildOptions | None = None,
                  typesetter: Any = None, progress: Any = None) -> BuildResult:  # fmt: skip
    """The whole program: see the module docstring. ``progress(done, total, step)`` is told as
    each of the ``BUILD_STEPS`` begins and when the dossier is stored."""
    from docgen.typeset.render import default_typesetter

    total = len(BUILD_STEPS)

    def step(name: str) -> None:
        if progress:
            progress(BUILD_STEPS.index(name), total, name)

    options = options or BuildOptions()
    plan = load_plan(ws, case_no, options)
    preflight(plan, options)
    refuse_replacing_signed(ws, case_no, options)
    ts = typesetter or default_typesetter()
    # Layout allocates many short-lived objects while the rendered pages stay alive: the
    # cyclic collector would re-scan them over and over.
    with gcpause.paused():
        step("读取材料")
        sources = open_sources(plan)
        step("编排页号")
        numbered = paginate(plan)
        step("排版封面与目录")
        frame = render_frame(plan, ts, options, numbered)
        step("写出")
        generated = write_generated(frame, pdfa=options.pdfa)
        step("合并")
        writer = assemble(plan, frame, generated, sources)
        share_font_programs(writer)
        if options.pdfa:
            declare_pdfa(writer, generated)
        del frame
    step("存档")
    result = store(ws, plan, writer, numbered, options)
    if progress:
        progress(total, total, "完成")
    return result


def issue_dossier(
    ws: Workspace,
    case_no: str,
    options: BuildOptions | None = None,
    *,
    sealing: Sealing | None = None,
    progress: Any = None,
) -> BuildResult:
    """Build the case's dossier (:func:`build_dossier`) and, with ``sealing``, seal its cover and
    edges and sign it in place (PDF/A metadata kept when ``options.pdfa``): the one call for
    build → stamp → sign."""
    result = build_dossier(ws, case_no, options, progress=progress)
    if sealing is None:
        return result
    from docgen.archive.sealing import seal_stored_dossier  # pyHanko: only when sealing

    outcome = seal_stored_dossier(ws, case_no, sign=sealing.sign, passphrase=sealing.passphrase,
                                  pdfa=bool(options and options.pdfa))  # fmt: skip
    size = outcome.path.stat().st_size
    return replace(result, sealed=outcome, sha256=outcome.sha256, size=size)
