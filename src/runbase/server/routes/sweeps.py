"""Sweeps: a project's sweeps, one sweep with its parameters and runs, and its
controls (pause, resume, stop, cancel). Each sweep's state is its own database
under ``RUNBASE_DIR/sweeps`` (``runbase.sweeps.db``); its runs are the store's,
filtered with ``{"sweep": id}`` on the runs routes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel

from runbase.errors import UsageError
from runbase.records.layout import id_problem, name_problem
from runbase.server.deps import FreshStore, Holder, fast_json
from runbase.server.errors import BAD_INPUT, NOT_FOUND, WRITE
from runbase.server.sweep_shapes import SweepDetail, SweepOut, SweepsPage, sweep_detail, sweep_out
from runbase.store import Store
from runbase.sweeps import db
from runbase.sweeps.control import Controller

router = APIRouter(responses=BAD_INPUT, tags=["sweeps"])


class SweepAction(BaseModel):
    action: Literal["pause", "resume", "stop", "cancel"]


def _usable(entity: str, project: str, sweep_id: str = "x") -> bool:
    """Names that are a folder of ``RUNBASE_DIR/sweeps`` (not ``..``, no separators)."""
    bad = name_problem("entity", entity) or name_problem("project", project)
    return not (bad or id_problem(sweep_id))


@contextmanager
def _opened(store: Store, entity: str, project: str, sweep_id: str) -> Iterator[Controller]:
    folder = db.sweep_dir(store.root, entity, project, sweep_id)
    if not _usable(entity, project, sweep_id) or not (folder / "sweep.db").is_file():
        raise HTTPException(404, f"no sweep {sweep_id!r} in {entity}/{project}")
    ctl = Controller(folder)
    try:
        yield ctl
    finally:
        ctl.close()


@router.get("/projects/{entity}/{project}/sweeps", response_model=SweepsPage, responses=NOT_FOUND)
def list_sweeps(store: FreshStore, entity: str, project: str) -> Response:
    """The project's sweeps, newest first (none yet: an empty list, as a sweep may
    exist before its project has a run)."""
    if not _usable(entity, project):
        raise HTTPException(404, f"no project {entity}/{project}")
    base = db.sweeps_root(store.root) / entity / project
    out = []
    folders = sorted(base.glob("*/sweep.db")) if base.is_dir() else []
    for path in folders:
        with _opened(store, entity, project, path.parent.name) as ctl:
            out.append(sweep_out(store, ctl))
    out.sort(key=lambda s: s["created_at"], reverse=True)
    return fast_json({"sweeps": out})


@router.get(
    "/projects/{entity}/{project}/sweeps/{sweep_id}",
    response_model=SweepDetail,
    responses=NOT_FOUND,
)
def get_sweep(store: FreshStore, entity: str, project: str, sweep_id: str) -> Response:
    """One sweep: also its parameters (flattened names) and the ids of its runs."""
    with _opened(store, entity, project, sweep_id) as ctl:
        return fast_json(sweep_detail(store, ctl))


@router.post(
    "/projects/{entity}/{project}/sweeps/{sweep_id}/state",
    response_model=SweepOut,
    responses={**BAD_INPUT, **NOT_FOUND, **WRITE},
)
def set_sweep_state(
    hold: Holder, entity: str, project: str, sweep_id: str, body: SweepAction
) -> Response:
    """Pause, resume, stop (running runs finish) or cancel (running runs stop) the sweep."""
    store = hold.fresh()
    with _opened(store, entity, project, sweep_id) as ctl:
        try:
            ctl.act(body.action)
        except UsageError as e:
            raise HTTPException(400, str(e)) from None
        except sqlite3.OperationalError as e:
            raise HTTPException(409, f"the sweep's database cannot be written: {e}") from None
        return fast_json(sweep_out(store, ctl))
