"""documents, stops, blob uploaders

Revision ID: 0012_documents_stops_uploaders
Revises: 0011_runs_table_speed
Create Date: 2026-12-02 07:00:00

The team server's saved views and reports (``documents``), stops asked for shipped
runs (``run_stops``) and who uploaded each blob (``blob_uploaders``).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_documents_stops_uploaders"
down_revision = "0011_runs_table_speed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blob_uploaders",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "user_name"),
    )
    op.create_table(
        "documents",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=128), nullable=False),
        sa.Column("project", sa.String(length=128), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "entity", "project", "key"),
    )
    op.create_table(
        "run_stops",
        sa.Column("rid", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("requested_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("rid"),
    )


def downgrade() -> None:
    op.drop_table("run_stops")
    op.drop_table("documents")
    op.drop_table("blob_uploaders")
