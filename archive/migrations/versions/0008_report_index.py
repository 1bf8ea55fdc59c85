"""index for "as of" status queries: case_events (case_id, kind, day, id)

Revision ID: 0008_report_index
Revises: 0007
"""

from alembic import op

revision = "0008_report_index"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_events_status", "case_events", ["case_id", "kind", "day", "id"])


def downgrade() -> None:
    op.drop_index("ix_case_events_status", table_name="case_events")
