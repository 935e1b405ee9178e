"""Bulk tagging runs (the runs table's "Tag" action) against a real server."""

from __future__ import annotations

import time

from .fill import RunWriter

BASE = "/api/v1/projects/team/bulk"


def _project(server, store_dir) -> None:
    if server.client.get(f"{BASE}/runs/b0").status_code == 200:
        return
    for i in range(3):
        w = RunWriter(store_dir, "team", "bulk", f"b{i}", name=f"bulk-{i}", tags=["base"])
        w.history([(0, {"a": 1})])
        w.finish(0)
    deadline = time.monotonic() + 10
    while server.client.get(f"{BASE}/runs").json().get("total") != 3:
        assert time.monotonic() < deadline
        time.sleep(0.3)


def _tags(server, rid: str) -> list[str]:
    return server.client.get(f"{BASE}/runs/{rid}").json()["tags"]


def test_bulk_tags_add_and_remove(server, store_dir):
    _project(server, store_dir)
    r = server.client.post(f"{BASE}/runs/tags", json={"ids": ["b0", "b1"], "add": ["best", "base"]})
    assert r.status_code == 200 and r.json() == {"updated": 2}
    assert _tags(server, "b0") == ["base", "best"]
    assert _tags(server, "b2") == ["base"]
    # Filtering by the new tag finds exactly the two runs.
    found = server.client.get(f"{BASE}/runs", params={"filters": '{"tags": "best"}'}).json()
    assert sorted(x["id"] for x in found["runs"]) == ["b0", "b1"]
    r = server.client.post(f"{BASE}/runs/tags", json={"ids": ["b0", "b2"], "remove": ["base"]})
    assert r.json() == {"updated": 2}
    assert _tags(server, "b0") == ["best"] and _tags(server, "b2") == []
    # Nothing to change: nothing updated.
    r = server.client.post(f"{BASE}/runs/tags", json={"ids": ["b0"], "add": ["best"]})
    assert r.json() == {"updated": 0}


def test_bulk_tags_bad_input(server, store_dir):
    _project(server, store_dir)
    r = server.client.post(f"{BASE}/runs/tags", json={"ids": ["b0"]})
    assert r.status_code == 400 and "add" in r.json()["detail"]
    r = server.client.post(f"{BASE}/runs/tags", json={"ids": ["b0"], "add": ["  "]})
    assert r.status_code == 400 and "blank" in r.json()["detail"]
    r = server.client.post(f"{BASE}/runs/tags", json={"ids": [], "add": ["x"]})
    assert r.status_code == 400
    r = server.client.post(f"{BASE}/runs/tags", json={"ids": ["b0", "nope"], "add": ["x"]})
    assert r.status_code == 404 and "nope" in r.json()["detail"]
    assert "x" not in _tags(server, "b0")
    nosuch = "/api/v1/projects/team/nosuch/runs/tags"
    r = server.client.post(nosuch, json={"ids": ["b0"], "add": ["x"]})
    assert r.status_code == 404
