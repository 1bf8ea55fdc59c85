"""report_numbers: the 文号 of each report to the 联席办 (月报, 进展报告), kept per period

Revision ID: 0010_report_numbers
Revises: 0009_cases_updated_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_report_numbers"
down_revision = "0009_cases_updated_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("doc_no", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("doc_date", sa.Date(), nullable=False),
        sa.Column("made", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
        sa.UniqueConstraint("doc_no"),
    )


def downgrade() -> None:
    op.drop_table("report_numbers")
