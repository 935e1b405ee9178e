"""Saved views over real HTTP on loopback, on SQLite and PostgreSQL stores: save,
open, rename, delete, the default view, clear 400s, size limits, and the same
refusal of other sites' browsers as every write route."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.store.recordkit import private_schema
from tests.web.test_media_routes import serve

from .fill import RunWriter

V = "/api/v1/projects/team/views/views"
STATE = {"v": 1, "params": {"sort": "name", "group": "config.opt"}, "hidden": ["state"]}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("view-routes")
    w = RunWriter(root, "team", "views", "a1", config={"lr": 0.1})
    w.history([(s, {"loss": 1.0 / (s + 1)}) for s in range(3)])
    w.finish(exit_code=0)
    return root


@pytest.fixture(params=["sqlite", "postgresql"])
def client(request, root: Path) -> Iterator[httpx.Client]:
    # Each test starts with no views (they are files under RUNBASE_DIR, whatever the database).
    for f in (root / "views").glob("*/*.json"):
        f.unlink()
    if request.param == "sqlite":
        with serve(str(root)) as c:
            yield c
        return
    if not os.environ.get("RUNBASE_TEST_POSTGRES_URL"):
        pytest.skip("RUNBASE_TEST_POSTGRES_URL is not set")
    old = os.environ.get("RUNBASE_DIR")
    os.environ["RUNBASE_DIR"] = str(root)  # the PostgreSQL store's record folder
    try:
        with private_schema() as url, serve(url) as c:
            yield c
    finally:
        if old is None:
            os.environ.pop("RUNBASE_DIR", None)
        else:
            os.environ["RUNBASE_DIR"] = old


def test_save_open_rename_delete(client):
    assert client.get(V).json() == {"views": [], "default": None}
    r = client.post(V, json={"name": "  by optimiser ", "state": STATE})
    assert r.status_code == 200, r.text
    made = r.json()
    assert made["name"] == "by optimiser" and made["state"] == STATE
    assert not made["is_default"]
    vid = made["id"]
    assert client.get(f"{V}/{vid}").json()["state"] == STATE
    new_state = {**STATE, "hidden": []}
    r = client.put(f"{V}/{vid}", json={"name": "renamed", "state": new_state})
    assert r.status_code == 200 and r.json()["name"] == "renamed"
    assert r.json()["updated_at"] >= made["updated_at"]
    got = client.get(f"{V}/{vid}").json()
    assert got["state"] == new_state and got["name"] == "renamed"
    listed = client.get(V).json()["views"]
    assert [(v["id"], v["name"]) for v in listed] == [(vid, "renamed")]
    assert client.delete(f"{V}/{vid}").json() == {"deleted": 1}
    r = client.get(f"{V}/{vid}")
    assert r.status_code == 404 and vid in r.json()["detail"]


def test_default_view_is_set_read_and_cleared(client):
    assert client.get(f"{V}/default").json() == {"view": None}
    a = client.post(V, json={"name": "a", "state": STATE}).json()["id"]
    r = client.put(f"{V}/default", json={"id": a})
    assert r.status_code == 200 and r.json()["view"]["id"] == a
    assert client.get(f"{V}/default").json()["view"]["state"] == STATE
    assert client.get(V).json()["default"] == a
    assert client.get(f"{V}/{a}").json()["is_default"] is True
    r = client.put(f"{V}/default", json={"id": "nosuch"})
    assert r.status_code == 404 and "nosuch" in r.json()["detail"]
    client.delete(f"{V}/{a}")  # deleting the default leaves the project without one
    assert client.get(f"{V}/default").json() == {"view": None}


def test_bad_input_is_a_clear_400(client):
    r = client.post(V, json={"name": "   ", "state": {}})
    assert r.status_code == 400 and "needs a name" in r.json()["detail"]
    r = client.post(V, json={"name": "x", "state": "not an object"})
    assert r.status_code == 400 and "state" in r.json()["detail"]
    r = client.post(V, json={"name": "x" * 201, "state": {}})
    assert r.status_code == 400 and "name" in r.json()["detail"]
    big = {"hidden": ["c" * 1000] * 300}
    r = client.post(V, json={"name": "big", "state": big})
    assert r.status_code == 400 and "262144" in r.json()["detail"], r.text
    assert client.get(V).json()["views"] == []
    r = client.post("/api/v1/projects/team/nope/views", json={"name": "x", "state": {}})
    assert r.status_code == 404 and "team/nope" in r.json()["detail"]


def test_other_sites_cannot_write_views(client):
    evil = {"origin": "http://evil.example", "sec-fetch-site": "cross-site"}
    r = client.post(V, json={"name": "x", "state": {}}, headers=evil)
    assert r.status_code == 403
    r = client.post(
        V, content="name=x", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 415
    r = client.get(V, headers={"host": "evil.example"})
    assert r.status_code == 400
    assert client.get(V).json()["views"] == []
