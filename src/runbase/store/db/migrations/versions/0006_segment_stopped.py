"""segment stopped

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 07:15:00

A segment's EXIT may say the run was asked to stop (``stopped``: the reason); the
run then reads as killed. Segments indexed before this migration were written
before any writer said so: the column stays null and their state is unchanged.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite: the table is rebuilt (batch mode), so its CREATE TABLE text is what a
    # new store's is; PostgreSQL adds the column in place.
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("segments", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.add_column(sa.Column("stopped", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("segments", "stopped")
