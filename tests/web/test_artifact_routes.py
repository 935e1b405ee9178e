"""The artifact routes over real HTTP on loopback, on SQLite and PostgreSQL, with
artifacts logged and used by real SDK runs (``make_artifacts.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.store.recordkit import private_schema

from .conftest import REPO
from .test_media_routes import serve

P = "/api/v1/projects/team/arts"


@pytest.fixture(scope="module")
def arts_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("artifact-runs")
    env = {**os.environ, "RUNBASE_DIR": str(root), "PYTHONPATH": str(REPO / "src")}
    script = Path(__file__).with_name("make_artifacts.py")
    subprocess.run([sys.executable, str(script)], env=env, check=True, capture_output=True)
    return root


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request, arts_root: Path) -> Iterator[httpx.Client]:
    if request.param == "sqlite":
        with serve(str(arts_root)) as c:
            yield c
        return
    if not os.environ.get("RUNBASE_TEST_POSTGRES_URL"):
        pytest.skip("RUNBASE_TEST_POSTGRES_URL is not set")
    old = os.environ.get("RUNBASE_DIR")
    os.environ["RUNBASE_DIR"] = str(arts_root)
    try:
        with private_schema() as url, serve(url) as c:
            yield c
    finally:
        if old is None:
            os.environ.pop("RUNBASE_DIR", None)
        else:
            os.environ["RUNBASE_DIR"] = old


def get(client: httpx.Client, url: str, **params: object) -> dict:
    r = client.get(P + url, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_collections_come_grouped_by_type(client):
    body = get(client, "/artifacts")
    assert [t["type"] for t in body["types"]] == ["dataset", "model"]
    model = next(c for c in body["types"][1]["collections"] if c["name"] == "classifier")
    assert model["version_count"] == 2
    assert model["aliases"] == {"best": 1, "latest": 1}


def test_versions_name_their_aliases_and_the_run_that_logged_them(client):
    body = get(client, "/artifacts/classifier/versions")
    assert body["total"] == 2
    v1, v0 = body["versions"]
    assert (v1["version"], v1["aliases"], v1["metadata"]) == (1, ["best", "latest"], {"epoch": 1})
    assert v0["aliases"] == [] and v0["size"] == 7
    assert v1["logged_by"] == {
        "entity": "team",
        "project": "arts",
        "run_id": "train1",
        "name": "train-run",
        "state": "finished",
    }
    one = get(client, "/artifacts/classifier/versions", offset=1, limit=1)
    assert [v["version"] for v in one["versions"]] == [0]


def test_a_version_by_alias_lists_its_users(client):
    body = get(client, "/artifacts/mnist/versions/first")
    assert body["version"] == 0 and body["file_count"] == 7
    assert [u["run_id"] for u in body["used_by"]] == ["train1"]
    assert body["digest"] == get(client, "/artifacts/mnist/versions/v0")["digest"]


def test_the_file_tree_comes_one_folder_at_a_time(client):
    top = get(client, "/artifacts/mnist/versions/v0/files")
    assert [(e["name"], e["kind"]) for e in top["entries"]][:2] == [
        ("images", "dir"),
        ("drawing.svg", "file"),
    ]
    assert top["entries"][0]["count"] == 3
    images = get(client, "/artifacts/mnist/versions/v0/files", dir="images", limit=2)
    assert images["total"] == 3 and [e["name"] for e in images["entries"]] == [
        "digit0.png",
        "digit1.png",
    ]
    png = client.get(P + "/artifacts/mnist/versions/v0/files/images/digit0.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG") and png.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("name", ["page.html", "drawing.svg"])
def test_script_inside_an_artifact_is_served_inert(client, name):
    r = client.get(P + f"/artifacts/mnist/versions/v0/files/{name}")
    assert r.status_code == 200
    assert r.headers["content-security-policy"].startswith("sandbox")
    assert r.headers["x-content-type-options"] == "nosniff"
    if name == "drawing.svg":
        assert r.headers["content-disposition"].startswith("attachment")
    else:
        assert r.headers["content-type"].startswith("text/plain")


def test_a_run_lists_what_it_logged_and_used(client):
    body = get(client, "/runs/train1/artifacts")
    assert [(v["name"], v["version"]) for v in body["logged"]] == [
        ("classifier", 1),
        ("classifier", 0),
    ]
    assert [(v["name"], v["version"]) for v in body["used"]] == [("mnist", 0)]
    assert get(client, "/runs/prep1/artifacts")["used"] == []


def test_lineage_walks_run_to_version_to_run(client):
    g = get(client, "/artifacts/mnist/versions/v0/lineage", depth=4)
    ids = {n["id"] for n in g["nodes"]}
    assert {
        "run:team/arts/prep1",
        "artifact:team/arts/mnist:v0",
        "run:team/arts/train1",
        "artifact:team/arts/classifier:v1",
        "run:team/arts/eval1",
    } <= ids
    edges = {(e["source"], e["target"]) for e in g["edges"]}
    assert ("run:team/arts/prep1", "artifact:team/arts/mnist:v0") in edges
    assert ("artifact:team/arts/classifier:v1", "run:team/arts/eval1") in edges
    near = get(client, "/runs/train1/lineage", depth=1)
    assert len(near["nodes"]) == 4 and near["truncated"] is False
    labels = {n["id"]: n["label"] for n in near["nodes"]}
    assert labels["run:team/arts/train1"] == "train-run"


@pytest.mark.parametrize(
    "url",
    [
        "/artifacts/nope/versions",
        "/artifacts/mnist/versions/v9",
        "/artifacts/mnist/versions/nosuchalias/files",
        "/artifacts/mnist/versions/v0/files/missing.txt",
        "/artifacts/mnist/versions/v0/files?dir=nofolder",
        "/artifacts/../versions/v0",
        "/runs/nope/artifacts",
        "/runs/nope/lineage",
    ],
)
def test_unknown_things_are_404_with_a_message(client, url):
    r = client.get(P + url)
    assert r.status_code == 404, r.text
    assert r.json()["detail"]


def test_bad_paging_is_400(client):
    r = client.get(P + "/artifacts/mnist/versions", params={"limit": 0})
    assert r.status_code == 400 and "limit" in r.json()["detail"]
    assert client.get(P + "/runs/train1/lineage", params={"depth": 99}).status_code == 400


def test_a_project_that_does_not_exist_is_404(client):
    r = client.get("/api/v1/projects/team/none/artifacts")
    assert r.status_code == 404 and r.json()["detail"] == "no project team/none"


def test_a_new_version_shows_at_once_and_200_versions_page_fast(client, arts_root):
    env = {**os.environ, "RUNBASE_DIR": str(arts_root), "PYTHONPATH": str(REPO / "src")}
    code = (
        "import runbase as wandb\n"
        "run = wandb.init(entity='team', project='arts', id='many',\n"
        "                 settings={'console': 'off', 'silent': True})\n"
        "for i in range(200):\n"
        "    a = wandb.Artifact('ckpt', type='model', metadata={'i': i})\n"
        "    with a.new_file('w.txt') as f: f.write(str(i))\n"
        "    run.log_artifact(a)\n"
        "run.finish()\n"
    )
    if not (arts_root / "artifacts" / "team" / "arts" / "ckpt").exists():
        subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    first = get(client, "/artifacts/ckpt/versions")
    assert first["total"] == 200 and first["versions"][0]["metadata"] == {"i": 199}
    t = time.monotonic()
    for _ in range(5):
        get(client, "/artifacts/ckpt/versions", limit=50)
    assert (time.monotonic() - t) / 5 < 0.15
    g = get(client, "/runs/many/lineage", depth=1)
    assert len(g["nodes"]) == 200 and g["truncated"] is True
