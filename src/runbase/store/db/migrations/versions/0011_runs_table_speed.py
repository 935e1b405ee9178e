"""runs table speed

Revision ID: 0011_runs_table_speed
Revises: 0010_oidc_identities
Create Date: 2026-12-02 07:00:00

The runs table at 100,000 runs in a project (issue 15):

- ``ix_runs_listed`` (entity, project, created_at, rid, started) of the started runs replaces
  ``ix_runs_project_created``: a project's listed runs, their count and the newest
  page come from the index alone, never from the wide ``runs`` rows.
- ``run_values`` is keyed (section, key, rid) and, on SQLite, stored in that order
  (WITHOUT ROWID): a filter or sort on one config/summary key looks its runs up in
  neighbouring rows with one seek each. ``ix_run_values_rid`` finds a run's values to
  replace or delete them. SQLite copies the rows into the new table (the values
  stay as they are); PostgreSQL swaps the primary key in place.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_runs_table_speed"
down_revision = "0010_oidc_identities"
branch_labels = None
depends_on = None

_COLUMNS = "rid, section, key, vtype, vnum, vstr"


def _value_columns() -> list[sa.Column]:
    return [
        sa.Column("rid", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=1), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("vtype", sa.String(length=1), nullable=False),
        sa.Column("vnum", sa.Double(), nullable=True),
        sa.Column("vstr", sa.Text(), nullable=True),
    ]


def _copy_values(pk: sa.PrimaryKeyConstraint, order: str, **kw: bool) -> None:
    """SQLite: run_values rebuilt with another primary key (its rows copied in key order)."""
    op.drop_index("ix_run_values_num", table_name="run_values")
    op.create_table("_run_values_new", *_value_columns(), pk, **kw)
    op.execute(
        f"INSERT INTO _run_values_new ({_COLUMNS}) "
        f"SELECT {_COLUMNS} FROM run_values ORDER BY {order}"
    )
    op.drop_table("run_values")
    op.rename_table("_run_values_new", "run_values")
    op.create_index("ix_run_values_num", "run_values", ["section", "key", "vnum"], unique=False)


def upgrade() -> None:
    op.drop_index("ix_runs_project_created", table_name="runs")
    op.create_index(
        "ix_runs_listed",
        "runs",
        ["entity", "project", "created_at", "rid", "started"],
        unique=False,
        sqlite_where=sa.text("started = 1"),
        postgresql_where=sa.text("started"),
    )
    if op.get_bind().dialect.name == "sqlite":
        pk = sa.PrimaryKeyConstraint("section", "key", "rid", name="pk_run_values")
        _copy_values(pk, "section, key, rid", sqlite_with_rowid=False)
    else:
        op.drop_constraint("run_values_pkey", "run_values", type_="primary")
        op.create_primary_key("pk_run_values", "run_values", ["section", "key", "rid"])
    op.create_index("ix_run_values_rid", "run_values", ["rid"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_run_values_rid", table_name="run_values")
    if op.get_bind().dialect.name == "sqlite":
        _copy_values(sa.PrimaryKeyConstraint("rid", "section", "key"), "rid, section, key")
    else:
        op.drop_constraint("pk_run_values", "run_values", type_="primary")
        op.create_primary_key("run_values_pkey", "run_values", ["rid", "section", "key"])
    op.drop_index("ix_runs_listed", table_name="runs")
    op.create_index(
        "ix_runs_project_created", "runs", ["entity", "project", "created_at"], unique=False
    )
