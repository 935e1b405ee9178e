"""The HTTP API against a real server over a store filled by real SDK runs."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

from runbase.records import Kind

from .fill import RunWriter

RUNS = "/api/v1/projects/team/vision/runs"


def test_projects_list_counts_runs(server):
    r = server.client.get("/api/v1/projects")
    assert r.status_code == 200
    rows = {(p["entity"], p["project"]): p for p in r.json()["projects"]}
    assert rows[("team", "vision")]["run_count"] == 12
    assert rows[("team", "vision")]["last_activity"] > 0
    assert ("team", "misc") in rows


def test_unknown_project_and_run_are_404_with_message(server):
    r = server.client.get("/api/v1/projects/team/nope")
    assert r.status_code == 404 and "team/nope" in r.json()["detail"]
    r = server.client.get(f"{RUNS}/nosuchrun")
    assert r.status_code == 404 and "nosuchrun" in r.json()["detail"]
    r = server.client.get("/api/v1/no/such/route")
    assert r.status_code == 404


def test_runs_sorted_by_summary_and_paginated(server):
    r = server.client.get(RUNS, params={"order": "summary.train/loss", "limit": 5})
    body = r.json()
    assert r.status_code == 200, body
    assert body["total"] == 12 and len(body["runs"]) == 5
    losses = [run["summary"]["train/loss"] for run in body["runs"]]
    assert losses == sorted(losses)
    page2 = server.client.get(RUNS, params={"order": "summary.train/loss", "limit": 5, "offset": 5})
    more = [run["summary"]["train/loss"] for run in page2.json()["runs"]]
    assert min(more) >= max(losses)


def test_runs_filter_by_config_state_tags_and_regex(server):
    flt = {"$and": [{"config.lr": {"$gte": 0.03}}, {"state": {"$eq": "finished"}}]}
    body = server.client.get(RUNS, params={"filters": json.dumps(flt), "limit": 50}).json()
    assert body["total"] > 0
    for run in body["runs"]:
        assert run["config"]["lr"] >= 0.03 and run["state"] == "finished"
    failed = server.client.get(RUNS, params={"filters": json.dumps({"state": "failed"})}).json()
    assert [r["id"] for r in failed["runs"]] == ["r05"]
    tagged = server.client.get(RUNS, params={"filters": json.dumps({"tags": {"$in": ["fast"]}})})
    assert {r["id"] for r in tagged.json()["runs"]} == {"r01", "r04", "r07", "r10"}
    named = server.client.get(RUNS, params={"search": "run-0[0-2]$"}).json()
    assert sorted(r["name"] for r in named["runs"]) == ["run-00", "run-01", "run-02"]


def test_groups_count_runs_and_give_offsets_into_runs(server):
    g = server.client.get(f"{RUNS[:-5]}/groups", params={"by": "config.optimizer"})
    body = g.json()
    assert g.status_code == 200, body
    assert body["total"] == 12 and body["order"] == "config.optimizer"
    assert [(x["value"], x["count"], x["offset"]) for x in body["groups"]] == [
        ("adam", 4, 0),
        ("adamw", 4, 4),
        ("sgd", 4, 8),
    ]
    # A group's runs are /runs with the same order from its offset.
    order = "-config.optimizer,name"
    body = server.client.get(
        f"{RUNS[:-5]}/groups", params={"by": "config.optimizer", "order": order}
    ).json()
    assert [x["value"] for x in body["groups"]] == ["sgd", "adamw", "adam"]
    adamw = body["groups"][1]
    page = server.client.get(RUNS, params={"order": order, "offset": adamw["offset"], "limit": 4})
    assert {r["config"]["optimizer"] for r in page.json()["runs"]} == {"adamw"}
    flt = json.dumps({"config.lr": {"$gte": 0.03}})
    body = server.client.get(
        f"{RUNS[:-5]}/groups", params={"by": "config.lr", "filters": flt}
    ).json()
    assert [(x["value"], x["count"]) for x in body["groups"]] == [(0.03, 3), (0.1, 3)]
    bad = server.client.get(f"{RUNS[:-5]}/groups", params={"by": "bogus"})
    assert bad.status_code == 400 and "bogus" in bad.json()["detail"]


def test_malformed_filters_are_400_with_a_reason(server):
    for bad in [
        "{not json",
        '{"config.lr": {"$near": 1}}',
        '{"$xor": []}',
        '["a"]',
        '{"bogus": 1}',
    ]:
        r = server.client.get(RUNS, params={"filters": bad})
        assert r.status_code == 400, bad
        assert r.json()["detail"]
    r = server.client.get(RUNS, params={"search": "(unclosed"})
    assert r.status_code == 400 and "regular expression" in r.json()["detail"]
    r = server.client.get(RUNS, params={"limit": "lots"})
    assert r.status_code == 400 and "limit" in r.json()["detail"]


def test_run_detail_has_overview_fields(server):
    run = server.client.get(f"{RUNS}/r00").json()
    assert run["name"] == "run-00" and run["state"] == "finished"
    assert run["notes"] == "the first run"
    assert run["config"]["lr"] == 0.1 and run["config"]["model.depth"] == 4
    assert run["tags"] == ["baseline"] and run["group"] == "seed-group-0"
    assert run["job_type"] == "train" and run["user"]
    assert run["created_at"] > 0 and run["runtime"] >= 0
    assert run["metric_min"]["train/loss"] <= run["summary"]["train/loss"]
    assert run["metric_max"]["train/loss"] >= run["summary"]["train/loss"]


def test_columns_list_config_summary_and_metrics(server):
    cols = server.client.get("/api/v1/projects/team/vision/columns").json()
    assert {"lr", "optimizer", "batch_size", "model.depth"} <= set(cols["config"])
    assert {"train/loss", "val/loss", "train/acc", "lr"} <= set(cols["metrics"])
    assert "train/loss" in cols["summary"]


def test_series_downsamples_and_zooms(server):
    base = "/api/v1/projects/team/vision/series"
    r = server.client.get(
        base, params={"key": "train/loss", "runs": "r00,r01,missing", "buckets": 10}
    )
    body = r.json()
    assert r.status_code == 200, body
    assert [s["run_id"] for s in body["series"]] == ["r00", "r01"]
    s = body["series"][0]
    assert 0 < len(s["x"]) <= 10 + 1
    assert all(lo <= hi for lo, hi in zip(s["min"], s["max"], strict=True))
    full = server.client.get(base, params={"key": "train/loss", "runs": "r00", "buckets": 1000})
    xs = full.json()["series"][0]["x"]
    assert len(xs) == 120 and xs[0] == 0 and xs[-1] == 119
    zoom = server.client.get(
        base, params={"key": "train/loss", "runs": "r00", "x_min": 10, "x_max": 20, "buckets": 1000}
    )
    zx = zoom.json()["series"][0]["x"]
    assert min(zx) >= 10 - 1 and max(zx) <= 20 + 1 and len(zx) >= 10
    wall = server.client.get(base, params={"key": "train/loss", "runs": "r00", "x": "_timestamp"})
    assert wall.json()["series"][0]["x"][0] > 1e9
    bym = server.client.get(base, params={"key": "train/loss", "runs": "r00", "x": "train/acc"})
    assert bym.status_code == 200 and bym.json()["series"]


def test_series_batch_answers_each_key_as_series_does(server):
    base = "/api/v1/projects/team/vision/series"
    keys = ["train/loss", "val/loss", "nothing/here", "train/loss"]
    body = {"keys": keys, "runs": ["r00", "r01", "missing"], "buckets": 10}
    r = server.client.post(f"{base}/batch", json=body)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["x_key"] == "_step"
    assert [one["key"] for one in got["results"]] == ["train/loss", "val/loss", "nothing/here"]
    for one in got["results"]:
        alone = server.client.get(
            base, params={"key": one["key"], "runs": "r00,r01,missing", "buckets": 10}
        )
        assert one == alone.json()
    assert got["results"][2]["series"] == []
    zoom = {**body, "x_min": 10, "x_max": 20, "x": "_step"}
    zx = server.client.post(f"{base}/batch", json=zoom).json()["results"][0]["series"][0]["x"]
    assert min(zx) >= 10 - 1 and max(zx) <= 20 + 1
    for bad, says in [
        ({**body, "x_min": 5, "x_max": 1}, "x_min must not be greater"),
        ({**body, "keys": [f"k{i}" for i in range(30)], "runs": [f"r{i}" for i in range(100)]},
         "at most 2000 lines"),
        ({**body, "keys": []}, "keys"),
    ]:  # fmt: skip
        r = server.client.post(f"{base}/batch", json=bad)
        assert r.status_code == 400 and says in r.json()["detail"], r.text


def test_nan_and_inf_survive_json(server):
    r = server.client.get("/api/v1/projects/team/misc/runs/odd1")
    assert r.status_code == 200
    run = r.json()
    assert run["state"] == "crashed"
    s = server.client.get("/api/v1/projects/team/misc/runs/odd1/series", params={"key": "metric"})
    assert s.status_code == 200
    assert len(s.json()["x"]) == 11


def test_edit_notes_tags_name_persist(server, store_dir):
    url = f"{RUNS}/r02"
    r = server.client.patch(url, json={"notes": "edited notes", "tags": ["x", "y"]})
    assert r.status_code == 200, r.text
    assert r.json()["notes"] == "edited notes" and r.json()["tags"] == ["x", "y"]
    again = server.client.get(url).json()
    assert again["notes"] == "edited notes" and again["tags"] == ["x", "y"]
    assert (store_dir / "runs/team/vision/r02/edits.rbr").exists()
    bad = server.client.patch(url, json={"tags": [""]})
    assert bad.status_code == 400
    server.client.patch(url, json={"tags": ["sweep"], "notes": ""})


def test_logs_files_and_system(server):
    logs = server.client.get(f"{RUNS}/r03/logs").json()
    assert "total" in logs and isinstance(logs["lines"], list)
    txt = server.client.get(f"{RUNS}/r03/logs.txt")
    assert txt.status_code == 200 and "attachment" in txt.headers["content-disposition"]
    files = server.client.get(f"{RUNS}/r03/files").json()["files"]
    paths = [f["path"] for f in files]
    if "notes.txt" in paths:
        body = server.client.get(f"{RUNS}/r03/files/notes.txt")
        assert body.text == "hello from run 3\n"
    assert server.client.get(f"{RUNS}/r03/files/../../../etc/passwd").status_code == 404
    assert server.client.get(f"{RUNS}/r03/files/nope.txt").status_code == 404
    sysm = server.client.get(f"{RUNS}/r03/system").json()
    assert set(sysm) == {"keys", "series"}
    # Times are plain numbers (the store once handed over SQLAlchemy Row tuples).
    assert all(isinstance(ln["t"], float) for ln in logs["lines"])
    assert all(ln["stream"] in ("stdout", "stderr") for ln in logs["lines"])
    assert all(isinstance(f["time"], float | None) for f in files)
    for series in sysm["series"].values():
        assert all(isinstance(t, float) for t in series["t"])
        assert len(series["t"]) == len(series["v"])


def test_system_batch_answers_each_runs_samples_and_start_in_one_request(server):
    misc = "/api/v1/projects/team/misc"
    one = server.client.get(f"{misc}/runs/odd1/system").json()
    run = server.client.get(f"{misc}/runs/odd1").json()
    r = server.client.post(f"{misc}/system/batch", json={"runs": ["odd1", "nope", "odd1"]})
    assert r.status_code == 200, r.text
    # Unknown runs are left out, a repeated one is answered once.
    assert r.json() == {"runs": [{"run_id": "odd1", "start": run["created_at"], **one}]}
    assert one["keys"] == ["cpu", "memory_percent"]
    many = [f"r{i}" for i in range(101)]
    assert server.client.post(f"{misc}/system/batch", json={"runs": many}).status_code == 400
    assert server.client.post(f"{misc}/system/batch", json={"runs": []}).status_code == 400


def test_logs_route_pages_and_filters_in_the_store(server, store_dir: Path):
    printed = [("stderr" if i % 10 == 9 else "stdout", f"step {i}") for i in range(2500)]
    w = RunWriter(store_dir, "team", "talk", "p1", name="talker")
    w.emit(Kind.OUTPUT, [[w.t + i, stream, line] for i, (stream, line) in enumerate(printed)])
    w.finish(0)
    url = "/api/v1/projects/team/talk/runs/p1/logs"
    deadline = time.monotonic() + 15
    while (r := server.client.get(url)).status_code != 200 or r.json()["total"] < 2500:
        assert time.monotonic() < deadline, r.text
        time.sleep(0.3)
    texts = [line for _, line in printed]
    assert [ln["line"] for ln in r.json()["lines"]] == texts  # the default limit holds them all
    last = server.client.get(url, params={"limit": 2}).json()
    assert last == {
        "total": 2500,
        "lines": [
            {"t": w.t + 2498, "stream": "stdout", "line": "step 2498"},
            {"t": w.t + 2499, "stream": "stderr", "line": "step 2499"},
        ],
    }
    pages = [
        server.client.get(url, params={"offset": o, "limit": 1000}).json() for o in (0, 1000, 2000)
    ]
    assert [p["total"] for p in pages] == [2500] * 3
    assert [ln["line"] for p in pages for ln in p["lines"]] == texts
    found = server.client.get(url, params={"search": "STEP 24", "offset": 1, "limit": 2}).json()
    assert found["total"] == 111  # step 24, 240-249, 2400-2499
    assert [ln["line"] for ln in found["lines"]] == ["step 240", "step 241"]
    errs = server.client.get(url, params={"stream": "stderr", "limit": 3}).json()
    assert errs["total"] == 250
    assert [ln["line"] for ln in errs["lines"]] == ["step 2479", "step 2489", "step 2499"]
    bad = server.client.get(url, params={"stream": "stdin"})
    assert bad.status_code == 400 and "stream" in bad.json()["detail"]
    tail = server.client.get(f"{url}/tail", params={"start": 2480, "stream": "stderr"}).json()
    assert tail["end"] == 2500 and tail["matched"] == 2
    assert [ln["line"] for ln in tail["lines"]] == ["step 2489", "step 2499"]
    txt = server.client.get(f"{url}.txt")
    assert txt.status_code == 200 and txt.headers["content-type"].startswith("text/plain")
    assert txt.text == "".join(f"{line}\n" for line in texts)
    assert server.client.get("/api/v1/projects/team/talk/runs/nope/logs.txt").status_code == 404


def test_run_metrics_are_the_logged_keys(server):
    body = server.client.get(f"{RUNS}/r00/metrics").json()
    assert body == {"metrics": ["lr", "train/acc", "train/loss", "val/loss"]}


def test_csv_export_matches_filter(server):
    flt = json.dumps({"config.optimizer": "adam"})
    r = server.client.get(f"{RUNS[:-5]}/runs.csv", params={"filters": flt})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 4 and all(row["config.optimizer"] == "adam" for row in rows)
    assert "summary.train/loss" in rows[0]


def test_live_run_shows_up_and_grows(server, store_dir):
    w = RunWriter(store_dir, "team", "live", "live1", name="live-run", config={"lr": 1}, live=True)
    w.history([(s, {"loss": 1.0 / (s + 1)}) for s in range(5)])
    url = "/api/v1/projects/team/live/runs/live1/series"
    deadline = time.monotonic() + 10
    while True:
        r = server.client.get(url, params={"key": "loss"})
        if r.status_code == 200 and len(r.json()["x"]) == 5:
            break
        assert time.monotonic() < deadline, r.text
        time.sleep(0.3)
    w.history([(s, {"loss": 1.0 / (s + 1)}) for s in range(5, 9)])
    deadline = time.monotonic() + 10
    while len(server.client.get(url, params={"key": "loss"}).json()["x"]) != 9:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert server.client.get("/api/v1/projects/team/live/runs/live1").json()["state"] == "running"
    w.finish(0)


def test_delete_runs(server, store_dir):
    for i in range(2):
        w = RunWriter(store_dir, "team", "trash", f"t{i}", name=f"trash-{i}")
        w.history([(0, {"a": 1})])
        w.finish(0)
    base = "/api/v1/projects/team/trash"
    deadline = time.monotonic() + 10
    while server.client.get(base).status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    r = server.client.post(f"{base}/runs/delete", json={"ids": ["t0"]})
    assert r.status_code == 200 and r.json()["deleted"] == 1
    assert server.client.get(f"{base}/runs/t0").status_code == 404
    assert server.client.delete(f"{base}/runs/t1").status_code == 200
    assert server.client.get(f"{base}/runs/t1").status_code == 404


def test_openapi_documents_routes(server):
    spec = server.client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert "/api/v1/projects/{entity}/{project}/runs" in paths
    assert "patch" in paths["/api/v1/projects/{entity}/{project}/runs/{run_id}"]


def test_spa_fallback_serves_index_for_app_urls(server):
    for path in [
        "/",
        "/team/vision",
        "/team/vision/runs/r00",
        "/team/vision/runs/r00/logs",
        "/what/ever/else",
    ]:
        r = server.client.get(path)
        assert r.status_code == 200 and "<html" in r.text.lower(), path


def test_server_reads_the_store_only_through_queries():
    import runbase.server

    folder = Path(runbase.server.__file__).parent
    for src in folder.glob("*.py"):
        text = src.read_text()
        assert "store.schema" not in text and "import sqlalchemy" not in text, src.name


def test_field_values_suggest_what_the_runs_hold(server):
    url = "/api/v1/projects/team/vision/values"
    body = server.client.get(url, params={"field": "config.optimizer"}).json()
    assert body == {
        "field": "config.optimizer",
        "values": ["adam", "adamw", "sgd"],
        "truncated": False,
    }
    tags = server.client.get(url, params={"field": "tags"}).json()["values"]
    assert tags == ["sweep", "baseline", "fast"]  # every tag, most used first
    states = server.client.get(url, params={"field": "state", "limit": 1}).json()
    assert len(states["values"]) == 1
    bad = server.client.get(url, params={"field": "bogus"})
    assert bad.status_code == 400 and "unknown filter field 'bogus'" in bad.json()["detail"]
    assert server.client.get(url, params={"field": "state", "limit": 0}).status_code == 400
