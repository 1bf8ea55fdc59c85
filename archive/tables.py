"""The workspace's bookkeeping tables, beside the case model's (``docgen.model``, same ``Base``):
文号 counters, the audit log, committed file batches, the search-index journal, web-app users.
Their schema evolves through the Alembic migrations in ``archive/migrations`` like the others.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from docgen.model import Base, utcnow


class DocNumberCounter(Base):
    """Last 文号 sequence number issued per 发文代字 and year."""

    __tablename__ = "doc_number_counters"
    __table_args__ = (UniqueConstraint("code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)


class AuditEntry(Base):
    """Append-only audit log: who did what, when. Never holds personal data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(128))
    detail: Mapped[str | None] = mapped_column(Text)


class FileBatchMark(Base):
    """A file batch whose catalog rows committed: written in the same transaction as the rows,
    so a batch interrupted by a crash is rolled forward or back by what the catalog holds
    (see ``archive.documents``)."""

    __tablename__ = "file_batches"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class IndexJournalEntry(Base):
    """Search-index work owed: one row per case record or document a write changed, added by
    the catalog session in the same transaction as the change (``archive.indexing``). The index
    records up to which ``id`` it has caught up, so work a crash left undone is found and done
    by the next command. ``AUTOINCREMENT``: ids are never reused, even after rows are pruned."""

    __tablename__ = "index_journal"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(160))  # index.IndexDoc.doc_id: case:… or doc:…


class User(Base):
    """A person who signs in to the web app (``docgen user add``); the password as an argon2 hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # 文书 / 档案 / 领导 / 管理员
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ReportNumber(Base):
    """The 文号 a report to the 联席办 carries (月报, 进展报告: papers of no single case), one per
    report and period (``key``: 月报:2024-06, 进展报告2:2024): re-making the report reprints the
    same number, as a revised paper keeps its 文号 (``archive.numbering.report_doc_no``)."""

    __tablename__ = "report_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    doc_no: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # 月报 / 进展报告
    title: Mapped[str] = mapped_column(Text)
    doc_date: Mapped[dt.date] = mapped_column(Date)  # 成文日期 of the latest making
    made: Mapped[int] = mapped_column(Integer, default=1)  # times made under this number
