"""project keys

Revision ID: 0013_project_keys
Revises: 0012_documents_stops_uploaders
Create Date: 2026-12-02 06:45:00

How many runs of each project hold each config, summary and history key
(``project_keys``), filled here from ``run_values`` and ``run_keys`` once; the
indexer keeps it from then on, so listing a project's columns no longer reads
every run's values.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_project_keys"
down_revision = "0012_documents_stops_uploaders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_keys",
        sa.Column("entity", sa.String(length=128), nullable=False),
        sa.Column("project", sa.String(length=128), nullable=False),
        sa.Column("section", sa.String(length=1), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("numeric", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "project", "section", "key"),
    )
    op.execute(
        "INSERT INTO project_keys (entity, project, section, key, runs, numeric) "
        "SELECT r.entity, r.project, v.section, v.key, COUNT(*), 0 "
        "FROM run_values v JOIN runs r ON r.rid = v.rid "
        "GROUP BY r.entity, r.project, v.section, v.key"
    )
    op.execute(
        "INSERT INTO project_keys (entity, project, section, key, runs, numeric) "
        "SELECT r.entity, r.project, 'h', k.key, COUNT(*), "
        "SUM(CASE WHEN k.numeric_count > 0 THEN 1 ELSE 0 END) "
        "FROM run_keys k JOIN runs r ON r.rid = k.rid "
        "GROUP BY r.entity, r.project, k.key"
    )


def downgrade() -> None:
    op.drop_table("project_keys")
