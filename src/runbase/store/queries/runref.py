"""Naming a run in the read functions: a path, an (entity, project, run_id) tuple, a
``RunRow`` or a run dict."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from runbase.errors import RunNotFound
from runbase.store.db.schema import runs
from runbase.store.queries.results import RunRow

# How the read functions name a run: "entity/project/run_id" (or
# "entity/project/runs/run_id"), an (entity, project, run_id) sequence, a RunRow,
# or a dict with "entity", "project" and "id" (a run as the HTTP API sends it).
RunRef = str | tuple[str, str, str] | list[str] | RunRow | dict[str, Any]


def find_run(conn: sa.Connection, entity: str, project: str, run_id: str) -> Any:
    """The run's whole row, or None (runs without a START yet count as missing)."""
    return conn.execute(
        sa.select(runs).where(
            runs.c.entity == entity,
            runs.c.project == project,
            runs.c.run_id == run_id,
            runs.c.started == sa.true(),
        )
    ).first()


def run_path(run: RunRef) -> tuple[str, str, str]:
    """(entity, project, run_id) of ``run``; ``entity/project/runs/id`` is accepted too."""
    if isinstance(run, RunRow):
        return run.entity, run.project, run.id
    if isinstance(run, dict):
        return run["entity"], run["project"], run["id"]
    if isinstance(run, str):
        parts = run.strip("/").split("/")
        if len(parts) == 4 and parts[2] == "runs":
            parts = [parts[0], parts[1], parts[3]]
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"a run path is entity/project/run_id, got {run!r}")
        return parts[0], parts[1], parts[2]
    if isinstance(run, list | tuple) and len(run) == 3:
        return str(run[0]), str(run[1]), str(run[2])
    raise ValueError(f"cannot name a run with {run!r}")


def resolve_run(conn: sa.Connection, run: RunRef) -> Any:
    """The run's rid, history_rows and created_at; RunNotFound when there is none."""
    entity, project, run_id = run_path(run)
    row = conn.execute(
        sa.select(runs.c.rid, runs.c.history_rows, runs.c.created_at).where(
            runs.c.entity == entity,
            runs.c.project == project,
            runs.c.run_id == run_id,
            runs.c.started == sa.true(),
        )
    ).first()
    if row is None:
        raise RunNotFound(f"no run {entity}/{project}/{run_id}")
    return row
