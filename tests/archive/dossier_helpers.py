"""Helpers for the dossier and attachment tests: small real PDFs, catalog rows, text per page."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter

from docgen.archive.cases import get_case
from docgen.archive.documents import NewDocument, document_transaction


def blank_pdf(pages: int = 1, seed: int = 0) -> bytes:
    writer = PdfWriter()
    for n in range(pages):
        writer.add_blank_page(595 + seed, 842 + n)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def file_doc(ws: Any, case_no: str, section: int, kind: str, meta: dict[str, Any] | None = None,
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


SIGNED = {"包案领导签字": "王强", "承办人签字": "李娜", "主要负责人签字": "赵刚"}
CLAUSES = [{"条款": "支付欠薪", "履行情况": "已支付"}, {"条款": "不再上访", "履行情况": "已履行"}]


COMPLETE = [
    (1, "信访事项受理告知书", {}),
    (2, "交办函", {}),
    (3, "领导包案通知", {}),
    (4, "查办报告", {**SIGNED, "落实情况": "已落实"}),
    (5, "处理意见书", {}),
    (5, "送达回证", {"送达时间": "2024-6-12"}),
    (5, "息诉罢访协议书", {"条款": CLAUSES}),
    (5, "息诉罢访保证书", {}),
    (5, "回访记录", {}),
    (6, "稳控方案", {}),
]


def file_complete_case(ws: Any, case_no: str) -> None:
    """Catalog every document a closed case needs (tiny PDFs, one transaction), close the case."""
    with document_transaction(ws) as txn:
        case = get_case(txn.session, case_no)
        for n, (section, kind, meta) in enumerate(COMPLETE, 1):
            tmp = txn.files.add(ws.case_dir(case_no) / f"{n:03d}-{kind}.pdf")
            tmp.write_bytes(blank_pdf(1, seed=n))
            txn.record(case, tmp, NewDocument(section, kind, kind, doc_date=dt.date(2024, 6, n),
                                              pages=1, meta=meta))  # fmt: skip
        case.status = "已办结"
        case.closed_on = dt.date(2024, 7, 1)
        case.extension_approved = True


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]
