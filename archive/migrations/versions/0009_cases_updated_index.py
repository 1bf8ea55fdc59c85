"""index cases.updated_at: the ledger pages ask max(updated_at) on every request (cache check)

Revision ID: 0009_cases_updated_index
Revises: 0008_report_index
"""

from alembic import op

revision = "0009_cases_updated_index"
down_revision = "0008_report_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_updated_at", "cases", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_updated_at", table_name="cases")
