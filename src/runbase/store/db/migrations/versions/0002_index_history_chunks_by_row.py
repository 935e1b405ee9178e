"""index history chunks by row

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 00:52:11.504647

``Run.scan_history()`` reads a run's history a page of rows at a time; this
index lets each page find the chunks that overlap its rows with one seek per
key instead of walking every chunk before them (see ``queries/history_scan.py``).
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hist_chunks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hist_chunks_rows", ["rid", "key", "row_last", "row_first", "seq"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("hist_chunks", schema=None) as batch_op:
        batch_op.drop_index("ix_hist_chunks_rows")
