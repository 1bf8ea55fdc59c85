"""文号 allocation: (发文代字, year) → the next sequence number, atomically, with no gaps.

The counter row is bumped by one INSERT … ON CONFLICT DO UPDATE … RETURNING statement inside the
caller's transaction. The write lock it takes is held until that transaction ends, so a number
is consumed only if the paper that uses it is committed too: concurrent processes never get the
same number, and a failed render gives its number back.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from docgen.model import DocNumberCounter


def format_doc_no(code: str, year: int, number: int) -> str:
    """GB/T 9704 文号: 代字〔2024〕5号 (六角括号, no leading zeros, no 第)."""
    return f"{code}〔{year}〕{number}号"


def allocate(session: Session, code: str, year: int) -> int:
    dialect = session.get_bind().dialect.name
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
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
