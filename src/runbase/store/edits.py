"""Changing runs: edits and deletions go through the record files, then the store follows.

Re-exported by ``runbase.store.queries``; call them from there.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from runbase.records import Kind
from runbase.records.appendlog import append_edits
from runbase.records.layout import name_problem, run_dir
from runbase.store.blobrefs import drop_unreferenced, linked_blobs
from runbase.store.db.lock import index_lock
from runbase.store.db.schema import runs
from runbase.store.indexing.write_run import delete_run_rows, refresh_project
from runbase.store.queries.results import FullRunRow
from runbase.store.queries.runref import RunNotFound, find_run
from runbase.store.queries.runs import get_run
from runbase.store.store import Store

_UNSET: Any = object()


def update_run(
    store: Store,
    entity: str,
    project: str,
    run_id: str,
    *,
    name: Any = _UNSET,
    notes: Any = _UNSET,
    tags: Any = _UNSET,
    group: Any = _UNSET,
    job_type: Any = _UNSET,
    config_set: dict[str, Any] | None = None,
    config_del: list[str] | None = None,
    summary_set: dict[str, Any] | None = None,
    summary_del: list[str] | None = None,
    exact: bool = False,
) -> FullRunRow:
    """Change a run: appends INFO/CONFIG/SUMMARY records to its ``edits.rbr``, then syncs.

    Only the arguments given change (``notes=None`` clears the notes). The
    record files stay the source of truth, so a rebuilt store keeps the edit.
    Returns the updated run.
    """
    with store.engine.connect() as conn:
        found = find_run(conn, entity, project, run_id)
    if found is None:
        raise RunNotFound(f"no run {entity}/{project}/{run_id}")
    info = _info_fields(name=name, notes=notes, tags=tags, group=group, job_type=job_type)
    records: list[tuple[int, Any]] = []
    if info:
        records.append((Kind.INFO, info))
    if config_set or config_del:
        records.append(
            (Kind.CONFIG, {"set": dict(config_set or {}), "del": list(config_del or [])})
        )
    if summary_set or summary_del:
        records.append(
            (Kind.SUMMARY, {"set": dict(summary_set or {}), "del": list(summary_del or [])})
        )
    if records:
        with store.writing("edit runs"):
            append_edits(store.root, entity, project, run_id, records)
            store.indexer.sync(edits_for={found.rid})
    result = get_run(store, entity, project, run_id, exact=exact)
    if result is None:
        raise RunNotFound(f"no run {entity}/{project}/{run_id}")
    return result


def _info_fields(**given: Any) -> dict[str, Any]:
    """The run fields given (not ``_UNSET``), checked: tags a list of strings, the rest
    strings or None."""
    info: dict[str, Any] = {}
    for field, value in given.items():
        if value is _UNSET:
            continue
        if field == "tags":
            if value is None:
                value = []
            if isinstance(value, str) or not all(isinstance(t, str) for t in value):
                raise ValueError(f"tags must be a list of strings, got {value!r}")
            value = list(dict.fromkeys(value))
        elif value is not None and not isinstance(value, str):
            raise ValueError(f"{field} must be a string or None, got {value!r}")
        info[field] = value
    return info


def delete_runs(store: Store, entity: str, project: str, run_ids: Iterable[str]) -> int:
    """Delete runs: their store rows and their folders (so a rebuild does not bring them back).

    Returns how many runs were deleted.
    """
    ids = [run_ids] if isinstance(run_ids, str) else list(run_ids)
    deleted = 0
    with store.writing("delete runs"), index_lock(store.root):
        with store.engine.begin() as conn:
            rows = conn.execute(
                sa.select(runs.c.rid, runs.c.run_id).where(
                    runs.c.entity == entity, runs.c.project == project, runs.c.run_id.in_(ids)
                )
            ).all()
            for r in rows:
                folder = run_dir(store.root, entity, project, r.run_id)
                if folder.exists():
                    # Marked first: if removing the folder fails half way, the
                    # DELETE record still keeps the run out of a rebuilt store.
                    append_edits(
                        store.root, entity, project, r.run_id, [(Kind.DELETE, {"deleted": True})]
                    )
                    blobs = linked_blobs(store.root, folder)
                    shutil.rmtree(folder)
                    drop_unreferenced(blobs, store.root)
            delete_run_rows(conn, [r.rid for r in rows])
            deleted = len(rows)
            refresh_project(conn, entity, project)
    return deleted


class MoveRefused(ValueError):
    """A move that cannot be made; ``conflict`` when the target already has the run."""

    def __init__(self, message: str, conflict: bool = False) -> None:
        super().__init__(message)
        self.conflict = conflict


def move_runs(store: Store, entity: str, project: str, run_ids: Iterable[str], target: str) -> int:
    """Move runs to project ``target`` of the same entity (made when new): W&B's *Move*.

    The run keeps its id, records, edits, files and media; its folder moves from
    ``runs/<entity>/<project>/<id>`` to ``runs/<entity>/<target>/<id>``. The folder is
    what says which project a run is in, so a rebuilt store finds it in the target.
    Everything indexed about a run is keyed by its row, so only the row's project
    changes. Artifacts and sweeps stay where they are. Every run is checked before
    any moves: an unknown id is RunNotFound; a running run, a sweep's run, a run
    with no folder here (shipped to a team server) or an id the target already
    has is MoveRefused. Returns how many runs moved.
    """
    ids = list(dict.fromkeys([run_ids] if isinstance(run_ids, str) else run_ids))
    why = name_problem("project", target)
    if why is not None:
        raise MoveRefused(why)
    if target == project:
        raise MoveRefused(f"the runs are already in {entity}/{project}")
    with store.writing("move runs"), index_lock(store.root):
        with store.engine.connect() as conn:
            found = [(rid, find_run(conn, entity, project, rid)) for rid in ids]
            taken = set(
                conn.execute(
                    sa.select(runs.c.run_id).where(
                        runs.c.entity == entity, runs.c.project == target, runs.c.run_id.in_(ids)
                    )
                ).scalars()
            )
        rows = [
            _movable(store.root, entity, project, rid, row, target, taken) for rid, row in found
        ]
        for row in rows:
            _move_one(store, entity, project, row.rid, row.run_id, target)
    return len(rows)


def _movable(
    root: Path, entity: str, project: str, run_id: str, row: Any, target: str, taken: set[str]
) -> Any:
    """``row`` when the run may move, else the error that says why not."""
    if row is None:
        raise RunNotFound(f"no run {run_id!r} in {entity}/{project}; nothing was moved")
    if run_id in taken or run_dir(root, entity, target, run_id).exists():
        raise MoveRefused(
            f"{entity}/{target} already has a run {run_id!r}; nothing was moved", conflict=True
        )
    if row.state == "running":
        raise MoveRefused(
            f"run {run_id!r} is running: move it once it has ended; nothing was moved"
        )
    if row.sweep_id:
        raise MoveRefused(
            f"run {run_id!r} belongs to sweep {row.sweep_id!r}, which stays in "
            f"{entity}/{project}: a sweep's runs do not move; nothing was moved"
        )
    if not run_dir(root, entity, project, run_id).is_dir():
        raise MoveRefused(f"run {run_id!r} has no folder in this store; nothing was moved")
    return row


def _move_one(store: Store, entity: str, project: str, rid: int, run_id: str, target: str) -> None:
    """Rename the run's folder, then repoint its row (the folder goes back if that fails)."""
    src = run_dir(store.root, entity, project, run_id)
    dst = run_dir(store.root, entity, target, run_id)
    dst.parent.mkdir(parents=True, exist_ok=True)
    src.rename(dst)
    try:
        with store.engine.begin() as conn:
            conn.execute(sa.update(runs).where(runs.c.rid == rid).values(project=target))
            refresh_project(conn, entity, project)
            refresh_project(conn, entity, target)
    except BaseException:
        dst.rename(src)
        raise
