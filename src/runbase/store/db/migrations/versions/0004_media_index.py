"""media index

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 03:42:57

History values that point at media (``{"_type": "image-file", ...}``) get a
table of their own, ``media``, and each run's media keys one in ``media_keys``
(see ``indexing/write_media.py``). A store indexed before this migration has
its media only inside history chunks: the upgrade reads the chunks that hold
anything but numbers and fills both tables from them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("rid", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("row", sa.BigInteger(), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("rid", "key", "row"),
    )
    op.create_index("ix_media_steps", "media", ["rid", "key", "step"], unique=False)
    op.create_table(
        "media_keys",
        sa.Column("rid", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("rid", "key"),
    )
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    """Media rows from the chunks already stored, one series at a time."""
    from runbase.store.db import chunks
    from runbase.store.db.media import media_points
    from runbase.store.db.schema import hist_chunks, media, media_keys

    series = conn.execute(
        sa.select(hist_chunks.c.rid, hist_chunks.c.key)
        .where(hist_chunks.c.dtype == "obj")
        .distinct()
        .order_by(hist_chunks.c.rid, hist_chunks.c.key)
    ).all()
    for rid, key in series:
        parts = conn.execute(
            sa.select(hist_chunks)
            .where(hist_chunks.c.rid == rid, hist_chunks.c.key == key)
            .order_by(hist_chunks.c.seq)
        ).all()
        rows, kinds = media_points(rid, {key: chunks.join([chunks.decode(p) for p in parts])})
        if rows:
            conn.execute(sa.insert(media), rows)
            conn.execute(sa.insert(media_keys), [{"rid": rid, "key": key, "kind": kinds[key]}])


def downgrade() -> None:
    op.drop_table("media_keys")
    op.drop_index("ix_media_steps", table_name="media")
    op.drop_table("media")
