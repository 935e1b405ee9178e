"""The sweep routes the web app reads, over real HTTP on loopback, on SQLite and
PostgreSQL: the JSON contract, the runs filter by sweep, and the state route's
refusal of other sites' requests as every write route refuses them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.store.recordkit import private_schema
from tests.web.test_media_routes import serve

from .conftest import REPO

MAKE = """
import runbase
def train():
    run = runbase.init()
    runbase.log({"loss": run.config.lr * 10 + run.config.opt["depth"]})
cfg = {"method": "random", "name": "lr-search", "run_cap": 5,
       "metric": {"name": "loss", "goal": "minimize"},
       "parameters": {"lr": {"values": [0.5, 0.1]}, "opt": {"parameters": {
           "depth": {"distribution": "int_uniform", "min": 1, "max": 2}}},
           "wd": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-2},
           "act": {"value": "relu"}}}
sid = runbase.sweep(cfg, entity="team", project="sw")
runbase.agent(sid, function=train, count=3)
runbase.init(entity="team", project="sw", name="not-in-the-sweep").finish()
grid = {"method": "grid", "parameters": {"x": {"values": [1]}}}
runbase.sweep(grid, entity="team", project="sw")
print("SWEEP", sid)
"""
P = "/api/v1/projects/team/sw"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("sweep-routes")
    env = {**os.environ, "RUNBASE_DIR": str(root), "PYTHONPATH": str(REPO / "src")}
    script = root.parent / "make_sweep.py"
    script.write_text(MAKE)
    out = subprocess.run(
        [sys.executable, str(script)], env=env, check=True, capture_output=True, text=True
    )
    return root, out.stdout.split("SWEEP ")[1].split()[0]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request, made) -> Iterator[httpx.Client]:
    root, _ = made
    if request.param == "sqlite":
        with serve(str(root)) as c:
            yield c
        return
    if not os.environ.get("RUNBASE_TEST_POSTGRES_URL"):
        pytest.skip("RUNBASE_TEST_POSTGRES_URL is not set")
    old = os.environ.get("RUNBASE_DIR")
    os.environ["RUNBASE_DIR"] = str(root)
    try:
        with private_schema() as url, serve(url) as c:
            yield c
    finally:
        if old is None:
            os.environ.pop("RUNBASE_DIR", None)
        else:
            os.environ["RUNBASE_DIR"] = old


SWEEP_KEYS = {"id", "name", "state", "method", "metric", "run_count", "run_cap", "best_run",
              "created_at", "config"}  # fmt: skip


def test_the_project_lists_its_sweeps_newest_first(client, made):
    _, sid = made
    body = client.get(f"{P}/sweeps").json()
    assert len(body["sweeps"]) == 2
    newest, ours = body["sweeps"]
    assert set(ours) == SWEEP_KEYS
    assert ours["id"] == sid and newest["created_at"] > ours["created_at"]
    assert (ours["name"], ours["state"], ours["method"]) == ("lr-search", "running", "random")
    assert ours["metric"] == {"name": "loss", "goal": "minimize"}
    assert (ours["run_count"], ours["run_cap"]) == (3, 5)
    assert ours["config"]["parameters"]["lr"] == {"values": [0.5, 0.1]}
    assert newest["best_run"] is None and newest["metric"] is None
    assert client.get("/api/v1/projects/team/none/sweeps").json() == {"sweeps": []}


def test_one_sweep_has_its_parameters_flattened_and_its_run_ids(client, made):
    _, sid = made
    body = client.get(f"{P}/sweeps/{sid}").json()
    assert set(body) == SWEEP_KEYS | {"parameters", "run_ids"}
    assert body["parameters"] == [
        {"name": "lr", "kind": "categorical", "values": [0.5, 0.1], "min": None, "max": None, "log": False},  # noqa: E501
        {"name": "opt.depth", "kind": "int", "values": None, "min": 1, "max": 2, "log": False},
        {"name": "wd", "kind": "float", "values": None, "min": 1e-5, "max": 1e-2, "log": True},
        {"name": "act", "kind": "categorical", "values": ["relu"], "min": None, "max": None, "log": False},  # noqa: E501
    ]  # fmt: skip
    assert len(body["run_ids"]) == 3
    runs = client.get(f"{P}/runs", params={"filters": json.dumps({"sweep": sid})}).json()
    assert sorted(r["id"] for r in runs["runs"]) == sorted(body["run_ids"])
    assert all(r["sweep"] == sid for r in runs["runs"])
    low = min(r["summary"]["loss"] for r in runs["runs"])
    tied = {r["id"]: r["name"] for r in runs["runs"] if r["summary"]["loss"] == low}
    best = body["best_run"]  # random points may repeat: any of a tie, with its name
    assert best["value"] == low and tied[best["id"]] == best["name"]
    others = client.get(f"{P}/runs", params={"filters": json.dumps({"sweep": None})}).json()
    assert [r["name"] for r in others["runs"]] == ["not-in-the-sweep"]
    assert others["runs"][0]["sweep"] is None
    missing = client.get(f"{P}/sweeps/nosuch")
    assert missing.status_code == 404 and "nosuch" in missing.json()["detail"]


def test_the_state_route_pauses_resumes_stops_and_says_what_it_cannot(client, made):
    _, sid = made
    url = f"{P}/sweeps/{sid}/state"
    assert client.post(url, json={"action": "pause"}).json()["state"] == "paused"
    assert client.get(f"{P}/sweeps/{sid}").json()["state"] == "paused"
    resumed = client.post(url, json={"action": "resume"}).json()
    assert set(resumed) == SWEEP_KEYS and resumed["state"] == "running"
    assert client.post(url, json={"action": "stop"}).json()["state"] == "stopped"
    refused = client.post(url, json={"action": "pause"})
    assert refused.status_code == 400 and "is stopped: it cannot pause" in refused.json()["detail"]
    bad = client.post(url, json={"action": "explode"})
    assert bad.status_code == 400 and "action" in bad.json()["detail"]
    assert client.post(f"{P}/sweeps/nosuch/state", json={"action": "stop"}).status_code == 404
    assert client.post(url, json={"action": "resume"}).json()["state"] == "running"


def test_the_state_route_refuses_other_sites_as_write_routes_do(client, made):
    _, sid = made
    url = f"{P}/sweeps/{sid}/state"
    for headers in [{"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}]:
        r = client.post(url, json={"action": "cancel"}, headers=headers)
        assert r.status_code == 403 and "cross-site" in r.json()["detail"]
    r = client.post(url, json={"action": "cancel"}, headers={"host": "attacker.example"})
    assert r.status_code == 400 and "attacker.example" in r.json()["detail"]
    r = client.post(
        url, content=json.dumps({"action": "cancel"}), headers={"content-type": "text/plain"}
    )
    assert r.status_code == 415
    assert client.get(f"{P}/sweeps/{sid}").json()["state"] == "running"


def test_the_csv_export_names_each_runs_sweep(client, made):
    _, sid = made
    r = client.get(f"{P}/runs.csv", params={"filters": json.dumps({"sweep": sid})})
    assert r.status_code == 200
    header, *rows = r.text.splitlines()
    assert "sweep" in header.split(",") and len(rows) == 3
    column = header.split(",").index("sweep")
    assert {row.split(",")[column] for row in rows} == {sid}
