"""Reports over real HTTP on loopback, on SQLite and PostgreSQL stores: create,
open, edit, reorder, delete, clear 400s and 404s, and the same refusal of other
sites' browsers as every write route."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .fill import RunWriter
from .test_view_routes import client as _client  # noqa: F401, F811 (the fixture, per store)

R = "/api/v1/projects/team/views/reports"
MD = {"type": "markdown", "id": "m1", "text": "# Findings\n\nLower **lr** wins."}
GRID = {
    "type": "panels",
    "id": "g1",
    "runs": {"view": None, "filters": None, "search": "a", "max_runs": 5},
    "panels": [{"id": "p1", "kind": "line", "keys": ["loss"], "x": "_step", "options": {}}],
}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report-routes")
    w = RunWriter(root, "team", "views", "a1", config={"lr": 0.1})
    w.history([(s, {"loss": 1.0 / (s + 1)}) for s in range(3)])
    w.finish(exit_code=0)
    return root


@pytest.fixture
def client(_client: httpx.Client, root: Path) -> Iterator[httpx.Client]:  # noqa: F811
    for f in (root / "reports").glob("*/*/*.json"):
        f.unlink()
    yield _client


def test_create_open_edit_delete(client):
    assert client.get(R).json() == {"reports": []}
    r = client.post(R, json={"title": " Week 1 ", "blocks": [MD, GRID]})
    assert r.status_code == 200, r.text
    made = r.json()
    assert made["title"] == "Week 1" and made["blocks"] == [MD, GRID]
    rid = made["id"]
    assert client.get(f"{R}/{rid}").json()["blocks"] == [MD, GRID]
    r = client.put(f"{R}/{rid}", json={"blocks": [GRID, {**MD, "text": "edited"}]})
    assert r.status_code == 200, r.text
    got = client.get(f"{R}/{rid}").json()
    assert [b["id"] for b in got["blocks"]] == ["g1", "m1"] and got["blocks"][1]["text"] == "edited"
    assert got["title"] == "Week 1" and got["updated_at"] >= made["updated_at"]
    client.put(f"{R}/{rid}", json={"title": "renamed"})
    listed = client.get(R).json()["reports"]
    assert [(x["id"], x["title"], x["blocks"]) for x in listed] == [(rid, "renamed", 2)]
    assert client.delete(f"{R}/{rid}").json() == {"deleted": 1}
    r = client.get(f"{R}/{rid}")
    assert r.status_code == 404 and rid in r.json()["detail"]
    assert client.delete(f"{R}/{rid}").status_code == 404


def test_bad_input_is_a_clear_400(client):
    r = client.post(R, json={"title": "  "})
    assert r.status_code == 400 and "needs a title" in r.json()["detail"]
    r = client.post(R, json={"title": "x", "blocks": [{"type": "video", "id": "v"}]})
    assert r.status_code == 400 and "type" in r.json()["detail"], r.text
    r = client.post(R, json={"title": "x", "blocks": [MD, MD]})
    assert r.status_code == 400 and "same id" in r.json()["detail"]
    bad = {**GRID, "runs": {"max_runs": 1000}}
    r = client.post(R, json={"title": "x", "blocks": [bad]})
    assert r.status_code == 400 and "max_runs" in r.json()["detail"], r.text
    r = client.post(R, json={"title": "x", "blocks": [{**MD, "text": "x" * 1_100_000}]})
    assert r.status_code == 400 and "split it in two" in r.json()["detail"]
    assert client.get(R).json()["reports"] == []
    r = client.post("/api/v1/projects/team/nope/reports", json={"title": "x"})
    assert r.status_code == 404 and "team/nope" in r.json()["detail"]
    r = client.put(f"{R}/000000000000", json={"title": "x"})
    assert r.status_code == 404 and "000000000000" in r.json()["detail"]


def test_other_sites_cannot_write_reports(client):
    evil = {"origin": "http://evil.example", "sec-fetch-site": "cross-site"}
    assert client.post(R, json={"title": "x"}, headers=evil).status_code == 403
    form = {"content-type": "application/x-www-form-urlencoded"}
    r = client.post(R, content="title=x", headers=form)
    assert r.status_code == 415
    assert client.get(R).json()["reports"] == []


def test_an_edit_from_an_old_version_is_refused(client):
    made = client.post(R, json={"title": "shared", "blocks": [MD]}).json()
    rid, v0 = made["id"], made["updated_at"]
    mine = client.put(f"{R}/{rid}", json={"blocks": [MD, GRID], "base": v0})
    assert mine.status_code == 200, mine.text
    theirs = client.put(f"{R}/{rid}", json={"blocks": [], "base": v0})  # opened before my save
    assert theirs.status_code == 409 and "changed by someone else" in theirs.json()["detail"]
    assert [b["id"] for b in client.get(f"{R}/{rid}").json()["blocks"]] == ["m1", "g1"]
    again = client.put(f"{R}/{rid}", json={"blocks": [GRID], "base": mine.json()["updated_at"]})
    assert again.status_code == 200 and again.json()["blocks"] == [GRID]
