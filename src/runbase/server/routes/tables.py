"""A logged table (``wandb.Table``), a page at a time: sorted, searched and
filtered on the server, so a 100,000-row table pages as fast as a small one.

The parsed table is cached per run, file and hash (``TableCache``); its sort
orders and search text are cached with it (``tableview.py``).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from runbase.server.cache import LruCache
from runbase.server.deps import FreshStore, fast_json, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.models import TablePage
from runbase.server.tableview import TableView, cell_out
from runbase.store import Store, queries

router = APIRouter(responses=BAD_INPUT, tags=["media"])

MAX_PAGE = 1000

KeyQ = Annotated[str, Query(min_length=1, max_length=512, description="the history key")]
StepQ = Annotated[
    int | None, Query(ge=0, description="the step it was logged at (default: the latest)")
]


def table_cache(request: Request) -> LruCache:
    """The app's cache of parsed tables."""
    return request.app.state.table_cache


def file_url(entity: str, project: str, run_id: str) -> str:
    """Where the run's files are served (``files.py``); a cell's path is added to it."""
    parts = (quote(entity, safe=""), quote(project, safe=""), quote(run_id, safe=""))
    return "/api/v1/projects/{}/{}/runs/{}/files".format(*parts)


def load_table(
    store: Store, cache: LruCache, run: queries.RunRow, key: str, step: int | None
) -> tuple[int, list[int], str, TableView]:
    """(step, steps with a table, file path, the parsed table) of ``key``; 404 when
    the key holds no table (at that step), 400 when it holds something else."""
    try:
        at, pointer, steps = queries.table_pointer(store, run, key, step)
    except KeyError as e:
        raise HTTPException(404, str(e.args[0])) from None
    except queries.LoggedValueError as e:
        raise HTTPException(400, str(e)) from None
    path = str(pointer["path"])
    ck = (store.url, run.entity, run.project, run.id, path, pointer.get("sha256"))
    hit = cache.get(ck)
    if hit is None:
        try:
            body = queries.read_table(store, run, pointer)
        except KeyError as e:
            raise HTTPException(404, str(e.args[0])) from None
        except queries.LoggedValueError as e:
            raise HTTPException(400, str(e)) from None
        hit = {"view": TableView(body.columns, body.data)}
        cache.put(ck, hit)
    return at, steps, path, hit["view"]


def _filters(view: TableView, raw: str | None) -> dict[int, str]:
    if not raw:
        return {}
    try:
        parsed = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        parsed = None
    if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
        raise HTTPException(400, 'filters must be a JSON object {"column": "text", ...}')
    try:
        return {view.column_index(c): t for c, t in parsed.items() if t}
    except ValueError as e:
        raise HTTPException(400, f"filters: {e}") from None


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/table",
    response_model=TablePage,
    responses=NOT_FOUND,
)
def run_table(
    store: FreshStore,
    request: Request,
    entity: str,
    project: str,
    run_id: str,
    key: KeyQ,
    step: StepQ = None,
    sort: Annotated[str | None, Query(description="the column to sort by")] = None,
    desc: bool = False,
    search: Annotated[str, Query(max_length=200, description="text any cell contains")] = "",
    filters: Annotated[
        str | None, Query(description='JSON {"column": "text"}: text each column contains')
    ] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> Response:
    """A page of the table logged under ``key``: sorted by ``sort`` (empty cells
    last), rows where some cell contains ``search`` and each column in
    ``filters`` contains its text (case-insensitive), ``offset``/``limit``.
    ``total`` counts the matching rows; ``index`` gives each row's place in the
    table as logged. Image cells carry the ``url`` of their file and their size."""
    run = run_or_404(store, entity, project, run_id)
    at, steps, path, view = load_table(store, table_cache(request), run, key, step)
    col = None
    if sort is not None:
        try:
            col = view.column_index(sort)
        except ValueError as e:
            raise HTTPException(400, f"sort: {e}") from None
    total, index = view.page(col, desc, search, _filters(view, filters), offset, limit)
    base = file_url(entity, project, run_id)
    rows = [[cell_out(v, base) for v in view.data[i]] for i in index]
    out: dict[str, Any] = {
        "key": key,
        "step": at,
        "steps": steps,
        "path": path,
        "columns": [{"name": c, "kind": k} for c, k in zip(view.columns, view.kinds, strict=True)],
        "nrows": len(view.data),
        "total": total,
        "offset": offset,
        "limit": limit,
        "sort": sort,
        "desc": desc,
        "index": index,
        "rows": rows,
    }
    return fast_json(out)
