"""Reading projects and runs: the project list, a page of runs, one run.

Re-exported by ``runbase.store.queries``; call them from there.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from runbase.store import filters as filter_sql
from runbase.store.runref import find_run
from runbase.store.schema import projects, runs
from runbase.store.store import Store
from runbase.store.values import safe, unpack

_LIST_COLUMNS = [c for c in runs.c if c.name not in ("ix", "run_metadata", "metrics")]


def _run_dict(row: Any, exact: bool, full: bool = False) -> dict[str, Any]:
    fix = (lambda v: v) if exact else safe
    out = {
        "id": row.run_id,
        "entity": row.entity,
        "project": row.project,
        "path": [row.entity, row.project, row.run_id],
        "name": row.name,
        "state": row.state,
        "notes": row.notes,
        "tags": unpack(row.tags, []),
        "group": row.run_group,
        "job_type": row.job_type,
        "user": row.user,
        "host": row.host,
        "created_at": row.created_at,
        "heartbeat_at": row.heartbeat_at,
        "runtime": row.runtime,
        "exit_code": row.exit_code,
        "history_rows": row.history_rows,
        "last_step": row.last_step,
        "config": fix(unpack(row.config, {})),
        "summary": fix(unpack(row.summary, {})),
    }
    if full:
        out["metadata"] = fix(unpack(row.run_metadata, {}))
        out["metrics"] = fix(unpack(row.metrics, []))
    return out


def list_projects(store: Store, entity: str | None = None) -> list[dict[str, Any]]:
    """Projects with their run count and last activity, most recently active first."""
    q = sa.select(projects).order_by(
        projects.c.last_activity.desc().nulls_last(), projects.c.entity, projects.c.project
    )
    if entity is not None:
        q = q.where(projects.c.entity == entity)
    with store.engine.connect() as conn:
        return [
            {
                "entity": r.entity,
                "project": r.project,
                "run_count": r.run_count,
                "created_at": r.created_at,
                "last_activity": r.last_activity,
            }
            for r in conn.execute(q)
        ]


def query_runs(
    store: Store,
    entity: str,
    project: str,
    filters: dict[str, Any] | None = None,
    order: str | list[str] | None = "-created_at",
    limit: int | None = 50,
    offset: int = 0,
    exact: bool = False,
) -> dict[str, Any]:
    """One page of a project's runs: ``{"total": n, "runs": [run dict, ...]}``.

    ``filters`` is a Mongo-style document (see ``store/filters.py``); ``order`` a
    field with an optional ``-`` (descending) or ``+`` prefix, or a comma list;
    runs lacking the sort value come last either way. A malformed filter or
    sort key raises ValueError naming it.
    """
    cond = sa.and_(
        runs.c.entity == entity,
        runs.c.project == project,
        runs.c.started == sa.true(),
        filters_where(filters),
    )
    keys = filters_order(order)
    source: Any = runs
    order_cols = []
    for name, desc in keys:
        cols, join = filter_sql.sort_columns(name)
        if join is not None:
            source = source.outerjoin(join[0], join[1])
        for col in cols:
            order_cols.append(col.desc().nulls_last() if desc else col.asc().nulls_last())
    order_cols.append(runs.c.rid.desc())
    page = sa.select(*_LIST_COLUMNS).select_from(source).where(cond).order_by(*order_cols)
    if limit is not None:
        page = page.limit(limit)
    if offset:
        page = page.offset(offset)
    with store.engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(runs).where(cond)).scalar()
        rows = conn.execute(page).all()
    return {"total": total or 0, "runs": [_run_dict(r, exact) for r in rows]}


def filters_where(doc: dict[str, Any] | None) -> Any:
    """The SQL condition of a filter document (validates it)."""
    return filter_sql.where(doc)


def filters_order(order: str | list[str] | None) -> list[tuple[str, bool]]:
    """Validated (field, descending) sort keys."""
    return filter_sql.order_by(order)


def get_run(
    store: Store, entity: str, project: str, run_id: str, exact: bool = False
) -> dict[str, Any] | None:
    """One run with its metadata and metric definitions, or None."""
    with store.engine.connect() as conn:
        row = find_run(conn, entity, project, run_id)
    return None if row is None else _run_dict(row, exact, full=True)
