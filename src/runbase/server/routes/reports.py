"""Reports (``store/reports.py`` keeps them): list, create, open, edit, delete.

Writes pass the same guards as every write route (``security.py``: no other
site's browser, JSON bodies only; a read-only store answers 409).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, Field

from runbase.server.deps import FreshStore, Holder, fast_json
from runbase.server.errors import BAD_INPUT, NOT_FOUND, WRITE, ErrorOut
from runbase.server.models import Deleted
from runbase.server.routes.saved import call_saved
from runbase.store import reports as saved

router = APIRouter(responses=BAD_INPUT, tags=["reports"])
R = "/projects/{entity}/{project}/reports"


class RunSourceModel(BaseModel):
    """The runs a panel grid draws: a saved view's runs (``view``: its id), or the
    project's runs matching ``filters`` (the web app's filter state) and ``search``."""

    view: str | None = None
    filters: dict[str, Any] | None = None
    search: str = ""
    max_runs: int = Field(default=10, ge=1, le=saved.MAX_RUNS)


class MarkdownBlockModel(BaseModel):
    """Markdown text (raw HTML in it is shown as text, never run)."""

    type: Literal["markdown"]
    id: str = Field(min_length=1, max_length=64)
    text: str = ""


class PanelsBlockModel(BaseModel):
    """A grid of panels (the web app's panel specs) over a set of runs."""

    type: Literal["panels"]
    id: str = Field(min_length=1, max_length=64)
    runs: RunSourceModel = Field(default_factory=RunSourceModel)
    panels: list[dict[str, Any]] = []


BlockModel = Annotated[MarkdownBlockModel | PanelsBlockModel, Field(discriminator="type")]


class ReportOut(BaseModel):
    id: str
    title: str
    blocks: list[BlockModel]
    created_at: float
    updated_at: float


class ReportSummary(BaseModel):
    id: str
    title: str
    blocks: int
    created_at: float
    updated_at: float


class ReportList(BaseModel):
    reports: list[ReportSummary]


class ReportIn(BaseModel):
    title: str = Field(max_length=saved.MAX_TITLE)
    blocks: list[BlockModel] = Field(default=[], max_length=saved.MAX_BLOCKS)


class ReportPatch(BaseModel):
    """Either or both: a new title, new blocks (the whole list, in order). ``base``:
    the ``updated_at`` the edit started from; if the report was saved since, 409."""

    title: str | None = Field(default=None, max_length=saved.MAX_TITLE)
    blocks: list[BlockModel] | None = Field(default=None, max_length=saved.MAX_BLOCKS)
    base: float | None = None


# A 409 here is also a report saved by someone else since ``base``.
CONFLICT = {
    **WRITE,
    409: {
        "model": ErrorOut,
        "description": "The store is read-only, or the report changed since `base`",
    },
}


def _blocks(blocks: list[BlockModel] | None) -> list[saved.Block] | None:
    if blocks is None:
        return None
    return saved.to_blocks([b.model_dump() for b in blocks])


def _out(r: saved.Report) -> Response:
    return fast_json(msgspec.to_builtins(r))


@router.get(R, response_model=ReportList, responses=NOT_FOUND)
def list_reports(store: FreshStore, entity: str, project: str) -> Response:
    """The project's reports (titles only), most recently updated first."""
    rows = call_saved(store, entity, project, saved.list_reports)
    return fast_json(
        {
            "reports": [
                {
                    "id": r.id,
                    "title": r.title,
                    "blocks": len(r.blocks),
                    "created_at": r.created_at,
                    "updated_at": r.updated_at,
                }
                for r in rows
            ]
        }
    )


@router.post(R, response_model=ReportOut, responses={**NOT_FOUND, **WRITE})
def create_report(hold: Holder, entity: str, project: str, body: ReportIn) -> Response:
    """Write a new report."""
    store = hold.fresh()
    try:
        blocks = _blocks(body.blocks)
    except saved.ReportError as e:
        raise HTTPException(400, str(e)) from None
    return _out(call_saved(store, entity, project, saved.create_report, body.title, blocks))


@router.get(f"{R}/{{report_id}}", response_model=ReportOut, responses=NOT_FOUND)
def get_report(store: FreshStore, entity: str, project: str, report_id: str) -> Response:
    """One report with its blocks."""
    return _out(call_saved(store, entity, project, saved.get_report, report_id))


@router.put(f"{R}/{{report_id}}", response_model=ReportOut, responses={**NOT_FOUND, **CONFLICT})
def put_report(
    hold: Holder, entity: str, project: str, report_id: str, body: ReportPatch
) -> Response:
    """Retitle a report and/or save its blocks (the whole list, in order); with ``base``,
    only if nobody saved it since that version (else 409)."""
    store = hold.fresh()
    try:
        blocks = _blocks(body.blocks)
    except saved.ReportError as e:
        raise HTTPException(400, str(e)) from None
    args = (report_id, body.title, blocks, body.base)
    return _out(call_saved(store, entity, project, saved.update_report, *args))


@router.delete(f"{R}/{{report_id}}", response_model=Deleted, responses={**NOT_FOUND, **WRITE})
def delete_report(hold: Holder, entity: str, project: str, report_id: str) -> Response:
    """Delete a report."""
    store = hold.fresh()
    call_saved(store, entity, project, saved.delete_report, report_id)
    return fast_json({"deleted": 1})
