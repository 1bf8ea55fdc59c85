"""Helpers for the dossier and attachment tests: small real PDFs, catalog rows, text per page.

A whole complete case is ``tests.cases.file_complete_case``.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter

from docgen.archive.cases import get_case
from docgen.archive.documents import NewDocument, document_transaction
from docgen.archive.workspace import Workspace


def blank_pdf(pages: int = 1, seed: int = 0) -> bytes:
    writer = PdfWriter()
    for n in range(pages):
        writer.add_blank_page(595 + seed, 842 + n)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def file_doc(ws: Workspace, case_no: str, section: int, kind: str, meta: dict[str, Any] | None = None,
             *, seed: int = 0) -> int:  # fmt: skip
    """Catalog a tiny one-page PDF as a document of ``kind`` (fast: no typesetting)."""
    with document_transaction(ws) as txn:
        case = get_case(txn.session, case_no)
        n = len(case.documents) + 1
        tmp = txn.files.add(ws.case_dir(case_no) / f"{n:03d}-{kind}.pdf")
        tmp.write_bytes(blank_pdf(1, seed=n + seed))
        doc = txn.record(case, tmp, NewDocument(section, kind, kind, doc_date=dt.date(2024, 6, n),
                                                pages=1, meta=meta or {}))  # fmt: skip
        txn.session.flush()
        return doc.id


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]
