"""POST /importance over real runs: a random forest's importance and Pearson's
correlation of each parameter with a summary metric."""

from __future__ import annotations

import os

from .conftest import REPO, Server
from .param_runs import ensure_param_project

URL = "/api/v1/projects/team/params/importance"


def post(server, body: dict) -> dict:
    ensure_param_project(server, server.root, "params")
    r = server.client.post(URL, json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_parameter_the_metric_follows_is_the_important_one(server):
    body = post(server, {"metric": "loss", "params": ["a", "b", "opt", "model.depth"]})
    assert body["runs"] == 60 and body["message"] is None and not body["truncated"]
    rows = {p["name"]: p for p in body["params"]}
    assert [p["name"] for p in body["params"]][0] == "a"  # most important first
    assert rows["a"]["importance"] > 5 * rows["b"]["importance"]
    assert rows["a"]["importance"] > rows["model.depth"]["importance"]
    assert abs(sum(p["importance"] for p in body["params"]) - 1) < 1e-6
    assert rows["a"]["correlation"] > 0.9
    assert abs(rows["b"]["correlation"]) < 0.4
    # Categorical: one-hot in the forest, no signed correlation.
    assert rows["opt"]["kind"] == "categorical" and rows["opt"]["correlation"] is None
    assert rows["opt"]["importance"] > rows["b"]["importance"]
    assert rows["model.depth"]["kind"] == "numeric" and rows["model.depth"]["runs"] == 60


def test_correlation_is_negative_for_a_metric_that_falls_as_a_grows(server):
    body = post(server, {"metric": "acc", "params": ["a"], "search": "trial-0[0-2]"})
    assert body["runs"] == 30
    assert body["params"][0]["correlation"] < -0.9
    # ``_step`` is the same for every run: constant, so no correlation at all.
    body = post(server, {"metric": "_step", "params": ["a"]})
    assert body["params"][0]["correlation"] is None


def test_filters_select_the_runs_and_missing_values_are_tolerated(server):
    body = post(
        server,
        {"metric": "loss", "params": ["a", "nosuch"], "filters": {"config.opt": {"$eq": "sgd"}}},
    )
    assert body["runs"] == 20
    rows = {p["name"]: p for p in body["params"]}
    assert rows["nosuch"]["runs"] == 0 and rows["nosuch"]["correlation"] is None
    assert rows["a"]["correlation"] > 0.9


def test_bad_input_is_a_400_that_says_what_is_wrong(server):
    ensure_param_project(server, server.root, "params")
    r = server.client.post(URL, json={"metric": "loss", "params": []})
    assert r.status_code in (400, 422) and "params" in r.text
    r = server.client.post(
        URL, json={"metric": "loss", "params": ["a"], "filters": {"config.a": {"$bogus": 1}}}
    )
    assert r.status_code == 400 and "$bogus" in r.json()["detail"]
    r = server.client.post(
        "/api/v1/projects/team/nope/importance", json={"metric": "x", "params": ["a"]}
    )
    assert r.status_code == 404


def test_without_scikit_learn_correlations_come_back_and_the_message_says_how(
    tmp_path, monkeypatch, server
):
    # A server whose Python cannot import scikit-learn (the extra not installed).
    ensure_param_project(server, server.root, "params")
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['sklearn'] = None\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), str(REPO / "src")]))
    bare = Server(server.root)
    try:
        r = bare.client.post(URL, json={"metric": "loss", "params": ["a", "b"]})
    finally:
        bare.stop()
    body = r.json()
    assert r.status_code == 200 and "runbase[importance]" in body["message"]
    rows = {p["name"]: p for p in body["params"]}
    assert rows["a"]["importance"] is None and rows["a"]["correlation"] > 0.9
