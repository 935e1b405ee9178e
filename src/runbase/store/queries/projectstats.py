"""Statistics over a project's runs, read from ``run_keys``, ``run_values``,
``project_keys`` and ``runs``.

Re-exported by ``runbase.store.queries``; call them from there. They feed the
web app's runs table (column headers, min/max columns), its series cache (a
run's history version) and ``runbase.Api``'s ``Run.metric_stats``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from runbase.store.db.schema import ROW_KEYS, project_keys, run_keys, run_tags, runs
from runbase.store.db.values import unpack
from runbase.store.queries import filters as filter_sql
from runbase.store.queries.results import MetricKey, MetricStats, ProjectColumns, Stat
from runbase.store.queries.runs import per_run_values

if TYPE_CHECKING:  # the Store opens the indexer; queries only read through it
    from runbase.store.store import Store

# How many of a project's newest runs value suggestions read.
SUGGEST_SCAN = 5000


def _number(value: Any, exact: bool) -> Stat:
    """A statistic for output: non-finite floats as "NaN"/"Infinity"/"-Infinity" unless exact."""
    if exact or not isinstance(value, float) or math.isfinite(value):
        return value
    return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def metric_keys(store: Store, entity: str, project: str) -> list[MetricKey]:
    """History keys of a project's runs, with how many runs log them and whether numerically."""
    q = (
        sa.select(project_keys.c.key, project_keys.c.runs, project_keys.c.numeric)
        .where(*_keys_of(entity, project), project_keys.c.section == "h")
        .order_by(project_keys.c.key)
    )
    with store.engine.connect() as conn:
        return [
            MetricKey(r.key, r.runs, r.numeric > 0)
            for r in conn.execute(q)
            if r.key not in ROW_KEYS
        ]


def _keys_of(entity: str, project: str) -> list[Any]:
    return [
        project_keys.c.entity == entity,
        project_keys.c.project == project,
        project_keys.c.runs > 0,
    ]


def project_columns(store: Store, entity: str, project: str) -> ProjectColumns:
    """Keys seen in a project: ``config``, ``summary`` and ``metrics`` lists.

    ``config`` and ``summary`` are flat (dotted) keys, summary keys starting
    with ``_`` left out; ``metrics`` are the numeric history keys. Read from
    ``project_keys`` (counts the indexer keeps), so the cost is the number of
    keys, not of runs.
    """
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(project_keys.c.section, project_keys.c.key).where(
                *_keys_of(entity, project), project_keys.c.section.in_(("c", "s"))
            )
        ).all()
    # config["_wandb"] holds chart specs and class labels (W&B's own, hidden there too),
    # and the fields of a logged image (img._type, img.path...) are no columns.
    config = sorted(k for s, k in rows if s == "c" and not k.startswith("_wandb."))
    summary_keys = [k for s, k in rows if s == "s" and not k.startswith("_")]
    media = {k[: -len("._type")] for k in summary_keys if k.endswith("._type")}
    summary = sorted(k for k in summary_keys if not _inside(k, media))
    metrics = [m.key for m in metric_keys(store, entity, project) if m.numeric]
    return ProjectColumns(config, summary, metrics)


def metric_stats(
    store: Store, entity: str, project: str, run_ids: list[str], exact: bool = False
) -> dict[str, dict[str, MetricStats]]:
    """``{run_id: {key: MetricStats}}`` for the runs' numeric history keys.

    A key is numeric when at least one of its values is a number (bools are
    not); ``_step``, ``_timestamp`` and ``_runtime`` are left out. ``min`` and
    ``max`` ignore NaN (None when every value is NaN); ``last`` is the last
    value logged (None when it is not a number); ``count`` is how many values
    were logged, as ``count:<key>`` filters on. Runs without numeric keys, or
    not found, are absent.
    """
    if not run_ids:
        return {}
    q = (
        sa.select(
            runs.c.run_id,
            run_keys.c.key,
            run_keys.c.vmin,
            run_keys.c.vmax,
            run_keys.c.last,
            run_keys.c["count"].label("n"),
        )
        .join(runs, runs.c.rid == run_keys.c.rid)
        .where(
            runs.c.entity == entity,
            runs.c.project == project,
            runs.c.run_id.in_(list(run_ids)),
            runs.c.started == sa.true(),
            run_keys.c.numeric_count > 0,
            run_keys.c.key.not_in(ROW_KEYS),
        )
        .order_by(runs.c.run_id, run_keys.c.key)
    )
    out: dict[str, dict[str, MetricStats]] = {}
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    # Unpacked, not read by attribute: a page of 100 runs of 50 metrics is 5,000 rows,
    # and Row attributes were a good part of the runs table's request (issue 15).
    for run_id, key, vmin, vmax, last_packed, n in rows:
        last = unpack(last_packed)
        out.setdefault(run_id, {})[key] = MetricStats(
            _number(vmin, exact),
            _number(vmax, exact),
            _number(last, exact) if _is_number(last) else None,
            n,
        )
    return out


def history_versions(
    store: Store, entity: str, project: str, run_ids: list[str]
) -> dict[str, tuple[int, int | None]]:
    """``{run_id: (history_rows, last_step)}``; changes whenever a run logs a new row.

    A cache of anything computed from a run's history (the web server's
    downsampled series) can key on it. Unknown runs are absent.
    """
    if not run_ids:
        return {}
    q = sa.select(runs.c.run_id, runs.c.history_rows, runs.c.last_step).where(
        runs.c.entity == entity,
        runs.c.project == project,
        runs.c.run_id.in_(list(run_ids)),
        runs.c.started == sa.true(),
    )
    with store.engine.connect() as conn:
        return {r.run_id: (r.history_rows, r.last_step) for r in conn.execute(q)}


def _inside(key: str, prefixes: set[str]) -> bool:
    """True when a dotted prefix of ``key`` is one of ``prefixes``."""
    head = key
    while "." in head:
        head = head.rpartition(".")[0]
        if head in prefixes:
            return True
    return False


def field_values(
    store: Store, entity: str, project: str, field: str, limit: int = 100
) -> tuple[list[Any], bool]:
    """Distinct values of one field over a project's newest ``SUGGEST_SCAN``
    started runs, most common first (ties by value), at most ``limit``, and
    whether more exist.

    What the filter builder suggests: states, tags (every tag, not the first),
    users, groups, config and summary values. Missing and null values are left
    out. One GROUP BY over the project's runs, on both backends; an unknown field
    raises ValueError.
    """
    # The newest runs only (an index range on entity, project, created_at), so a
    # suggestion costs the same in a project of 100,000 runs as in one of 10,000.
    newest = (
        sa.select(runs.c.rid)
        .where(runs.c.entity == entity, runs.c.project == project, runs.c.started == sa.true())
        .order_by(runs.c.created_at.desc())
        .limit(SUGGEST_SCAN)
        .scalar_subquery()
    )
    where = runs.c.rid.in_(newest)
    if field == "tags":
        q = (
            sa.select(run_tags.c.tag, sa.func.count().label("n"))
            .join(runs, runs.c.rid == run_tags.c.rid)
            .where(where)
            .group_by(run_tags.c.tag)
            .order_by(sa.desc("n"), run_tags.c.tag)
            .limit(limit + 1)
        )
        with store.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [r[0] for r in rows[:limit]], len(rows) > limit
    keys = per_run_values(field, where)
    q = (
        sa.select(*keys, sa.func.count().label("n"))
        .where(sa.or_(*[k.is_not(None) for k in keys]))
        .group_by(*keys)
        .order_by(sa.desc("n"), *[k.asc().nulls_last() for k in keys])
        .limit(limit + 1)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    values = filter_sql.sort_values(field, [tuple(r[:-1]) for r in rows[:limit]])
    return values, len(rows) > limit
