"""paper life (versions, void, signed copies), visits linked to papers, case events

Revision ID: 0004
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=16), nullable=False, server_default="current")
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("void_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("current_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("signed_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_documents_current_id", "documents", ["current_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            "fk_documents_signed_of_id", "documents", ["signed_of_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_follow_ups_document_id", "documents", ["document_id"], ["id"], ondelete="SET NULL"
        )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status_from", sa.String(length=32), nullable=True),
        sa.Column("status_to", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))
    op.drop_table("case_events")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_constraint("fk_follow_ups_document_id", type_="foreignkey")
        batch_op.drop_column("document_id")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint("fk_documents_signed_of_id", type_="foreignkey")
        batch_op.drop_constraint("fk_documents_current_id", type_="foreignkey")
        for name in ("signed_of_id", "current_id", "void_reason", "version", "state"):
            batch_op.drop_column(name)
