"""Stopping a shipped run (the web app's Stop button on the team server).

``runbase ui`` writes a stop request file into the run's folder, which the run's own
process reads (``server/routes/stop.py``). A run shipped to the team server is
written on another machine, so the request is a row (``run_stops``) naming the
segment live when it was made, and each answer to a post of that segment carries
it (``team/group.py``): the run's shipper writes the run's own stop request file,
and the run stops as it does locally (``sdk/stop_watch.py``: ends as killed, the
reason said on its console). A resumed run posts a new segment, so an old request
never stops it. A run the server indexes from its own folder is stopped with the file.
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from runbase.records.layout import stop_request_path
from runbase.records.stop_request import DEFAULT_REASON, write_request
from runbase.server.deps import Holder, fast_json, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND, WRITE
from runbase.server.routes.stop import StopRequested
from runbase.store.db import schema as t

router = APIRouter(responses=BAD_INPUT, tags=["runs"])
PATH = "/projects/{entity}/{project}/runs/{run_id}/stop"


def _rid_and_segment(
    conn: sa.Connection, entity: str, project: str, run_id: str
) -> tuple[int, str] | None:
    """A shipped run's rid and its newest segment (None: not a shipped run)."""
    r, s = t.runs, t.ingest_segments
    query = (
        sa.select(r.c.rid, sa.func.max(s.c.segment))
        .join(s, s.c.rid == r.c.rid)
        .where((r.c.entity == entity) & (r.c.project == project) & (r.c.run_id == run_id))
        .group_by(r.c.rid)
    )
    row = conn.execute(query).first()
    return None if row is None else (int(row[0]), str(row[1]))


@router.post(PATH, response_model=StopRequested, responses={**NOT_FOUND, **WRITE})
def stop_run(hold: Holder, entity: str, project: str, run_id: str) -> Response:
    """Ask a running run's process to stop: it ends the run as killed within seconds
    (a shipped run: at its shipper's next post, at most ~15 s when it logs nothing)."""
    store = hold.fresh()
    run = run_or_404(store, entity, project, run_id)
    if run.state != "running":
        raise HTTPException(
            400, f"run {run_id} is {run.state}, not running: only a running run can be stopped"
        )
    now = time.time()
    with store.writing("stop a run"), store.engine.begin() as conn:
        shipped = _rid_and_segment(conn, entity, project, run.id)
        if shipped is not None:
            rid, segment = shipped
            conn.execute(t.run_stops.delete().where(t.run_stops.c.rid == rid))
            row = {"rid": rid, "segment": segment, "reason": DEFAULT_REASON, "requested_at": now}
            conn.execute(t.run_stops.insert().values(**row))
    if shipped is None:
        with store.writing("stop a run"):
            req = write_request(stop_request_path(store.root, entity, project, run.id))
        now = req.requested_at
    return fast_json({"run_id": run.id, "requested_at": now, "reason": DEFAULT_REASON})
