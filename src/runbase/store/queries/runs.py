"""Reading projects and runs: the project list, a page of runs, runs grouped, one run.

Re-exported by ``runbase.store.queries``; call them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec
import sqlalchemy as sa

from runbase.store.db.schema import projects, run_tags, runs
from runbase.store.db.values import safe, unpack
from runbase.store.queries import filters as filter_sql
from runbase.store.queries.results import (
    FullRunRow,
    GroupCount,
    GroupCounts,
    ProjectRow,
    RunRow,
    RunsPage,
)
from runbase.store.queries.runref import find_run

if TYPE_CHECKING:  # the Store opens the indexer; queries only read through it
    from runbase.store.store import Store

_LIST_COLUMNS = [c for c in runs.c if c.name not in ("ix", "run_metadata", "metrics")]
# PostgreSQL matches $regex with its own engine; this bounds a pathological pattern.
REGEX_TIMEOUT_MS = 10_000
# A page bounded by its last sort value (``_page_bound``): the index walk reads at
# most this many runs per run up to the page's end, and this many in all.
_WALK_PER_RUN = 32
_WALK_MOST = 8192
# A database integer (LIMIT, OFFSET) is 64-bit.
_MAX_INT = 2**63 - 1


def _run_row(row: Any, exact: bool) -> RunRow:
    fix = (lambda v: v) if exact else safe
    return RunRow(
        id=row.run_id,
        entity=row.entity,
        project=row.project,
        name=row.name,
        state=row.state,
        notes=row.notes,
        tags=unpack(row.tags, []),
        group=row.run_group,
        job_type=row.job_type,
        user=row.user,
        host=row.host,
        created_at=row.created_at,
        heartbeat_at=row.heartbeat_at,
        runtime=row.runtime,
        exit_code=row.exit_code,
        history_rows=row.history_rows,
        last_step=row.last_step,
        config=fix(unpack(row.config, {})),
        summary=fix(unpack(row.summary, {})),
        sweep=row.sweep_id,
    )


def _full_run_row(row: Any, exact: bool) -> FullRunRow:
    fix = (lambda v: v) if exact else safe
    listed = _run_row(row, exact)
    return FullRunRow(
        **msgspec.structs.asdict(listed),
        metadata=fix(unpack(row.run_metadata, {})),
        metrics=fix(unpack(row.metrics, [])),
    )


def list_projects(store: Store, entity: str | None = None) -> list[ProjectRow]:
    """Projects with their run count and last activity, most recently active first."""
    q = sa.select(projects).order_by(
        projects.c.last_activity.desc().nulls_last(), projects.c.entity, projects.c.project
    )
    if entity is not None:
        q = q.where(projects.c.entity == entity)
    with store.engine.connect() as conn:
        return [
            ProjectRow(r.entity, r.project, r.run_count, r.created_at, r.last_activity)
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
) -> RunsPage:
    """One page of a project's runs: ``total`` matches, ``runs`` (``RunRow``).

    ``filters`` is a Mongo-style document (see ``store/queries/filters.py``); ``order`` a
    field with an optional ``-`` (descending) or ``+`` prefix, or a comma list;
    runs lacking the sort value come last either way. A malformed filter or
    sort key, or a negative or huge ``limit``/``offset``, raises ValueError naming it.
    """
    page = query_runs_counting(store, entity, project, filters, order, limit, offset, exact)
    return RunsPage(page.total(), page.runs)


class CountingPage(NamedTuple):
    """A page of runs whose count may still be running: ``total()`` waits for it."""

    runs: list[RunRow]
    total: Callable[[], int]


def query_runs_counting(
    store: Store,
    entity: str,
    project: str,
    filters: dict[str, Any] | None = None,
    order: str | list[str] | None = "-created_at",
    limit: int | None = 50,
    offset: int = 0,
    exact: bool = False,
) -> CountingPage:
    """``query_runs``, returning as soon as the page is read: the caller can shape the
    page while the matches are counted (``total()``; ValueError as ``query_runs``)."""
    _check_count("limit", limit)
    _check_count("offset", offset)
    keys = filters_order(order)
    source, sort_keys = _sort_keys(keys)
    cond = _matching(entity, project, filters, per_run=_per_run(store))
    with _reading(store, filters) as conn:
        bound = _page_bound(conn, entity, project, filters, keys[0][0], sort_keys[0], limit, offset)
        if bound is None:
            # A filter is checked run by run, so its matches are counted in the same
            # pass (a window count); without one, the count reads ix_runs_listed
            # alone and the newest page stops after it.
            count = sa.func.count().over() if filters else sa.null()
            rows = conn.execute(_page(source, sort_keys, cond, count, limit, offset)).all()
        else:
            # Only the runs up to the page's last value of the first sort key, each
            # looked up on its own; the matches are counted apart, on a connection of
            # their own at the same time (SQLite and psycopg let go of the GIL while
            # a statement runs, so the count, the longer part, overlaps the page and
            # whatever the caller does with it).
            counting = _COUNTING.submit(_count, store, filters, cond)
            few = sa.and_(_matching(entity, project, filters, per_run=True), bound)
            rows = conn.execute(_page(source, sort_keys, few, sa.null(), limit, offset)).all()
            return CountingPage([_run_row(r, exact) for r in rows], counting.result)
        if rows and filters:
            total = rows[0].total
        elif rows or offset or limit == 0:  # past the last match: count them on their own
            total = conn.execute(sa.select(sa.func.count()).select_from(runs).where(cond)).scalar()
        else:
            total = 0
    done = total or 0
    return CountingPage([_run_row(r, exact) for r in rows], lambda: done)


# The counts of pages read along a sort key's index (``query_runs``).
_COUNTING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="runbase-count")


def _count(store: Store, filters: dict[str, Any] | None, cond: Any) -> int:
    with _reading(store, filters) as conn:
        return int(
            conn.execute(sa.select(sa.func.count()).select_from(runs).where(cond)).scalar() or 0
        )


def _page(
    source: Any, sort_keys: list[_Key], cond: Any, count: Any, limit: int | None, offset: int
) -> Any:
    """The page's rows, with ``count`` as ``total``.

    First the page's rids and sort values, then the wide rows of those rids only:
    a sort never carries a run's config and summary along.
    """
    keyed = (
        sa.select(runs.c.rid, *[k.col for k in sort_keys], count.label("total"))
        .select_from(source)
        .where(cond)
        .order_by(*_directed_keys(sort_keys, [k.col for k in sort_keys]), runs.c.rid.desc())
    )
    if limit is not None:
        keyed = keyed.limit(limit)
    if offset:
        keyed = keyed.offset(offset)
    ids = keyed.subquery("page")
    return (
        sa.select(*_LIST_COLUMNS, ids.c.total)
        .join_from(ids, runs, runs.c.rid == ids.c.rid)
        .order_by(*_directed_keys(sort_keys, list(ids.c)[1:-1]), ids.c.rid.desc())
    )


def _page_bound(
    conn: sa.Connection,
    entity: str,
    project: str,
    filters: dict[str, Any] | None,
    name: str,
    key: _Key,
    limit: int | None,
    offset: int,
) -> Any:
    """The condition that the run's first sort value ``key`` is at most the page's
    last run's (up to it in a descending sort), or None.

    A sort on a key would otherwise look up the value of every matching run and sort
    them all (at 100,000 runs most of a request, issue 15). Here the runs holding a
    value are read in order along an index (``sort_walk``) and checked one by one
    until the page's last one: the page then needs only the runs up to its value.
    None when the key has no such index, the page is deep, or the first runs read
    hold too few matches (a narrow filter, or values that sort last).
    """
    if not limit or offset + limit > _WALK_MOST // 4 or conn.dialect.name != "sqlite":
        return None  # PostgreSQL's planner joins and sorts the runs well as they are
    n, desc = offset + limit, key.desc
    walk = filter_sql.sort_walk(name, entity, project)
    if walk is None:
        return None
    ordered = walk.value.desc() if desc else walk.value.asc()
    # The walk goes no further than the value ``most`` index rows in: SQLite reads
    # the rows in order and stops at the n-th match, or at that value.
    most = min(n * _WALK_PER_RUN, _WALK_MOST)
    edge = conn.execute(
        sa.select(walk.value).where(*walk.conds).order_by(ordered).limit(1).offset(most - 1)
    ).scalar()
    within = [] if edge is None else [walk.value >= edge if desc else walk.value <= edge]
    # Descending, the index has equal values in the page's order too (rid last).
    q = (
        sa.select(walk.value, walk.rid)
        .select_from(walk.source)
        .where(*walk.conds, *within, _matching(entity, project, filters, per_run=True))
        .order_by(ordered, *([walk.rid.desc()] if desc else []))
        .limit(1)
        .offset(n - 1)
    )
    last = conn.execute(q).first()
    if last is None:
        return None
    col = key.col.element
    if not desc:
        return col <= last[0]
    if last[0] in walk.mixed:
        return col >= last[0]
    # Many runs can share the last value (a small int): only those up to its run.
    return sa.and_(col >= last[0], sa.or_(col > last[0], col.table.c.rid >= last[1]))


def _sort_keys(keys: list[tuple[str, bool]]) -> tuple[Any, list[_Key]]:
    """The runs joined with what the sort keys need, and their columns labeled."""
    source: Any = runs
    out: list[_Key] = []
    for name, desc in keys:
        found, join = filter_sql.sort_columns(name)
        if join is not None:
            source = source.outerjoin(join[0], join[1])
        for col in found:
            # A listed (started) run always has created_at: no NULLS LAST for it, so
            # PostgreSQL reads the newest page backwards along ix_runs_listed too.
            nulls = col is not runs.c.created_at
            out.append(_Key(col.label(f"k{len(out)}"), desc, nulls))
    return source, out


class _Key(NamedTuple):
    col: Any
    desc: bool
    nulls: bool  # whether the column can be NULL (then NULLs sort last either way)


def _directed_keys(keys: list[_Key], cols: list[Any]) -> list[Any]:
    out = []
    for key, col in zip(keys, cols, strict=True):
        c = col.desc() if key.desc else col.asc()
        out.append(c.nulls_last() if key.nulls else c)
    return out


def _check_count(name: str, value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_INT:
        raise ValueError(f"{name} must be a whole number from 0 to {_MAX_INT}, got {value!r}")


@contextmanager
def _reading(store: Store, filters: dict[str, Any] | None) -> Iterator[sa.Connection]:
    """A connection for one filtered read; on PostgreSQL a ``$regex`` gets a statement
    timeout, and a pattern PostgreSQL rejects or gives up on becomes a ValueError."""
    with store.engine.connect() as conn:
        guard = conn.dialect.name == "postgresql" and _has_regex(filters)
        if guard:
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {REGEX_TIMEOUT_MS}")
        try:
            yield conn
        except sa.exc.DBAPIError as e:
            code = getattr(e.orig, "sqlstate", None) if guard else None
            if code == "57014":  # query_canceled: the statement timeout
                raise ValueError(
                    f"the regular expression took more than {REGEX_TIMEOUT_MS / 1000:g} s "
                    "to match; make it simpler"
                ) from None
            if code == "2201B":  # invalid_regular_expression
                diag = getattr(e.orig, "diag", None)
                why = getattr(diag, "message_primary", None) or str(e.orig)
                raise ValueError(f"$regex: PostgreSQL cannot use this pattern: {why}") from None
            raise


def _has_regex(node: Any) -> bool:
    if isinstance(node, dict):
        return any(k == "$regex" or _has_regex(v) for k, v in node.items())
    if isinstance(node, list):
        return any(_has_regex(v) for v in node)
    return False


def _per_run(store: Store) -> bool:
    # A term's rows read once into a set pay off on SQLite; PostgreSQL's planner
    # makes its own semi-joins of the per-run form, as it always had it.
    return store.engine.dialect.name != "sqlite"


def _matching(
    entity: str, project: str, filters: dict[str, Any] | None, per_run: bool = False
) -> Any:
    """The runs ``query_runs`` lists: a project's started runs passing the filter
    (``per_run``: see ``filters.where``)."""
    return sa.and_(
        runs.c.entity == entity,
        runs.c.project == project,
        runs.c.started == sa.true(),
        filter_sql.where(filters, per_run),
    )


def _directed(cols: list[Any], desc: bool) -> list[Any]:
    # Missing values sort last either way.
    return [c.desc().nulls_last() if desc else c.asc().nulls_last() for c in cols]


def group_order(by: str, order: str | list[str] | None = None) -> str:
    """``order`` made to start with ``by`` (ascending) if it does not, as a comma list.

    The runs of ``query_runs`` with this order come group by group, in the order
    of ``group_counts``.
    """
    items = order.split(",") if isinstance(order, str) else list(order or [])
    keys = [k.strip() for k in items if k.strip()]
    if not keys or keys[0].lstrip("+-") != by:
        keys.insert(0, by)
    return ",".join(keys)


def group_counts(
    store: Store,
    entity: str,
    project: str,
    by: str,
    filters: dict[str, Any] | None = None,
    order: str | list[str] | None = None,
    limit: int | None = None,
    exact: bool = False,
) -> GroupCounts:
    """The runs ``query_runs`` would list, grouped by the value of one sort key
    ``by`` (``config.<k>``, ``summary.<k>``, a run field, ...), in SQL:
    ``{"by", "order", "total", "truncated", "groups": [{"value", "count", "offset"}]}``.

    ``order`` is the runs' order; it is made to start with ``by`` (ascending) when
    it does not (``group_order``) and comes back as ``"order"``. Groups come in
    that order (missing values last), and ``offset`` is where a group's first run
    sits in ``query_runs(..., filters, order=<that order>)``, so a group's runs are
    ``offset=g["offset"], limit=g["count"]``. Runs group by their sort value:
    null, missing and (for ``tags``) untagged runs form one group (value None), and
    1 and 1.0 are one group. ``limit`` caps the groups returned (``truncated``
    tells). A malformed filter, key or order raises ValueError.
    """
    order_s = group_order(by, order)
    desc = filters_order(order_s)[0][1]  # validates every key, and ``by``
    cond = _matching(entity, project, filters, per_run=_per_run(store))
    keys = per_run_values(by, cond)
    q = (
        sa.select(*keys, sa.func.count().label("n"))
        .group_by(*keys)
        .order_by(*_directed(keys, desc))
    )
    if limit is not None:
        _check_count("limit", limit)
        q = q.limit(min(limit + 1, _MAX_INT))
    with _reading(store, filters) as conn:
        rows = conn.execute(q).all()
        truncated = limit is not None and len(rows) > limit
        if truncated:
            rows = rows[:limit]
            total = conn.execute(sa.select(sa.func.count()).select_from(runs).where(cond)).scalar()
    values = filter_sql.sort_values(by, [tuple(r[:-1]) for r in rows], exact)
    groups = []
    offset = 0
    for value, row in zip(values, rows, strict=True):
        groups.append(GroupCount(value, row[-1], offset))
        offset += row[-1]
    total = (total or 0) if truncated else offset
    return GroupCounts(by, order_s, total, truncated, groups)


def tag_counts(
    store: Store,
    entity: str,
    project: str,
    filters: dict[str, Any] | None = None,
    limit: int = 100,
) -> tuple[int, list[tuple[str, int]]]:
    """How many runs ``query_runs`` would list, and how many of them have each tag
    (the ``limit`` most common, then by name): a group row's tags."""
    _check_count("limit", limit)
    cond = _matching(entity, project, filters, per_run=_per_run(store))
    n = sa.func.count().label("n")
    q = (
        sa.select(run_tags.c.tag, n)
        .select_from(runs.join(run_tags, run_tags.c.rid == runs.c.rid))
        .where(cond)
        .group_by(run_tags.c.tag)
        .order_by(n.desc(), run_tags.c.tag)
        .limit(limit)
    )
    with _reading(store, filters) as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(runs).where(cond)).scalar()
        rows = conn.execute(q).all()
    return total or 0, [(str(t), int(c)) for t, c in rows]


def per_run_values(by: str, cond: Any) -> list[Any]:
    """The sort values of ``by`` of each run passing ``cond``, as the columns of a
    subquery to GROUP BY: plain columns of a subquery group on both backends for
    every kind of key (PostgreSQL refuses a correlated subquery, the first tag, in
    GROUP BY)."""
    cols, join = filter_sql.sort_columns(by)
    source: Any = runs if join is None else runs.outerjoin(join[0], join[1])
    per_run = (
        sa.select(*[c.label(f"k{i}") for i, c in enumerate(cols)])
        .select_from(source)
        .where(cond)
        .subquery()
    )
    return list(per_run.c)


def filters_where(doc: dict[str, Any] | None) -> Any:
    """The SQL condition of a filter document (validates it)."""
    return filter_sql.where(doc)


def filters_order(order: str | list[str] | None) -> list[tuple[str, bool]]:
    """Validated (field, descending) sort keys."""
    return filter_sql.order_by(order)


def get_run(
    store: Store, entity: str, project: str, run_id: str, exact: bool = False
) -> FullRunRow | None:
    """One run with its metadata and metric definitions, or None."""
    with store.engine.connect() as conn:
        row = find_run(conn, entity, project, run_id)
    return None if row is None else _full_run_row(row, exact)
