"""Stopping a running run (W&B's "Stop run"): the server writes a stop request into
the run's folder (``records/stop_request.py``); the run's own process notices it
within a couple of seconds, ends the run as killed and interrupts its script.

The server cannot end the process itself: it may run as another user or on
another machine, and only the process knows how to close its run's records.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel

from runbase.records.layout import stop_request_path
from runbase.records.stop_request import write_request
from runbase.server.deps import Holder, fast_json, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND, WRITE

router = APIRouter(responses=BAD_INPUT, tags=["runs"])


class StopRequested(BaseModel):
    """The stop request as recorded; the run is still running until its process acts."""

    run_id: str
    requested_at: float
    reason: str


@router.post(
    "/projects/{entity}/{project}/runs/{run_id}/stop",
    response_model=StopRequested,
    responses={**NOT_FOUND, **WRITE},
)
def stop_run(hold: Holder, entity: str, project: str, run_id: str) -> Response:
    """Ask a running run's process to stop: it ends the run as killed within seconds."""
    store = hold.fresh()
    run = run_or_404(store, entity, project, run_id)
    if run.state != "running":
        raise HTTPException(
            400, f"run {run_id} is {run.state}, not running: only a running run can be stopped"
        )
    with store.writing("stop a run"):
        req = write_request(stop_request_path(store.root, entity, project, run.id))
    return fast_json({"run_id": run.id, "requested_at": req.requested_at, "reason": req.reason})
