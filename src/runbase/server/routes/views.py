"""Saved views of a project's workspace (``store/views.py`` keeps them): list,
open, save, rename, delete, and the project's default view.

Writes pass the same guards as every write route (``security.py``: no other
site's browser, JSON bodies only; a read-only store answers 409).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from runbase.server.deps import FreshStore, Holder, fast_json
from runbase.server.errors import BAD_INPUT, NOT_FOUND, WRITE
from runbase.server.models import Deleted
from runbase.server.routes.saved import call_saved
from runbase.store import Store
from runbase.store import views as saved

router = APIRouter(responses=BAD_INPUT, tags=["views"])
V = "/projects/{entity}/{project}/views"


class ViewOut(BaseModel):
    """A saved view: ``state`` is the web app's (filters, sort, columns...)."""

    id: str
    name: str
    state: dict[str, Any]
    created_at: float
    updated_at: float
    is_default: bool


class ViewSummary(BaseModel):
    id: str
    name: str
    updated_at: float
    is_default: bool


class ViewList(BaseModel):
    views: list[ViewSummary]
    default: str | None


class ViewIn(BaseModel):
    name: str = Field(max_length=saved.MAX_NAME)
    state: dict[str, Any]


class ViewPatch(BaseModel):
    """Either or both: a new name, a new state."""

    name: str | None = Field(default=None, max_length=saved.MAX_NAME)
    state: dict[str, Any] | None = None


class DefaultIn(BaseModel):
    """The view to open by default (null: none, the app's own defaults)."""

    id: str | None


class DefaultOut(BaseModel):
    view: ViewOut | None


def _out(v: saved.SavedView, default: str | None) -> dict[str, Any]:
    return {
        "id": v.id,
        "name": v.name,
        "state": v.state,
        "created_at": v.created_at,
        "updated_at": v.updated_at,
        "is_default": v.id == default,
    }


def _one(store: Store, entity: str, project: str, view_id: str) -> Response:
    view = call_saved(store, entity, project, saved.get_view, view_id)
    default = saved.read_views(store, entity, project).default
    return fast_json(_out(view, default))


@router.get(V, response_model=ViewList, responses=NOT_FOUND)
def list_views(store: FreshStore, entity: str, project: str) -> Response:
    """The project's saved views (names only), oldest first, and its default view's id."""
    pv = call_saved(store, entity, project, saved.read_views)
    rows = [
        {"id": v.id, "name": v.name, "updated_at": v.updated_at, "is_default": v.id == pv.default}
        for v in pv.views
    ]
    return fast_json({"views": rows, "default": pv.default})


@router.post(V, response_model=ViewOut, responses={**NOT_FOUND, **WRITE})
def create_view(hold: Holder, entity: str, project: str, body: ViewIn) -> Response:
    """Save the state as a new view."""
    store = hold.fresh()
    view = call_saved(store, entity, project, saved.create_view, body.name, body.state)
    return fast_json(_out(view, saved.read_views(store, entity, project).default))


@router.get(f"{V}/default", response_model=DefaultOut, responses=NOT_FOUND)
def get_default(store: FreshStore, entity: str, project: str) -> Response:
    """The project's default view, or ``{"view": null}`` when none is set."""
    pv = call_saved(store, entity, project, saved.read_views)
    view = next((v for v in pv.views if v.id == pv.default), None)
    return fast_json({"view": None if view is None else _out(view, pv.default)})


@router.put(f"{V}/default", response_model=DefaultOut, responses={**NOT_FOUND, **WRITE})
def put_default(hold: Holder, entity: str, project: str, body: DefaultIn) -> Response:
    """Make a view the default (``{"id": null}``: no default view)."""
    store = hold.fresh()
    call_saved(store, entity, project, saved.set_default, body.id)
    return get_default(store, entity, project)


@router.get(f"{V}/{{view_id}}", response_model=ViewOut, responses=NOT_FOUND)
def get_view(store: FreshStore, entity: str, project: str, view_id: str) -> Response:
    """One saved view with its state."""
    return _one(store, entity, project, view_id)


@router.put(f"{V}/{{view_id}}", response_model=ViewOut, responses={**NOT_FOUND, **WRITE})
def put_view(hold: Holder, entity: str, project: str, view_id: str, body: ViewPatch) -> Response:
    """Rename a view and/or save a new state into it."""
    store = hold.fresh()
    call_saved(store, entity, project, saved.update_view, view_id, body.name, body.state)
    return _one(store, entity, project, view_id)


@router.delete(f"{V}/{{view_id}}", response_model=Deleted, responses={**NOT_FOUND, **WRITE})
def delete_view(hold: Holder, entity: str, project: str, view_id: str) -> Response:
    """Delete a view (if it was the default, the project has none after)."""
    store = hold.fresh()
    call_saved(store, entity, project, saved.delete_view, view_id)
    return fast_json({"deleted": 1})
