"""Group rows' aggregates over every run of a group (not a first page of them),
against a real server with a group of 150 runs."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterator

import pytest

from runbase.server.routes.group_aggs import column_agg

from .conftest import Server
from .fill import RunWriter

API = "/api/v1/projects/team/big"
N_A = 150


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("runbase-bigroup")
    for i in range(N_A + 20):
        opt = "adam" if i < N_A else "sgd"
        cfg = {"opt": opt, "x": i, "same": 3, "kind": "k" if i % 2 else "j"}
        tags = ["base", "odd"] if i % 2 else ["base"]
        w = RunWriter(root, "team", "big", f"r{i:03d}", config=cfg, tags=tags)
        w.history([(0, {"loss": float(i)})])
        w.finish(0)
    srv = Server(root)
    deadline = time.monotonic() + 60
    while srv.client.get(f"{API}/runs").json().get("total") != N_A + 20:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    yield srv
    srv.stop()


def _aggs(server: Server, agg: str, flt: dict) -> dict:
    r = server.client.get(
        f"{API}/groups/aggregates",
        params={
            "columns": "config.x,config.same,config.kind,max:loss,state",
            "agg": agg,
            "filters": json.dumps(flt),
        },
    )
    assert r.status_code == 200, r.text
    return {c["key"]: c for c in r.json()["columns"]} | {"_runs": r.json()["runs"]}


def test_tags_counted_over_every_run_of_the_group(big_server):
    r = big_server.client.get(
        f"{API}/groups/aggregates",
        params={"columns": "tags", "filters": json.dumps({"config.opt": "adam"})},
    )
    assert r.status_code == 200, r.text
    (tags,) = r.json()["columns"]
    # Every adam run has "base", half of them "odd"; most common first.
    assert tags["value"] == [["base", N_A], ["odd", N_A // 2]]
    assert tags["values"] == N_A == r.json()["runs"] and tags["distinct"] == 2
    # A tag edit shows at once (the other columns are cached up to 10 s).
    edit = {"ids": ["r000"], "add": ["new"]}
    assert big_server.client.post(f"{API}/runs/tags", json=edit).status_code == 200
    again = big_server.client.get(
        f"{API}/groups/aggregates",
        params={"columns": "tags,config.x", "filters": json.dumps({"config.opt": "adam"})},
    ).json()
    assert again["columns"][-1]["value"][-1] == ["new", 1] and again["runs"] == N_A
    big_server.client.post(f"{API}/runs/tags", json={"ids": ["r000"], "remove": ["new"]})


def test_aggregates_cover_every_run_of_the_group(big_server):
    xs = list(range(N_A))
    got = _aggs(big_server, "mean", {"config.opt": "adam"})
    assert got["_runs"] == N_A
    assert got["config.x"]["values"] == N_A and got["config.x"]["numeric"]
    assert got["config.x"]["value"] == pytest.approx(statistics.mean(xs))  # 74.5, not 49.5
    assert got["max:loss"]["value"] == pytest.approx(statistics.mean(xs))
    assert got["config.same"] == {**got["config.same"], "distinct": 1, "value": 3}
    assert got["config.kind"]["distinct"] == 2 and not got["config.kind"]["numeric"]
    assert got["state"]["value"] == "finished"
    assert _aggs(big_server, "max", {"config.opt": "adam"})["config.x"]["value"] == N_A - 1
    assert _aggs(big_server, "median", {"config.opt": "adam"})["config.x"]["value"] == 74.5
    sgd = _aggs(big_server, "min", {"config.opt": "sgd"})
    assert sgd["_runs"] == 20 and sgd["config.x"]["value"] == N_A


def test_aggregates_bad_input(big_server):
    c = big_server.client
    r = c.get(f"{API}/groups/aggregates", params={"columns": "config.x", "agg": "sum"})
    assert r.status_code == 400 and "mean, median, min or max" in r.json()["detail"]
    r = c.get(f"{API}/groups/aggregates", params={"columns": "nosuchfield"})
    assert r.status_code == 400 and "nosuchfield" in r.json()["detail"]
    r = c.get("/api/v1/projects/team/none/groups/aggregates", params={"columns": "state"})
    assert r.status_code == 404


def test_column_agg_counts_repeated_values():
    pairs = [(1, 2), (5, 1), (None, 4), ("", 1)]
    assert column_agg(pairs, "mean") == {
        "values": 3,
        "distinct": 2,
        "numeric": True,
        "value": pytest.approx(7 / 3),
    }
    assert column_agg(pairs, "median")["value"] == 1
    assert column_agg([(1, 1), (3, 1)], "median")["value"] == 2
    assert column_agg([("NaN", 1), (2, 1)], "mean")["numeric"] is False
    assert column_agg([(True, 2)], "mean") == {
        "values": 2,
        "distinct": 1,
        "numeric": False,
        "value": True,
    }
    assert column_agg([], "mean")["values"] == 0
