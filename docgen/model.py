"""The case model: catalog tables for cases, petitioners, 回访 records, case events and documents.

The workspace's own bookkeeping tables (文号 counters, audit log, file batches, index journal,
users) live with the workspace, in ``docgen.archive.tables``, on the same ``Base``.

SQLAlchemy 2 declarative models, portable between SQLite (the embedded default) and PostgreSQL.
The schema evolves through the Alembic migrations in ``archive/migrations``, never ad hoc.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from docgen.vocab import FLAGS


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


def leader_label(post: str | None, name: str | None) -> str:
    """包案领导 as printed: post and name (“副区长 王强”), whichever is known."""
    return " ".join(p for p in (post, name) if p)


class Case(Base):
    """One 信访积案 (a row of the 台账)."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(64), unique=True, index=True)  # 案件编号
    form: Mapped[str | None] = mapped_column(String(16))  # 信访形式
    source: Mapped[str | None] = mapped_column(String(16))  # 来源/交办层级
    category: Mapped[str] = mapped_column(String(16), index=True)  # 问题类别
    category_group: Mapped[str | None] = mapped_column(String(16))  # 组织人事/民生/其它遗留
    head_count: Mapped[int] = mapped_column(Integer, default=1)  # 人数 (集体访)
    demand: Mapped[str] = mapped_column(Text)  # 诉求
    facts: Mapped[str | None] = mapped_column(Text)  # 基本案情
    locality: Mapped[str | None] = mapped_column(String(64))  # 属地
    unit: Mapped[str | None] = mapped_column(String(128), index=True)  # 责任单位
    leader_name: Mapped[str | None] = mapped_column(String(32), index=True)  # 包案领导
    leader_post: Mapped[str | None] = mapped_column(String(64))  # 包案领导职务
    responsible_person: Mapped[str | None] = mapped_column(String(64))  # 责任人
    handler: Mapped[str | None] = mapped_column(String(64))  # 承办人
    resolution_measures: Mapped[str | None] = mapped_column(Text)  # 化解措施
    stability_measures: Mapped[str | None] = mapped_column(Text)  # 稳控措施
    registered_on: Mapped[dt.date | None] = mapped_column(Date)  # 登记日期
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)  # 受理日期
    assigned_on: Mapped[dt.date | None] = mapped_column(Date)  # 交办日期
    due_on: Mapped[dt.date | None] = mapped_column(Date)  # 办结时限
    extension_approved: Mapped[bool] = mapped_column(Boolean, default=False)  # 延期已批准
    extended_due_on: Mapped[dt.date | None] = mapped_column(Date)  # 延期后时限
    closed_on: Mapped[dt.date | None] = mapped_column(Date)  # 办结日期
    status: Mapped[str] = mapped_column(String(16), default="办理中", index=True)  # 状态
    outcome: Mapped[str | None] = mapped_column(String(16))  # 办理结果
    remarks: Mapped[str | None] = mapped_column(Text)  # 备注
    extra: Mapped[dict] = mapped_column(JSON, default=dict)  # ledger columns we do not model
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, index=True
    )  # max() is the ledger pages' cache check

    # Flags: one boolean column each (see vocab.FLAGS).
    repeat_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    group_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    provincial_group_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    beijing_abnormal_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    provincial_visit: Mapped[bool] = mapped_column(Boolean, default=False)  # 赴省
    beijing_visit: Mapped[bool] = mapped_column(Boolean, default=False)  # 进京
    abnormal_visit: Mapped[bool] = mapped_column(Boolean, default=False)  # 非正常访
    cross_region: Mapped[bool] = mapped_column(Boolean, default=False)
    cross_department: Mapped[bool] = mapped_column(Boolean, default=False)
    cross_industry: Mapped[bool] = mapped_column(Boolean, default=False)
    person_household_separated: Mapped[bool] = mapped_column(Boolean, default=False)
    person_matter_separated: Mapped[bool] = mapped_column(Boolean, default=False)
    person_matter_household_separated: Mapped[bool] = mapped_column(Boolean, default=False)
    # Optimistic concurrency: every UPDATE checks and bumps it, so a desk that read an older
    # version cannot silently overwrite another desk's edit (migration 0005).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    petitioners: Mapped[list[Petitioner]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Petitioner.seq"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="FollowUp.visited_on"
    )
    documents: Mapped[list[Document]] = relationship(back_populates="case")
    events: Mapped[list[CaseEvent]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: (CaseEvent.day, CaseEvent.id)
    )

    @property
    def flag_labels(self) -> list[str]:
        return [label for name, label in FLAGS.items() if getattr(self, name)]

    @property
    def leader(self) -> str:
        return leader_label(self.leader_post, self.leader_name)


class Petitioner(Base):
    """信访人: one row per person; a group petition lists its representatives (≤ 5)."""

    __tablename__ = "petitioners"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(64), index=True)  # 姓名
    id_number: Mapped[str | None] = mapped_column(String(18))  # 身份证号
    phone: Mapped[str | None] = mapped_column(String(32))  # 电话
    address: Mapped[str | None] = mapped_column(Text)  # 住址

    case: Mapped[Case] = relationship(back_populates="petitioners")


class FollowUp(Base):
    """回访 record."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[dt.date] = mapped_column(Date)  # 回访日期
    method: Mapped[str | None] = mapped_column(String(16))  # 上门/电话/约见
    visitors: Mapped[str | None] = mapped_column(String(128))  # 回访人
    attitude: Mapped[str | None] = mapped_column(String(16))  # 满意/基本满意/不满意
    content: Mapped[str | None] = mapped_column(Text)  # 回访内容
    # The 回访记录 paper written for this visit, once one is made.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))

    case: Mapped[Case] = relationship(back_populates="follow_ups")


CURRENT, SUPERSEDED, VOID = "current", "superseded", "void"  # Document.state
STATE_LABELS = {CURRENT: "有效", SUPERSEDED: "旧版", VOID: "作废"}


class Document(Base):
    """A stored file of a case: a generated paper, a scan or a signed PDF."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    section: Mapped[int] = mapped_column(Integer)  # 六有 section 1–6
    kind: Mapped[str] = mapped_column(String(32), index=True)  # paper type or attachment kind
    doc_no: Mapped[str | None] = mapped_column(String(64), unique=True)  # 文号
    title: Mapped[str] = mapped_column(Text)  # 题名
    author: Mapped[str | None] = mapped_column(String(128))  # 责任者
    doc_date: Mapped[dt.date | None] = mapped_column(Date)  # 日期
    pages: Mapped[int | None] = mapped_column(Integer)  # 页数
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    path: Mapped[str] = mapped_column(Text)  # relative to the workspace
    meta: Mapped[dict] = mapped_column(JSON, default=dict)  # kind-specific facts (送达时间, ...)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    checksum: Mapped[str | None] = mapped_column(String(64))  # row_checksum, set on every write
    # Life of a paper: ``current``; ``superseded`` (an earlier version of a revised paper: the
    # current row keeps the 文号, this row keeps the old file, ``current_id`` points to it);
    # ``void`` (作废: keeps its 文号 so the number is never reused, ``void_reason`` says why).
    state: Mapped[str] = mapped_column(String(16), default=CURRENT, server_default=CURRENT)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    void_reason: Mapped[str | None] = mapped_column(Text)
    current_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    # A signed or stamped scan of an issued paper: the paper it is the signed copy of.
    signed_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL")
    )

    case: Mapped[Case] = relationship(back_populates="documents")

    @property
    def is_current(self) -> bool:
        return self.state == CURRENT


#: ``Document.meta`` key of the SHA-256 of the .docx recorded under ``meta["docx"]``.
DOCX_SHA256 = "docx_sha256"


def row_checksum(kind: str, doc_no: str | None, path: str, sha256: str, meta: dict | None) -> str:
    """SHA-256 over what must not change behind docgen's back: a Document's 文号, file and
    file hashes. Set by the ORM on every insert and update, checked by ``docgen verify``; it
    catches an edit made to the catalog with other tools (not a forger who recomputes it)."""
    import hashlib
    import json

    docx_sha = (meta or {}).get(DOCX_SHA256)
    text = json.dumps([kind, doc_no, path, sha256, docx_sha], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@event.listens_for(Document, "before_insert")
@event.listens_for(Document, "before_update")
def _stamp_checksum(_mapper: object, _connection: object, doc: Document) -> None:
    doc.checksum = row_checksum(doc.kind, doc.doc_no, doc.path, doc.sha256, doc.meta)


class CaseEvent(Base):
    """A dated event of a case that no other row records: status changes (with who and when)
    and dates set with --force. Paper, visit and date events are read from their own rows
    (see ``archive.timeline``)."""

    __tablename__ = "case_events"
    #: “as of” queries (``archive.timeline``) read a case's status changes by day through it.
    __table_args__ = (Index("ix_case_events_status", "case_id", "kind", "day", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # 状态 / ...
    day: Mapped[dt.date] = mapped_column(Date)  # the day it took effect
    status_from: Mapped[str | None] = mapped_column(String(32))
    status_to: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)  # when it was recorded
