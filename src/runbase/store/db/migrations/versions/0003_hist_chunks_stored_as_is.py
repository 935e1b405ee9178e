"""history chunks stored as they are on PostgreSQL

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 02:00:00

PostgreSQL tries to compress every value over 2 kB before storing it out of
line; most chunks (floats) do not compress, and those that do (steps, times)
cost more to compress than to store: indexing a long run took three times as
long. The chunk columns are stored as they are (as SQLite stores them).
Metadata only: no table is rewritten.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ("rows", "steps", "vals")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in COLUMNS:
            op.execute(f"ALTER TABLE hist_chunks ALTER COLUMN {column} SET STORAGE EXTERNAL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in COLUMNS:
            op.execute(f"ALTER TABLE hist_chunks ALTER COLUMN {column} SET STORAGE EXTENDED")
