"""run sweep

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 06:10:00

Runs that a sweep's agent started carry the sweep's id (the START record's
``sweep``), in a column of their own so the runs query can filter on it. Runs
indexed before this migration were not started by a sweep: the column stays null.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite: the table is rebuilt (batch mode), so its CREATE TABLE text is what a
    # new store's is; PostgreSQL adds the column in place.
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("runs", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.add_column(sa.Column("sweep_id", sa.String(length=128), nullable=True))
    op.create_index("ix_runs_sweep", "runs", ["entity", "project", "sweep_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_runs_sweep", table_name="runs")
    op.drop_column("runs", "sweep_id")
