"""ingest

Revision ID: 0008_ingest
Revises: 0007_accounts
Create Date: 2026-12-02 00:40:00

Runs shipped to the team server (``POST /api/v1/ingest/...``): the segments' bytes
(``ingest_chunks``), how far each is stored (``ingest_segments``), each run's author
and last post (``ingest_runs``), and ``segments.ingested``, which keeps the file
indexer away from segments that have no file.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_ingest"
down_revision = "0007_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite: the table is rebuilt (batch mode), so its CREATE TABLE text is what a
    # new store's is; PostgreSQL adds the column in place.
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("segments", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.add_column(
            sa.Column("ingested", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "ingest_chunks",
        sa.Column("rid", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=128), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("rid", "segment", "offset"),
    )
    if not sqlite:
        # As schema.py makes it: record bytes stored uncompressed (they barely compress).
        op.execute("ALTER TABLE ingest_chunks ALTER COLUMN data SET STORAGE EXTERNAL")
    op.create_table(
        "ingest_segments",
        sa.Column("rid", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=128), nullable=False),
        sa.Column("acked", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("rid", "segment"),
    )
    op.create_table(
        "ingest_runs",
        sa.Column("rid", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("last_post_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("rid"),
    )
    op.create_index("ix_ingest_runs_last_post", "ingest_runs", ["last_post_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ingest_runs_last_post", table_name="ingest_runs")
    op.drop_table("ingest_runs")
    op.drop_table("ingest_segments")
    op.drop_table("ingest_chunks")
    op.drop_column("segments", "ingested")
