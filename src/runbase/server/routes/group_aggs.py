"""What a group row of the runs table shows in each column, over every run of the
group: the mean (median, min, max) of its numbers, the value when every run has
the same one, else how many distinct values.

Each column is one ``GROUP BY`` of the group's runs on the column's value
(``queries.group_counts``, the query behind ``/groups``), so a group of 100,000
runs costs one row per distinct value, not one per run, and the answer is the
same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import time
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel

from runbase.server.deps import FreshStore, GroupsCache, fast_json, project_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.filters import FilterError, runs_filter
from runbase.server.routes.runs import FiltersQ, SearchQ
from runbase.store import Store, queries

router = APIRouter(responses=BAD_INPUT, tags=["runs"])

AGGS = ("mean", "median", "min", "max")
MAX_COLUMNS = 200
# Distinct values read per column at most; a column with more says so (``truncated``).
MAX_VALUES = 100_000
TTL = 10.0
# Tags read per group at most (the most common).
MAX_TAGS = 100


class ColumnAgg(BaseModel):
    """One column over the group's runs: ``values`` runs have a value (null and ""
    do not count); ``numeric`` when each is a finite number, then ``value`` is
    their aggregate; else ``value`` is the value when ``distinct`` is 1. The key
    ``tags``: ``values`` is the group's runs, ``distinct`` its distinct tags and
    ``value`` [tag, runs with it] pairs, the most common first."""

    key: str
    values: int
    distinct: int
    numeric: bool
    value: Any = None
    truncated: bool = False


class GroupAggs(BaseModel):
    agg: str
    runs: int
    columns: list[ColumnAgg]


@router.get(
    "/projects/{entity}/{project}/groups/aggregates",
    response_model=GroupAggs,
    responses=NOT_FOUND,
)
def group_aggregates(
    store: FreshStore,
    cache: GroupsCache,
    entity: str,
    project: str,
    columns: Annotated[str, Query(min_length=1, description="comma list of sort keys")],
    agg: Annotated[str, Query(description="mean, median, min or max")] = "mean",
    filters: FiltersQ = None,
    search: SearchQ = None,
) -> Response:
    """Each column in ``columns`` aggregated over every run ``filters`` and ``search``
    select (a group: the workspace's filter AND the group's values)."""
    if agg not in AGGS:
        raise HTTPException(400, f"agg must be mean, median, min or max, got {agg!r}")
    keys = list(dict.fromkeys(k.strip() for k in columns.split(",") if k.strip()))
    if not keys or len(keys) > MAX_COLUMNS:
        raise HTTPException(400, f"give 1 to {MAX_COLUMNS} columns, got {len(keys)}")
    proj = project_or_404(store, entity, project)
    flt = runs_filter(filters, search)
    # Tags are read afresh each time: a tag edit changes neither the project's run
    # count nor its last activity, the cached columns' stamp.
    tags = _tags(store, entity, project, flt) if "tags" in keys else None
    keys = [k for k in keys if k != "tags"]
    body: dict[str, Any] = {"agg": agg, "runs": tags["values"] if tags else 0, "columns": []}
    if keys:
        ck = ("aggs", str(store.url), entity, project, filters, search, tuple(keys), agg)
        stamp = (proj["run_count"], proj["last_activity"])
        hit = cache.get(ck)
        if hit is None or hit["stamp"] != stamp or time.monotonic() - hit["t"] >= TTL:
            hit = {
                "stamp": stamp,
                "t": time.monotonic(),
                "body": _columns(store, entity, project, keys, agg, flt),
            }
            cache.put(ck, hit)
        body = hit["body"]
    if tags:
        body = {**body, "columns": [*body["columns"], tags]}
    return fast_json(body)


def _columns(
    store: Store, entity: str, project: str, keys: list[str], agg: str, flt: dict[str, Any] | None
) -> dict[str, Any]:
    out, runs = [], 0
    for key in keys:
        try:
            counts = queries.group_counts(
                store, entity, project, key, filters=flt, limit=MAX_VALUES
            )
        except ValueError as e:
            raise FilterError(f"cannot aggregate {key!r}: {e}") from None
        runs = counts.total
        pairs = [(g.value, g.count) for g in counts.groups]
        out.append({"key": key, **column_agg(pairs, agg), "truncated": counts.truncated})
    return {"agg": agg, "runs": runs, "columns": out}


def _tags(store: Store, entity: str, project: str, flt: dict[str, Any] | None) -> dict[str, Any]:
    # Counted per tag, not per tag list: a run tagged "a b" counts for both.
    try:
        total, pairs = queries.tag_counts(store, entity, project, filters=flt, limit=MAX_TAGS)
    except ValueError as e:
        raise FilterError(f"cannot aggregate 'tags': {e}") from None
    return {
        "key": "tags",
        "values": total,
        "distinct": len(pairs),
        "numeric": False,
        "value": [[t, n] for t, n in pairs],
        "truncated": len(pairs) == MAX_TAGS,
    }


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def column_agg(pairs: list[tuple[Any, int]], agg: str) -> dict[str, Any]:
    """``values``, ``distinct``, ``numeric`` and ``value`` from (value, run count)
    pairs, as the runs table's group cells read them."""
    pairs = [(v, n) for v, n in pairs if v is not None and v != "" and n > 0]
    values = sum(n for _, n in pairs)
    base = {"values": values, "distinct": len(pairs), "numeric": False, "value": None}
    if not pairs:
        return base
    if not all(_number(v) for v, _ in pairs):
        return {**base, "value": pairs[0][0] if len(pairs) == 1 else None}
    nums = sorted((float(v), n) for v, n in pairs)
    if agg == "min":
        value = nums[0][0]
    elif agg == "max":
        value = nums[-1][0]
    elif agg == "mean":
        value = math.fsum(v * n for v, n in nums) / values
    else:
        value = _weighted_median(nums, values)
    return {**base, "numeric": True, "value": value}


def _weighted_median(nums: list[tuple[float, int]], total: int) -> float:
    """The median of the values each repeated its count (the mean of the two middle
    ones for an even total), as the charts' group median is."""

    def nth(i: int) -> float:
        seen = 0
        for v, n in nums:
            seen += n
            if i < seen:
                return v
        return nums[-1][0]

    mid = total // 2
    return nth(mid) if total % 2 else (nth(mid - 1) + nth(mid)) / 2
