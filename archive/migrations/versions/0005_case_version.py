"""case version column (optimistic concurrency between desks)

Revision ID: 0005
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN with a server default: portable (SQLite, PostgreSQL), no table rebuild.
    op.add_column("cases", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite >= 3.35), not a batch rebuild: rebuilding drops `cases`, and
    # with foreign keys on, that deletes every case's documents (ON DELETE CASCADE).
    op.drop_column("cases", "version")
