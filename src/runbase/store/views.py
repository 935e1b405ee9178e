"""Saved views of a project's workspace: what the web app shows, kept under a name.

A view is state a person wrote, not something indexed from run records: each
project's views are one document of ``store.documents`` (``documents.py``): on
``runbase ui`` the JSON file ``RUNBASE_DIR/views/<entity>/<project>.json``, on the
team server a row of its database, changed whole under a lock, so two servers or
two requests never lose each other's change.

The state is opaque here (the web app owns its shape); only its size is limited.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from runbase.store.documents import DocumentError, DocumentNotFound, FileDocuments
from runbase.store.store import Store

MAX_STATE_BYTES = 256 * 1024
MAX_VIEWS = 200
MAX_NAME = 200
KIND = "views"


class ViewError(DocumentError):
    """A view the request names cannot be saved as asked (bad name, too big, too many)."""


class ViewNotFound(DocumentNotFound):
    """No view with that id in the project."""


class SavedView(msgspec.Struct):
    id: str
    name: str
    state: dict[str, Any]
    created_at: float
    updated_at: float


class ProjectViews(msgspec.Struct):
    views: list[SavedView] = msgspec.field(default_factory=list)
    default: str | None = None


def views_path(root: Path, entity: str, project: str) -> Path:
    """The file holding a project's views on ``runbase ui`` (names were checked as the
    project's)."""
    return FileDocuments(root).path(KIND, entity, project)


def read_views(store: Store, entity: str, project: str) -> ProjectViews:
    """The project's views, oldest first, and its default view's id (None: none set)."""
    return _decode(store, entity, project, store.documents.read(KIND, entity, project))


def _decode(store: Store, entity: str, project: str, data: bytes | None) -> ProjectViews:
    if data is None:
        return ProjectViews()
    try:
        return msgspec.json.decode(data, type=ProjectViews)
    except msgspec.DecodeError as e:
        where = store.documents.where(KIND, entity, project)
        raise ViewError(f"{where} is damaged ({e}); fix or delete it to start afresh") from None


def get_view(store: Store, entity: str, project: str, view_id: str) -> SavedView:
    for v in read_views(store, entity, project).views:
        if v.id == view_id:
            return v
    raise ViewNotFound(f"no view {view_id!r} in {entity}/{project}")


def create_view(
    store: Store, entity: str, project: str, name: str, state: dict[str, Any]
) -> SavedView:
    """Save a new view; its id is random, so a link to it is not guessable from others."""
    name = _check(name, state)
    now = time.time()
    view = SavedView(secrets.token_hex(6), name, state, now, now)

    def add(pv: ProjectViews) -> None:
        if len(pv.views) >= MAX_VIEWS:
            raise ViewError(f"{entity}/{project} has {MAX_VIEWS} views, the most it can keep; "
                            "delete one first")  # fmt: skip
        pv.views.append(view)

    _change(store, entity, project, add)
    return view


def update_view(
    store: Store,
    entity: str,
    project: str,
    view_id: str,
    name: str | None = None,
    state: dict[str, Any] | None = None,
) -> SavedView:
    """Rename a view and/or replace its state; returns the view as saved."""
    if name is not None:
        name = _check(name, state)
    elif state is not None:
        _check("x", state)
    found: list[SavedView] = []

    def edit(pv: ProjectViews) -> None:
        view = _find(pv, entity, project, view_id)
        if name is not None:
            view.name = name
        if state is not None:
            view.state = state
        view.updated_at = time.time()
        found.append(view)

    _change(store, entity, project, edit)
    return found[0]


def delete_view(store: Store, entity: str, project: str, view_id: str) -> None:
    """Delete a view; if it was the default, the project has no default view after."""

    def drop(pv: ProjectViews) -> None:
        pv.views.remove(_find(pv, entity, project, view_id))
        if pv.default == view_id:
            pv.default = None

    _change(store, entity, project, drop)


def set_default(store: Store, entity: str, project: str, view_id: str | None) -> None:
    """Make a view the project's default (None: no default view)."""

    def choose(pv: ProjectViews) -> None:
        if view_id is not None:
            _find(pv, entity, project, view_id)
        pv.default = view_id

    _change(store, entity, project, choose)


def _find(pv: ProjectViews, entity: str, project: str, view_id: str) -> SavedView:
    for v in pv.views:
        if v.id == view_id:
            return v
    raise ViewNotFound(f"no view {view_id!r} in {entity}/{project}")


def _check(name: str, state: dict[str, Any] | None) -> str:
    name = name.strip()
    if not name:
        raise ViewError("a view needs a name")
    if len(name) > MAX_NAME:
        raise ViewError(f"a view name has at most {MAX_NAME} characters")
    if state is not None:
        size = len(json.dumps(state, separators=(",", ":")))
        if size > MAX_STATE_BYTES:
            raise ViewError(
                f"the view's state is {size} bytes, more than the {MAX_STATE_BYTES} "
                "a view may keep; show fewer columns or clear eye toggles and colours"
            )
    return name


def _change(store: Store, entity: str, project: str, fn: Callable[[ProjectViews], None]) -> None:
    def apply(data: bytes | None) -> bytes:
        pv = _decode(store, entity, project, data)
        fn(pv)
        return msgspec.json.encode(pv)

    with store.writing("save views"):
        store.documents.change(KIND, entity, project, "", apply)
