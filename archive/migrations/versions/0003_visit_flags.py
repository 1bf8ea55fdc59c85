"""visit flags: 赴省, 进京 and 非正常访 on their own (赴省集体访 = 赴省 + 集体访)

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_COLUMNS = ("provincial_visit", "beijing_visit", "abnormal_visit")


def upgrade() -> None:
    for name in _COLUMNS:  # a plain ADD COLUMN with a constant default: fine on SQLite too
        op.add_column(
            "cases", sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # the combined flags already stored imply their parts
    cases = sa.table(
        "cases",
        *(sa.column(n, sa.Boolean) for n in ("provincial_group_visit", "beijing_abnormal_visit")),
        *(sa.column(n, sa.Boolean) for n in _COLUMNS),
    )
    op.execute(
        cases.update()
        .where(cases.c.provincial_group_visit == sa.true())
        .values(provincial_visit=True)
    )
    op.execute(
        cases.update()
        .where(cases.c.beijing_abnormal_visit == sa.true())
        .values(beijing_visit=True, abnormal_visit=True)
    )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite >= 3.35), not a batch rebuild: rebuilding drops `cases`, and
    # with foreign keys on, that deletes every case's documents (ON DELETE CASCADE).
    for name in _COLUMNS:
        op.drop_column("cases", name)
