"""Logged histograms over steps (the heat-map) and ``wandb.plot.*`` charts (a
panel config in ``config._wandb.visualize`` plus the table it draws)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from runbase.server.deps import FreshStore, SeriesCache, fast_json, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.models import ChartData, HistogramSeries
from runbase.server.routes.tables import KeyQ, file_url, load_table, table_cache
from runbase.server.tableview import cell_out
from runbase.store import queries
from runbase.store.db.values import safe

router = APIRouter(responses=BAD_INPUT, tags=["media"])

MAX_CHART_ROWS = 50_000


def histogram_parts(value: Any) -> tuple[list[Any], list[Any]] | None:
    """(bin edges, counts) of a logged histogram, or None when ``value`` is not one.

    W&B writes ``bins`` (edges), or ``packedBins`` (``min``, ``size``, ``count``)
    for evenly spaced bins.
    """
    if not isinstance(value, dict) or value.get("_type") != "histogram":
        return None
    counts = value.get("values")
    bins = value.get("bins")
    packed = value.get("packedBins")
    if bins is None and isinstance(packed, dict):
        try:
            lo, size, n = float(packed["min"]), float(packed["size"]), int(packed["count"])
        except (KeyError, TypeError, ValueError):
            return None
        bins = [lo + i * size for i in range(n + 1)]
    if not isinstance(counts, list) or not isinstance(bins, list):
        return None
    if len(bins) != len(counts) + 1:
        return None
    return bins, counts


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/histogram",
    response_model=HistogramSeries,
    responses=NOT_FOUND,
)
def run_histogram(
    store: FreshStore,
    cache: SeriesCache,
    entity: str,
    project: str,
    run_id: str,
    key: KeyQ,
    max_steps: Annotated[int, Query(ge=1, le=2000)] = 200,
) -> Response:
    """The histograms logged under ``key``: per step its bin edges and counts, at
    most ``max_steps`` steps (evenly spaced, first and last kept)."""
    run = run_or_404(store, entity, project, run_id)
    version = queries.history_versions(store, entity, project, [run_id]).get(run_id)
    ck = (store.url, entity, project, run_id, version, "histogram", key, max_steps)
    hit = cache.get(ck)
    if hit is None:
        hit = _histogram_series(queries.key_values(store, run, key), key, max_steps)
        cache.put(ck, hit)
    return fast_json(hit)


def _histogram_series(kv: queries.KeyValues, key: str, max_steps: int) -> dict[str, Any]:
    found = []
    for step, value in zip(kv.steps, kv.values, strict=True):
        parts = histogram_parts(value)
        if parts is not None:
            found.append((step, parts))
    if not found:
        if kv.steps:
            raise HTTPException(400, f"{key!r} holds no histograms")
        raise HTTPException(404, f"no histogram logged under {key!r}")
    picked = found
    if len(found) > max_steps:
        last = len(found) - 1
        idx = sorted({round(i * last / max(max_steps - 1, 1)) for i in range(max_steps)})
        picked = [found[i] for i in idx] if max_steps > 1 else [found[-1]]
    return {
        "key": key,
        "count": len(found),
        "sampled": len(picked) < len(found),
        "steps": [s for s, _ in picked],
        "bins": [safe(b) for _, (b, _c) in picked],
        "counts": [safe(c) for _, (_b, c) in picked],
    }


def _table_key(key: str, panel_config: dict[str, Any]) -> str:
    """The history key of the chart's table: the ``tableKey`` of its query (W&B's
    ``summaryTable`` field), else ``<key>_table``."""
    stack: list[Any] = [panel_config.get("userQuery")]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("name") == "tableKey" and isinstance(node.get("value"), str):
                return str(node["value"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return f"{key}_table"


def visualize_entry(config: dict[str, Any], key: str) -> dict[str, Any] | None:
    """``config._wandb.visualize[key]``, or None."""
    wb = config.get("_wandb")
    vis = wb.get("visualize") if isinstance(wb, dict) else None
    entry = vis.get(key) if isinstance(vis, dict) else None
    return entry if isinstance(entry, dict) else None


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/chart",
    response_model=ChartData,
    responses=NOT_FOUND,
)
def run_chart(
    store: FreshStore, request: Request, entity: str, project: str, run_id: str, key: KeyQ
) -> Response:
    """The chart logged under ``key`` by ``wandb.plot.*``: which built-in chart
    (``panel_def_id``, e.g. ``wandb/line/v0``), its field and string settings,
    and the latest table it draws (at most 50,000 rows)."""
    run = run_or_404(store, entity, project, run_id)
    entry = visualize_entry(run.config, key)
    if entry is None:
        raise HTTPException(404, f"no chart {key!r} in run {entity}/{project}/{run_id}")
    pc = entry.get("panel_config") if isinstance(entry.get("panel_config"), dict) else {}
    assert isinstance(pc, dict)
    tkey = _table_key(key, pc)
    at, _steps, _path, view = load_table(store, table_cache(request), run, tkey, None)
    base = file_url(entity, project, run_id)
    rows = view.data[:MAX_CHART_ROWS]
    out = {
        "key": key,
        "panel_type": str(entry.get("panel_type", "")),
        "panel_def_id": str(pc.get("panelDefId", "")),
        "field_settings": _dict(pc.get("fieldSettings")),
        "string_settings": _dict(pc.get("stringSettings")),
        "table_key": tkey,
        "step": at,
        "columns": view.columns,
        "data": [[cell_out(v, base) for v in r] for r in rows],
        "nrows": len(view.data),
        "truncated": len(view.data) > len(rows),
    }
    return fast_json(out)


def _dict(value: Any) -> dict[str, Any]:
    return safe(value) if isinstance(value, dict) else {}
