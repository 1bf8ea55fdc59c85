"""index journal (search-index work owed, caught up by the next command after a crash);
documents.checksum (row checksum of 文号, path and file hashes, checked by verify)

Revision ID: 0006
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from docgen.model import row_checksum

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "index_journal",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(length=160), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("checksum", sa.String(length=64), nullable=True))
    documents = sa.table(
        "documents",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("doc_no", sa.String),
        sa.column("path", sa.Text),
        sa.column("sha256", sa.String),
        sa.column("meta", sa.JSON),
        sa.column("checksum", sa.String),
    )
    conn = op.get_bind()
    for row in conn.execute(sa.select(documents)).all():
        checksum = row_checksum(row.kind, row.doc_no, row.path, row.sha256, row.meta)
        conn.execute(documents.update().where(documents.c.id == row.id).values(checksum=checksum))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("checksum")
    op.drop_table("index_journal")
