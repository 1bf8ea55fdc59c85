"""文号 allocation: (发文代字, year) → the next sequence number, atomically, with no gaps.

The counter row is bumped by one INSERT … ON CONFLICT DO UPDATE … RETURNING statement inside the
caller's transaction. The write lock it takes is held until that transaction ends, so a number
is consumed only if the paper that uses it is committed too: concurrent processes never get the
same number, and a failed render gives its number back.

A paper is rendered *before* its transaction (the 文号 is printed on it), against the number it
expects (:func:`expected_doc_no`, a read that takes no lock); :func:`claim_doc_no` then allocates
inside the transaction and raises :class:`NumberTaken` when another writer got there first, so
the caller renders again. All of 文号 allocation is this module.

A report to the 联席办 (月报, 进展报告) belongs to no single case: :func:`report_doc_no` keeps its
文号 per report and period in ``report_numbers``, so making the report again (new figures, the
clerk's words filled in) reprints the same number instead of taking a new one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.archive.tables import DocNumberCounter, ReportNumber


def format_doc_no(code: str, year: int, number: int) -> str:
    """GB/T 9704 文号: 代字〔2024〕5号 (六角括号, no leading zeros, no 第)."""
    return f"{code}〔{year}〕{number}号"


def allocate(session: Session, code: str, year: int) -> int:
    # the catalog's own dialect, which its engine has loaded (PostgreSQL's would cost a SQLite
    # workspace's command 0.02 s to import)
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = DocNumberCounter.__table__
    stmt = (
        insert(table)
        .values(code=code, year=year, last=1)
        .on_conflict_do_update(
            index_elements=[table.c.code, table.c.year], set_={"last": table.c.last + 1}
        )
        .returning(table.c.last)
    )
    return int(session.execute(stmt).scalar_one())


def allocate_doc_no(session: Session, code: str, year: int) -> str:
    return format_doc_no(code, year, allocate(session, code, year))


class NumberTaken(Exception):
    """The 文号 printed on a rendered paper was taken by another writer meanwhile."""

    def __init__(self, doc_no: str) -> None:
        super().__init__(doc_no)
        self.doc_no = doc_no


def peek_doc_no(session: Session, code: str, year: int) -> int:
    """The number the next allocation would give (no lock: another writer may take it)."""
    last = session.scalar(
        select(DocNumberCounter.last).where(
            DocNumberCounter.code == code, DocNumberCounter.year == year
        )
    )
    return (last or 0) + 1


def expected_doc_no(session: Session, code: str, year: int, offset: int = 0) -> str:
    """The 文号 to print on a paper rendered now: the next free one, ``offset`` further on for the
    later papers of a batch; "" for a paper type without 文号 (empty 代字)."""
    return format_doc_no(code, year, peek_doc_no(session, code, year) + offset) if code else ""


def claim_doc_no(session: Session, code: str, year: int, expected: str) -> str | None:
    """Allocate the next 文号 in the caller's transaction; it must be the one the paper was
    rendered with (``expected``), else :class:`NumberTaken`. None for a type without 文号."""
    doc_no = allocate_doc_no(session, code, year) if code else None
    if doc_no != (expected or None):
        raise NumberTaken(doc_no or "")
    return doc_no


def report_doc_no(
    session: Session, key: str, code: str, *, kind: str, title: str, day: dt.date
) -> tuple[str, bool]:
    """The 文号 of the report ``key`` (e.g. ``月报:2024-06``): the one it was given before, else
    the next of ``code`` for ``day``'s year, recorded in the caller's transaction.
    → (文号, whether it was allocated now)."""
    row = session.scalar(select(ReportNumber).where(ReportNumber.key == key))
    if row is not None:
        row.title, row.doc_date, row.made = title, day, row.made + 1
        return row.doc_no, False
    doc_no = allocate_doc_no(session, code, day.year)
    session.add(ReportNumber(key=key, doc_no=doc_no, kind=kind, title=title, doc_date=day, made=1))
    session.flush()
    return doc_no, True
