"""Reading what ``sdk/environment/`` captured for a run: system samples and files
(console lines: ``console.py``).

Re-exported by ``runbase.store.queries``; call them from there.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from runbase.records.layout import run_dir
from runbase.store.db.schema import run_files, system_samples
from runbase.store.db.values import safe, unpack
from runbase.store.queries.results import RunFile, SystemSeries
from runbase.store.queries.runref import RunRef, resolve_run, run_path

if TYPE_CHECKING:  # the Store opens the indexer; queries only read through it
    from runbase.store.store import Store


def system_series(
    store: Store, run: RunRef, keys: list[str] | None = None, exact: bool = False
) -> SystemSeries:
    """System samples, column-wise: ``time``, ``runtime``, ``metrics: {key: [...]}``.

    A metric missing from a sample is None at that position.
    """
    # Time columns are labelled: on a SQLAlchemy Row, ``.t`` is the row's tuple
    # accessor, not the column named t.
    with store.engine.connect() as conn:
        row = resolve_run(conn, run)
        samples = conn.execute(
            sa.select(system_samples.c.t.label("time"), system_samples.c.data)
            .where(system_samples.c.rid == row.rid)
            .order_by(system_samples.c.id)
        ).all()
    start = row.created_at or 0.0
    data = [unpack(s.data) for s in samples]
    names = keys if keys is not None else sorted(set().union(*data)) if data else []
    fix = (lambda v: v) if exact else safe
    return SystemSeries(
        time=[s.time for s in samples],
        runtime=[s.time - start for s in samples],
        metrics={k: [fix(d.get(k)) for d in data] for k in names},
    )


def files(store: Store, run: RunRef) -> list[RunFile]:
    """Files saved with the run, by name."""
    with store.engine.connect() as conn:
        row = resolve_run(conn, run)
        rows = conn.execute(
            sa.select(
                run_files.c.path,
                run_files.c.size,
                run_files.c.policy,
                run_files.c["t"].label("time"),
            )
            .where(run_files.c.rid == row.rid)
            .order_by(run_files.c.path)
        ).all()
    entity, project, run_id = run_path(run)
    base = run_dir(store.root, entity, project, run_id) / "files"
    return [RunFile(r.path, r.size, r.policy, r.time, str(base / r.path)) for r in rows]


def local_file(store: Store, run: RunRef, name: str) -> Path:
    """Where a run's saved file lies on disk (it may be missing)."""
    entity, project, run_id = run_path(run)
    base = (run_dir(store.root, entity, project, run_id) / "files").resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        raise ValueError(f"{name!r} is not inside the run's files folder")
    return path
