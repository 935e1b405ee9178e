"""blobs

Revision ID: 0009_blobs
Revises: 0008_ingest
Create Date: 2026-12-02 01:15:00

The team server's blob store: the blobs it verified (``verified_blobs``) and which blob
holds each file of a shipped run (``run_blobs``).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_blobs"
down_revision = "0008_ingest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verified_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "run_blobs",
        sa.Column("rid", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("rid", "path"),
    )


def downgrade() -> None:
    op.drop_table("run_blobs")
    op.drop_table("verified_blobs")
