"""Helpers for the verify/export tests: a case with stored PDFs, recorded as catalog Documents.

Not a test module by content; its name only keeps it inside the paths the verify tests own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from docgen.archive.cases import get_case
from docgen.archive.documents import NewDocument, document_transaction
from docgen.archive.workspace import Workspace
from docgen.model import Case, Document

CASE_NO = "XF2024-0901"
ID_NUMBER = "110105194912310021"
PHONE = "13812345678"


def add_case(ws: Workspace, case_no: str = CASE_NO) -> None:
    """A case whose 诉求 carries an ID number, a phone and a street address."""
    with ws.session() as session:
        case = Case(
            case_no=case_no,
            category="劳动保障",
            demand=f"追讨拖欠工资，联系电话{PHONE}，身份证{ID_NUMBER}，住朝阳区幸福路8号3单元",
            unit="区人社局",
            leader_name="张伟",
        )
        session.add(case)
    ws.cases_changed([case_no])


def store(
    ws: Workspace,
    src: Path,
    name: str,
    *,
    case_no: str = CASE_NO,
    kind: str = "处理意见书",
    section: int = 5,
) -> Path:
    """Copy ``src`` into the case folder as ``name`` and record it; returns the stored path."""
    final = ws.case_dir(case_no) / name
    with document_transaction(ws) as txn:
        case = get_case(txn.session, case_no)
        tmp = txn.files.add(final)
        shutil.copyfile(src, tmp)
        txn.record(case, tmp, NewDocument(section=section, kind=kind, title=name))
    return final


def document_row(ws: Workspace, path: Path) -> Document:
    with ws.session() as session:
        rel = ws.relative(path)
        return session.query(Document).filter_by(path=rel).one()
