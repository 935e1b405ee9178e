"""Which blob holds a file of a run shipped to the team server (``run_blobs``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from runbase.store.db.schema import run_blobs, runs

if TYPE_CHECKING:  # the Store opens the indexer; queries only read through it
    from runbase.store.store import Store


def shipped_blob(store: Store, run: tuple[str, str, str], path: str) -> tuple[str, int] | None:
    """The sha256 and size of the blob holding ``path`` of ``run``, or None."""
    entity, project, run_id = run
    query = (
        sa.select(run_blobs.c.sha256, run_blobs.c.size)
        .join(runs, runs.c.rid == run_blobs.c.rid)
        .where(
            runs.c.entity == entity,
            runs.c.project == project,
            runs.c.run_id == run_id,
            run_blobs.c.path == path,
        )
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else (str(row[0]), int(row[1]))
