"""The media routes over real SDK runs (``make_media.py``), on SQLite and PostgreSQL,
through a real server on loopback."""

from __future__ import annotations

import base64
import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from PIL import Image

from runbase.server.app import create_app
from tests.store.recordkit import private_schema

from .conftest import free_port
from .make_media import COLOURS

BASE = "/api/v1/projects/team/media"


def _serve(url: str) -> Iterator[httpx.Client]:
    app = create_app(url, sync_interval=0.0)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        yield client
    server.should_exit = True
    thread.join(10)
    app.state.store.store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def api(request, media_dir: Path, tmp_path: Path, monkeypatch) -> Iterator[httpx.Client]:
    monkeypatch.setenv("RUNBASE_DIR", str(media_dir))
    if request.param == "sqlite":
        yield from _serve(f"sqlite:///{tmp_path / 'media.db'}")
    else:
        with private_schema() as url:
            yield from _serve(url)


def test_keys_list_each_kind_with_run_counts(api):
    body = api.get(f"{BASE}/media/keys", params={"runs": "m1,m2,nosuch"}).json()
    kinds = {k["key"]: (k["kind"], k["runs"]) for k in body["keys"]}
    assert kinds == {
        "seg": ("image", 2),
        "sound": ("audio", 2),
        "clip": ("video", 2),
        "page": ("html", 2),
        "cloud": ("object3D", 2),
        "weights": ("histogram", 2),
        "curve_table": ("table", 2),
        "curve": ("chart", 2),
    }
    assert {k["key"]: k["run_ids"] for k in body["keys"]}["seg"] == ["m1", "m2"]
    assert body["run_ids"] == ["m1", "m2", "nosuch"]
    one = api.get(f"{BASE}/media/keys", params={"runs": "m2"}).json()
    assert {k["runs"] for k in one["keys"]} == {1}
    assert {tuple(k["run_ids"]) for k in one["keys"]} == {("m2",)}


def test_keys_of_the_first_runs_of_a_query(api):
    """A workspace asks for its media keys alongside its runs: same query, first N."""
    body = api.get(f"{BASE}/media/keys", params={"first": 1, "order": "-name"}).json()
    assert body["run_ids"] == ["m2"]
    assert {k["key"]: k["run_ids"] for k in body["keys"]}["seg"] == ["m2"]
    both = api.get(f"{BASE}/media/keys", params={"first": 2, "search": "^m"}).json()
    assert sorted(both["run_ids"]) == ["m1", "m2"]
    none = api.get(f"{BASE}/media/keys")
    assert none.status_code == 400 and "runs" in none.json()["detail"]
    bad = api.get(f"{BASE}/media/keys", params={"first": 2, "filters": "{"})
    assert bad.status_code == 400


def test_steps_per_run(api):
    body = api.get(f"{BASE}/media/steps", params={"key": "seg", "runs": "m1,m2"}).json()
    assert body == {
        "key": "seg",
        "runs": [{"run_id": "m1", "steps": [0, 10, 20]}, {"run_id": "m2", "steps": [5, 15]}],
        "steps": [0, 5, 10, 15, 20],
    }
    merged = api.get(f"{BASE}/media/steps", params={"key": "seg", "runs": "m1,m2", "merged": 1})
    assert merged.json() == {"key": "seg", "runs": [], "steps": [0, 5, 10, 15, 20]}


def test_first_view_of_several_keys_in_one_request(api):
    """Panels opening together ask once: each key's stops and its items at the last."""
    r = api.get(f"{BASE}/media/first", params={"key": ["seg", "sound", "nosuch"], "runs": "m1,m2"})
    assert r.status_code == 200, r.text
    by_key = {k["key"]: k for k in r.json()["keys"]}
    assert by_key["seg"]["steps"] == [0, 5, 10, 15, 20]
    assert {it["run_id"]: it["step"] for it in by_key["seg"]["items"]} == {"m1": 20, "m2": 15}
    assert by_key["seg"]["items"][0]["files"][0]["caption"] == "step 20"
    assert by_key["sound"]["items"][0]["kind"] == "audio"
    assert by_key["nosuch"] == {"key": "nosuch", "steps": [], "items": []}
    many = api.get(
        f"{BASE}/media/first", params={"key": [f"k{i}" for i in range(51)], "runs": "m1"}
    )
    assert many.status_code == 400 and "ask in parts" in many.json()["detail"]


def test_a_step_past_every_logged_one_shows_each_runs_last(api):
    """The panel asks for the last step before it knows the slider's stops."""
    body = api.get(
        f"{BASE}/media", params={"key": "seg", "runs": "m1,m2", "step": 2**53 - 1}
    ).json()
    assert {it["run_id"]: it["step"] for it in body["items"]} == {"m1": 20, "m2": 15}


def _pixel(api: httpx.Client, url: str) -> tuple[int, int, int]:
    r = api.get(url)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    # Named by its content's hash: the browser keeps it.
    assert r.headers["cache-control"] == "private, max-age=31536000, immutable"
    return Image.open(io.BytesIO(r.content)).convert("RGB").getpixel((0, 0))


def test_at_step_each_run_shows_its_nearest_step_with_overlays(api):
    body = api.get(f"{BASE}/media", params={"key": "seg", "runs": "m1,m2", "step": 12}).json()
    assert body["key"] == "seg" and body["step"] == 12
    shown = {it["run_id"]: it["step"] for it in body["items"]}
    assert shown == {"m1": 10, "m2": 5}  # at or before 12
    m1 = body["items"][0]
    (f,) = m1["files"]
    assert f["caption"] == "step 10" and (f["width"], f["height"]) == (64, 48)
    # A small image travels inline, as the same bytes the files route serves.
    assert (
        f["inline"]
        == "data:image/png;base64," + base64.b64encode(api.get(f["url"]).content).decode()
    )
    assert _pixel(api, f["url"]) == COLOURS["m1"][10]
    (mask,) = f["masks"]
    assert mask["name"] == "truth" and mask["class_labels"] == {"0": "bg", "1": "cat", "2": "dog"}
    assert api.get(mask["url"]).status_code == 200
    (boxes,) = f["boxes"]
    assert boxes["class_labels"] == {"1": "cat", "2": "dog"}
    assert [b["box_caption"] for b in boxes["box_data"]] == ["cat", "dog"]
    assert boxes["box_data"][0]["scores"] == {"score": 0.9}
    early = api.get(f"{BASE}/media", params={"key": "seg", "runs": "m2", "step": 0}).json()
    assert [it["step"] for it in early["items"]] == [5]  # nothing before: the first after


def test_other_kinds_carry_their_files(api):
    def at(key: str) -> dict:
        body = api.get(f"{BASE}/media", params={"key": key, "runs": "m1", "step": 0}).json()
        return body["items"][0]

    sound = at("sound")
    assert sound["kind"] == "audio"
    assert api.get(sound["files"][0]["url"]).headers["content-type"].startswith("audio/")
    clip = at("clip")
    assert api.get(clip["files"][0]["url"]).headers["content-type"] == "image/gif"
    page = at("page")
    assert page["files"][0]["view_url"].endswith("?view=1")
    hist = at("weights")
    assert hist["files"] == [] and len(hist["value"]["bins"]) == len(hist["value"]["values"]) + 1
    assert at("cloud")["files"][0]["path"].endswith(".pts.json")


def test_html_is_text_unless_viewed_in_its_own_sandbox(api):
    page = api.get(f"{BASE}/media", params={"key": "page", "runs": "m1", "step": 0}).json()
    f = page["items"][0]["files"][0]
    plain = api.get(f["url"])
    assert plain.headers["content-type"] == "text/plain; charset=utf-8"
    other = api.get("/api/v1/projects/team/media/runs/m1/files/requirements.txt")
    assert other.status_code == 200 and "cache-control" not in other.headers
    viewed = api.get(f["view_url"])
    assert viewed.headers["content-type"] == "text/html; charset=utf-8"
    assert viewed.headers["content-disposition"].startswith("inline")
    csp = viewed.headers["content-security-policy"]
    assert csp.startswith("sandbox allow-scripts;") and "allow-same-origin" not in csp
    assert "connect-src 'none'" in csp and viewed.headers["x-content-type-options"] == "nosniff"


def test_bad_input_and_unknown_project(api):
    r = api.get(f"{BASE}/media", params={"key": "seg", "runs": "m1", "step": "x"})
    assert r.status_code == 400 and "step" in r.json()["detail"]
    r = api.get(f"{BASE}/media/steps", params={"runs": "m1"})
    assert r.status_code == 400 and "key" in r.json()["detail"]
    many = ",".join(f"r{i}" for i in range(101))
    r = api.get(f"{BASE}/media/keys", params={"runs": many})
    assert r.status_code == 400 and "at most 100" in r.json()["detail"]
    r = api.get("/api/v1/projects/team/nope/media/keys", params={"runs": "m1"})
    assert r.status_code == 404 and "team/nope" in r.json()["detail"]
    empty = api.get(f"{BASE}/media", params={"key": "nokey", "runs": "m1", "step": 3}).json()
    assert empty["items"] == []
