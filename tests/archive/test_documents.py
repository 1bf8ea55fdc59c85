"""The document write path: files and catalog rows together, or neither."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from docgen.archive.cases import get_case
from docgen.archive.documents import NewDocument, document_transaction, sha256_file
from docgen.archive.workspace import Workspace
from docgen.model import Document


class Boom(Exception):
    pass


def _count(ws: Workspace) -> int:
    with ws.session() as s:
        return s.scalar(select(func.count()).select_from(Document))


def test_files_and_rows_land_together(populated: Workspace) -> None:
    target = populated.case_dir("XF2024-0001") / "交办函.pdf"
    with document_transaction(populated) as txn:
        tmp = txn.files.add(target)
        tmp.write_bytes(b"%PDF-1.7 test")
        assert not target.exists()
        doc = txn.record(
            get_case(txn.session, "XF2024-0001"), tmp, NewDocument(2, "交办函", "交办函")
        )
    assert target.read_bytes() == b"%PDF-1.7 test"
    assert doc.sha256 == sha256_file(target)
    assert doc.path == "archive/XF2024-0001/交办函.pdf"
    assert not list(target.parent.glob(".*"))


def test_failure_leaves_no_file_no_row_and_restores_the_old_file(populated: Workspace) -> None:
    target = populated.case_dir("XF2024-0002") / "答复意见书.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"old")
    with pytest.raises(Boom), document_transaction(populated) as txn:
        tmp = txn.files.add(target)
        tmp.write_bytes(b"new")
        txn.record(get_case(txn.session, "XF2024-0002"), tmp, NewDocument(5, "答复意见书", "x"))
        txn.session.flush()
        raise Boom
    assert target.read_bytes() == b"old"
    assert _count(populated) == 0
    assert sorted(p.name for p in target.parent.iterdir()) == ["答复意见书.pdf"]


def test_failed_commit_removes_published_files(populated: Workspace) -> None:
    target = populated.case_dir("XF2024-0003") / "a.pdf"
    with pytest.raises(Exception), document_transaction(populated) as txn:  # noqa: B017
        case = get_case(txn.session, "XF2024-0003")
        for name in ("a.pdf", "b.pdf"):
            tmp = txn.files.add(target.with_name(name))
            tmp.write_bytes(b"x")
            # The same 文号 twice violates the unique constraint at flush/commit time.
            txn.record(case, tmp, NewDocument(2, "交办函", name, doc_no="某信交〔2024〕1号"))
    assert not target.exists() and not target.with_name("b.pdf").exists()
    assert _count(populated) == 0


def test_stored_files_follow_the_umask(populated: Workspace) -> None:
    import os

    target = populated.case_dir("XF2024-0004") / "x.pdf"
    with document_transaction(populated) as txn:
        tmp = txn.files.add(target)
        tmp.write_bytes(b"x")
        txn.record(get_case(txn.session, "XF2024-0004"), tmp, NewDocument(2, "交办函", "x"))
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
