"""runs by name

Revision ID: 0014_runs_by_name
Revises: 0013_project_keys
Create Date: 2026-12-02 14:00:00

``ix_runs_name`` (entity, project, name, rid, started) of the started runs: a runs
table sorted by name, with or without a filter, reads the names of a project's runs
from this index instead of fetching every run's wide row (issue 15: at 100,000 runs
that fetch was most of such a request's time).
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_runs_by_name"
down_revision = "0013_project_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_runs_name",
        "runs",
        ["entity", "project", "name", "rid", "started"],
        unique=False,
        sqlite_where=sa.text("started = 1"),
        postgresql_where=sa.text("started"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and sa.inspect(bind).has_table("sqlite_stat1"):
        # Statistics for the new index next to the others' (the indexer's PRAGMA
        # optimize made those): without them SQLite takes the new index for far more
        # selective than it is and sorts the newest page instead of reading it in
        # order from ix_runs_listed.
        op.execute("ANALYZE ix_runs_name")


def downgrade() -> None:
    op.drop_index("ix_runs_name", table_name="runs")
