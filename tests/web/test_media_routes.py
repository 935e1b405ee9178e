"""The table, histogram and chart routes over real HTTP on loopback, on SQLite
and PostgreSQL, with runs logged by the SDK (``make_media_runs.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from runbase.server.app import create_app
from tests.store.recordkit import private_schema

from .conftest import REPO, free_port

RUN = "/api/v1/projects/team/media/runs/tab1"
BIG = 100_000


@pytest.fixture(scope="module")
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("media-runs")
    env = {**os.environ, "RUNBASE_DIR": str(root), "PYTHONPATH": str(REPO / "src")}
    script = Path(__file__).with_name("make_media_runs.py")
    subprocess.run([sys.executable, str(script)], env=env, check=True, capture_output=True)
    return root


@contextmanager
def serve(url: str) -> Iterator[httpx.Client]:
    port = free_port()
    config = uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    while not srv.started:
        time.sleep(0.02)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as c:
            yield c
    finally:
        srv.should_exit = True
        t.join(10)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request, media_root: Path) -> Iterator[httpx.Client]:
    if request.param == "sqlite":
        with serve(str(media_root)) as c:
            yield c
        return
    if not os.environ.get("RUNBASE_TEST_POSTGRES_URL"):
        pytest.skip("RUNBASE_TEST_POSTGRES_URL is not set")
    old = os.environ.get("RUNBASE_DIR")
    os.environ["RUNBASE_DIR"] = str(media_root)  # the PostgreSQL store's record folder
    try:
        with private_schema() as url, serve(url) as c:
            yield c
    finally:
        if old is None:
            os.environ.pop("RUNBASE_DIR", None)
        else:
            os.environ["RUNBASE_DIR"] = old


def page(client: httpx.Client, **params: object) -> dict:
    r = client.get(f"{RUN}/table", params={"key": "big", **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_big_table_pages_sorts_and_searches_fast(client):
    first = page(client, limit=5)
    assert first["nrows"] == BIG and first["total"] == BIG and first["step"] == 51
    assert [c["name"] for c in first["columns"]] == ["id", "name", "score", "label"]
    assert first["rows"][0][:2] == [0, "item-000000"]
    t = time.monotonic()
    top = page(client, sort="score", desc=True, limit=3)
    assert top["rows"][0][2] == pytest.approx((BIG - 1) / BIG)
    assert [r[2] for r in top["rows"]] == sorted((r[2] for r in top["rows"]), reverse=True)
    last = page(client, sort="score", offset=BIG - 2, limit=10)
    assert len(last["rows"]) == 2 and last["rows"][-1][2] == pytest.approx((BIG - 1) / BIG)
    found = page(client, search="ITEM-09999")
    assert found["total"] == 10 and all(r[1].startswith("item-09999") for r in found["rows"])
    dogs = page(client, filters=json.dumps({"label": "dog"}), limit=1)
    assert dogs["total"] == BIG // 3 and dogs["rows"][0][3] == "dog"
    assert time.monotonic() - t < 10  # once parsed, each answer is quick even on a busy box
    t = time.monotonic()
    page(client, sort="score", desc=True, offset=50_000, limit=100)
    assert time.monotonic() - t < 1


def test_image_cells_come_with_their_file_url_and_size(client):
    body = client.get(f"{RUN}/table", params={"key": "samples"}).json()
    cell = body["rows"][0][1]
    assert body["columns"][1] == {"name": "image", "kind": "image"}
    assert cell["_type"] == "image-file" and (cell["width"], cell["height"]) == (32, 24)
    img = client.get(cell["url"])
    assert img.status_code == 200 and img.headers["content-type"] == "image/png"
    assert img.content.startswith(b"\x89PNG")


def test_histogram_series_per_step_and_downsampled(client):
    body = client.get(f"{RUN}/histogram", params={"key": "weights"}).json()
    assert body["count"] == 50 and body["steps"] == list(range(50)) and not body["sampled"]
    assert all(len(b) == len(c) + 1 for b, c in zip(body["bins"], body["counts"], strict=True))
    assert sum(body["counts"][0]) == 2000
    few = client.get(f"{RUN}/histogram", params={"key": "weights", "max_steps": 5}).json()
    assert few["steps"] == [0, 12, 24, 37, 49] and few["sampled"]


def test_each_plot_kind_gives_its_panel_config_and_table(client):
    want = {
        "line": "wandb/line/v0",
        "scatter": "wandb/scatter/v0",
        "bar": "wandb/bar/v0",
        "hist": "wandb/histogram/v0",
        "series": "wandb/lineseries/v0",
        "pr": "wandb/area-under-curve/v0",
        "roc": "wandb/area-under-curve/v0",
        "cm": "wandb/confusion_matrix/v1",
    }
    for key, def_id in want.items():
        r = client.get(f"{RUN}/chart", params={"key": key})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["panel_def_id"] == def_id and body["table_key"] == f"{key}_table"
        assert body["nrows"] == len(body["data"]) > 0
    cm = client.get(f"{RUN}/chart", params={"key": "cm"}).json()
    assert cm["columns"] == ["Actual", "Predicted", "nPredictions"] and len(cm["data"]) == 9
    assert sum(r[2] for r in cm["data"]) == 200


@pytest.mark.parametrize(
    ("route", "params", "status", "says"),
    [
        ("table", {"key": "nope"}, 404, "no table logged under 'nope'"),
        ("table", {"key": "weights"}, 400, "holds a histogram, not a table"),
        ("table", {"key": "big", "step": 3}, 404, "its steps: 51"),
        ("table", {"key": "big", "step": -1}, 400, "step"),
        ("table", {"key": "big", "sort": "zz"}, 400, "no column 'zz'; its columns: id"),
        ("table", {"key": "big", "limit": 0}, 400, "limit"),
        ("table", {"key": "big", "limit": 5000}, 400, "limit"),
        ("table", {"key": "big", "offset": -5}, 400, "offset"),
        ("table", {"key": "big", "filters": "[1]"}, 400, "JSON object"),
        ("table", {"key": "big", "filters": '{"zz": "a"}'}, 400, "no column 'zz'"),
        ("table", {}, 400, "key"),
        ("histogram", {"key": "nope"}, 404, "no histogram logged under 'nope'"),
        ("histogram", {"key": "big"}, 400, "holds no histograms"),
        ("histogram", {"key": "weights", "max_steps": 0}, 400, "max_steps"),
        ("chart", {"key": "nope"}, 404, "no chart 'nope'"),
    ],
)
def test_bad_keys_steps_and_paging_are_clear_errors(client, route, params, status, says):
    r = client.get(f"{RUN}/{route}", params=params)
    assert r.status_code == status, r.text
    assert says in r.json()["detail"]


def test_unknown_run_is_404(client):
    for route in ("table", "histogram", "chart"):
        r = client.get(f"/api/v1/projects/team/media/runs/nosuch/{route}", params={"key": "x"})
        assert r.status_code == 404 and "nosuch" in r.json()["detail"]
