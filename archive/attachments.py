"""Attaching a file to a case: source file → validated, typed, stored and cataloged document.

The real type is read from the content (magic bytes), never from the file name. PDF, JPEG, PNG
and TIFF are stored unchanged (images become one PDF page each only when a dossier is assembled,
at their true size from the DPI); a .docx is typeset through ``docgen.typeset`` and both files are
kept (the Document's path is the PDF, ``meta["docx"]`` the .docx). Encrypted, broken, oversized and
duplicate files (same SHA-256 already cataloged for the case) are refused with a Chinese message.
Files and the catalog row land together through ``archive.documents.document_transaction``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select

from docgen import chars
from docgen.archive.cases import get_case
from docgen.archive.documents import NewDocument, document_transaction, sha256_file
from docgen.errors import ValidationError
from docgen.model import CURRENT, Document
from docgen.safezip import check_word_zip
from docgen.vocab import Section

#: Default size limit; ``DOCGEN_ATTACH_MAX_MB`` or ``max_bytes=`` change it.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_KIND = "附件"


class FileType(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    TIFF = "tiff"
    DOCX = "docx"

    @property
    def suffix(self) -> str:
        return {"jpeg": ".jpg", "tiff": ".tif"}.get(self.value, f".{self.value}")

    @property
    def is_image(self) -> bool:
        return self in (FileType.JPEG, FileType.PNG, FileType.TIFF)


class AttachError(ValidationError):
    code = "attach"


@dataclass
class AttachRequest:
    case_no: str
    source: Path
    section: int
    title: str
    kind: str = DEFAULT_KIND
    doc_date: dt.date | None = None
    author: str | None = None
    doc_no: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AttachResult:
    document_id: int
    case_no: str
    path: str
    file_type: str
    pages: int
    sha256: str
    docx: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "文档编号": self.document_id,
            "案件编号": self.case_no,
            "路径": self.path,
            "类型": self.file_type,
            "页数": self.pages,
            "SHA256": self.sha256,
            "docx": self.docx,
        }


def detect_type(path: Path) -> FileType | None:
    """The file's real type from its first bytes (a .docx is a zip holding word/document.xml)."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" in head[:1024]:
        return FileType.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType.PNG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return FileType.TIFF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                if "word/document.xml" in zf.namelist():
                    return FileType.DOCX
        except zipfile.BadZipFile:
            return None
    return None


def max_bytes_setting() -> int:
    value = os.environ.get("DOCGEN_ATTACH_MAX_MB")
    return int(float(value) * 1024 * 1024) if value else DEFAULT_MAX_BYTES


def count_pages(path: Path, file_type: FileType) -> int:
    """Open the file with pypdf or Pillow; refuse encrypted or broken files. → page count."""
    name = path.name
    if file_type is FileType.PDF:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            reader = PdfReader(path)
            if reader.is_encrypted:
                raise AttachError(
                    f"文件 {name} 是加密的 PDF：请提供未加密的版本（去掉打开密码和权限限制）"
                )
            pages = len(reader.pages)
            for page in reader.pages:
                page.mediabox  # noqa: B018 - touch every page so a broken tree fails here
        except AttachError:
            raise
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
            raise AttachError(f"文件 {name} 已损坏，无法作为 PDF 打开：{exc}") from None
        if pages < 1:
            raise AttachError(f"文件 {name} 没有页面")
        return pages
    if file_type.is_image:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(path) as img:
                frames = getattr(img, "n_frames", 1)
                img.load()
        except Image.DecompressionBombError:
            raise AttachError(
                f"图像文件 {name} 的像素数过大（疑似“解压炸弹”）：请缩小分辨率（如 200 dpi）后再附加"
            ) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise AttachError(f"图像文件 {name} 已损坏，无法打开：{exc}") from None
        return frames
    check_word_zip(path, "附件")
    return 0  # .docx: counted after typesetting


def find_duplicate(session: Any, case_id: int, sha256: str) -> Document | None:
    return session.scalar(
        select(Document).where(Document.case_id == case_id, Document.sha256 == sha256)
    )


def signed_copy_target(session: Any, case: Any, request: AttachRequest) -> Document | None:
    """The issued paper a scan carrying its 文号 is the signed (stamped) copy of, or None for a
    文号 the catalog has not issued. A 文号 of another case or another kind is refused."""
    if not request.doc_no:
        return None
    paper = session.scalar(select(Document).where(Document.doc_no == request.doc_no))
    if paper is None:
        return None
    if paper.case_id != case.id:
        raise AttachError(
            f"文号 {request.doc_no} 已用于另一案件的{paper.kind}《{paper.title}》，不能附在案件 "
            f"{request.case_no} 上：请核对文号",
            code="doc_no_taken",
        )
    if request.kind not in (DEFAULT_KIND, paper.kind):
        raise AttachError(
            f"文号 {request.doc_no} 是{paper.kind}《{paper.title}》的文号，与附件种类“{request.kind}”"
            "不符：同一文号只能附该文书的签字（盖章）件",
            code="doc_no_taken",
        )
    if paper.state != CURRENT:
        raise AttachError(f"文号 {request.doc_no} 的{paper.kind}已作废（{paper.void_reason}），"
                          "不能再附签字件", code="doc_no_void")  # fmt: skip
    if int(request.section) != paper.section:
        raise AttachError(f"{paper.kind} {request.doc_no} 属六有第{paper.section}部分，"
                          f"签字件应附在同一部分（收到 --section {request.section}）")  # fmt: skip
    return paper


def _safe_stem(title: str) -> str:
    stem = re.sub(r'[\\/:*?"<>|\s\x00-\x1f]+', "_", title).strip("._")
    return stem[:40] or "附件"


def attach(ws: Any, request: AttachRequest, *, max_bytes: int | None = None) -> AttachResult:
    """Validate ``request.source`` and store it in the case folder with its catalog row."""
    source = Path(request.source)
    if not source.is_file():
        raise AttachError(f"找不到文件：{source}")
    try:
        section = Section(request.section)
    except ValueError:
        raise AttachError(f"六有部分应为 1–6，收到 {request.section}") from None
    if not request.title.strip():
        raise AttachError("请用 --title 给出题名")
    for label, value in (
        ("题名", request.title),
        ("文号", request.doc_no),
        ("责任者", request.author),
        ("材料种类", request.kind),
    ):
        if value and (bad := chars.problem(value, one_line=True)):
            raise AttachError(f"“{label}”{bad}")
    limit = max_bytes if max_bytes is not None else max_bytes_setting()
    size = source.stat().st_size
    if size > limit:
        raise AttachError(
            f"文件 {source.name} 过大（{size / 1048576:.1f} MB），上限为 {limit / 1048576:.0f} MB："
            "请压缩扫描件（如 200 dpi 灰度）后再附加"
        )
    if size == 0:
        raise AttachError(f"文件 {source.name} 是空文件")
    file_type = detect_type(source)
    if file_type is None:
        raise AttachError(
            f"文件 {source.name} 的内容不是 PDF、JPG、PNG、TIFF 或 Word(.docx)：请检查文件"
            "（按文件内容识别类型，与扩展名无关）"
        )
    pages = count_pages(source, file_type)
    digest = sha256_file(source)

    with ws.session() as session:
        case = get_case(session, request.case_no)
        paper = signed_copy_target(session, case, request)
        signed_of = (paper.id, paper.kind) if paper is not None else None
        existing = find_duplicate(session, case.id, digest)
        if existing is not None:
            raise AttachError(
                f"该文件已附加过：文档 {existing.id}《{existing.title}》（{existing.path}），不再重复保存",
                code="duplicate",
            )
        count = len(session.scalars(select(Document.id).where(Document.case_id == case.id)).all())

    folder = ws.case_dir(request.case_no) / "attachments"
    stem = f"{count + 1:03d}-{_safe_stem(request.title)}"
    meta: dict[str, Any] = {"格式": file_type.value, **request.meta}
    docx_rel: str | None = None
    with document_transaction(ws) as txn:
        case = get_case(txn.session, request.case_no)
        if file_type is FileType.DOCX:
            docx_final = folder / f"{stem}.docx"
            docx_tmp = txn.files.add(docx_final)
            shutil.copyfile(source, docx_tmp)
            pdf_tmp = txn.files.add(folder / f"{stem}.pdf")
            from docgen.typeset import typeset_docx

            pages = typeset_docx(docx_tmp, pdf_tmp).pages
            docx_rel = docx_final.resolve().relative_to(ws.root).as_posix()
            meta["docx"] = docx_rel
            stored = pdf_tmp
        else:
            stored = txn.files.add(folder / f"{stem}{file_type.suffix}")
            shutil.copyfile(source, stored)
        if signed_of is not None:
            meta["签字件"] = request.doc_no
        new = NewDocument(
            section=int(section),
            kind=(signed_of[1] if signed_of and request.kind == DEFAULT_KIND else request.kind)
            or DEFAULT_KIND,
            title=request.title.strip(),
            doc_no=None if signed_of is not None else request.doc_no or None,
            author=request.author or None,
            doc_date=request.doc_date,
            pages=pages,
            meta=meta,
        )
        doc = txn.record(case, stored, new)
        if signed_of is not None:
            doc.signed_of_id = signed_of[0]
        txn.session.flush()
        ws.audit(
            "attach",
            target=request.case_no,
            detail=f"文档{doc.id} 第{int(section)}部分 {file_type.value} {pages}页",
            session=txn.session,
        )
        result = AttachResult(doc.id, request.case_no, doc.path, file_type.value, pages,
                              doc.sha256, docx_rel)  # fmt: skip
    return result


def parse_meta(pairs: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """``键=值`` strings → a dict; a value that parses as JSON (list, number, bool) is kept typed."""
    import json

    meta: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AttachError(f"--meta 应写成 键=值，收到“{pair}”")
        try:
            parsed = json.loads(value) if value[:1] in "[{" or value in ("true", "false") else value
        except json.JSONDecodeError:
            parsed = value
        meta[key.strip()] = parsed
    return meta
