"""Files and media of online runs go to the team server's blob store, on a local
folder (uploads through the server) and on a real S3 API (moto's server: presigned
uploads the server then verifies): an online run's image and saved file come back
from the files route byte-exact, the same content is uploaded once however often and
by however many runs it is logged, and a blob uploaded wrong is refused."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.moto_s3 import CREDENTIALS, moto_server
from tests.pgscratch import scratch_schema

from .conftest import PASSWORD, TeamServer, bootstrap, login_key, postgres_url

RAW = {"content-type": "application/octet-stream"}
SCRIPT = textwrap.dedent(
    """
    import sys, numpy as np, runbase
    settings = runbase.Settings(silent=True, console="off", disable_system_metrics=True)
    run = runbase.init(entity="alice", project="media", id=sys.argv[1], settings=settings)
    pixels = np.arange(24 * 24 * 3, dtype=np.uint8).reshape(24, 24, 3)
    run.log({"pic": runbase.Image(pixels, caption="same")})
    run.log({"pic": runbase.Image(pixels, caption="same")})
    with open("notes.txt", "w") as f:
        f.write("notes of " + sys.argv[1])
    run.save("notes.txt", policy="now")
    with open("page.html", "w") as f:
        f.write('<p>a chart</p><img src="chart.png">')
    run.save("page.html", policy="now")
    run.finish()
    """
)


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    """moto's S3 server on a loopback port; its URL."""
    with moto_server() as endpoint:
        yield endpoint


@dataclass
class BlobServer:
    mode: str
    server: TeamServer
    key: str
    blobs: str
    endpoint: str = ""

    def client(self) -> httpx.Client:
        return self.server.client(self.key)

    def uploads(self, sha256: str) -> int:
        """How many times the bytes of ``sha256`` were sent (the server's access log)."""
        sent = f"{sha256} HTTP" if self.mode == "folder" else f"{sha256}/done HTTP"
        verb = "PUT" if self.mode == "folder" else "POST"
        return sum(
            1 for line in self.server.output().splitlines() if f'"{verb} ' in line and sent in line
        )


@pytest.fixture(scope="module", params=["folder", "s3"])
def blob_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BlobServer]:
    base = postgres_url()
    records = tmp_path_factory.mktemp(f"blobs-{request.param}")
    env: dict[str, str] = {}
    if request.param == "s3":
        endpoint = request.getfixturevalue("moto")
        bucket = f"rb-{uuid.uuid4().hex[:12]}"
        assert httpx.put(f"{endpoint}/{bucket}", timeout=10).status_code == 200
        env = {**CREDENTIALS, "AWS_ENDPOINT_URL": endpoint}
        blobs = f"s3://{bucket}/team"
    else:
        blobs = str(records / "bucket")
    with scratch_schema(base) as db_url:
        args = ("--blobs", blobs, "--log-level", "info")
        server = TeamServer(db_url, records, env=env, args=args).wait()
        try:
            bootstrap(server, ["alice"])
            endpoint = env.get("AWS_ENDPOINT_URL", "")
            yield BlobServer(request.param, server, login_key(server, "alice"), blobs, endpoint)
        finally:
            server.stop()


def _env(bs: BlobServer, root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNBASE_", "WANDB_", "AWS_"))}
    return env | {"RUNBASE_DIR": str(root), "HOME": str(root), "RUNBASE_BASE_URL": bs.server.url,
                  "RUNBASE_API_KEY": bs.key, "RUNBASE_FINISH_TIMEOUT": "30"}  # fmt: skip


def _log_online(bs: BlobServer, root: Path, run_id: str, mode: str = "online") -> Path:
    """Log SCRIPT into ``root``; the run's local files folder."""
    root.mkdir(parents=True, exist_ok=True)
    env = _env(bs, root) | {"RUNBASE_MODE": mode}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, run_id],
        env=env, cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "runbase sync" not in done.stderr, done.stderr  # the server took everything
    return root / "runs" / "alice" / "media" / run_id / "files"


def test_media_and_saved_files_come_back_byte_exact(bs_runs: tuple[BlobServer, Path]) -> None:
    bs, root = bs_runs
    local = root / "a" / "runs" / "alice" / "media" / "run1" / "files"
    with bs.client() as c:
        listed = c.get("/api/v1/projects/alice/media/runs/run1/files")
        assert listed.status_code == 200, listed.text
        paths = {f["path"] for f in listed.json()["files"]}
        images = [p for p in paths if p.startswith("media/images/") and p.endswith(".png")]
        assert "notes.txt" in paths and len(images) == 2
        for path in ["notes.txt", *images]:
            r = c.get(f"/api/v1/projects/alice/media/runs/run1/files/{path}")
            if bs.mode == "s3" and path.endswith(".png"):
                r = _follow_presigned(bs, r)
                assert r.content == (local / path).read_bytes()
                continue
            assert r.status_code == 200, (path, r.text)
            assert r.content == (local / path).read_bytes()
            # A user's file keeps the headers that stop it running script in the app.
            assert "sandbox" in r.headers["content-security-policy"]
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["content-type"] == (
                "text/plain; charset=utf-8" if path == "notes.txt" else "image/png"
            )
        got = c.get("/api/v1/projects/alice/media/runs/run1/files/notes.txt").text
        assert got == "notes of run1"
        # The media panel's answer points at the same bytes.
        media: Any = c.get(
            "/api/v1/projects/alice/media/media", params={"key": "pic", "runs": "run1", "step": 1}
        )
        assert media.status_code == 200, media.text
        media = media.json()
        shown = media["items"][0]["files"][0]
        answer = c.get(shown["url"])
        png = (_follow_presigned(bs, answer) if bs.mode == "s3" else answer).content
        assert png == next((local / "media/images").glob("*.png")).read_bytes()
        # The app's pages may show images and media from the bucket, nothing else.
        csp = c.get("/").headers["content-security-policy"]
        if bs.mode == "s3":
            assert f"img-src 'self' {bs.endpoint} " in csp
            assert f"media-src 'self' {bs.endpoint} " in csp
            assert "script-src 'self';" in csp
        else:
            assert "img-src 'self' data:" in csp
        # A run's HTML opened to be shown (?view=1) may show the bucket's images too,
        # still in a sandbox that runs only its own inline script and fetches nothing.
        page = c.get("/api/v1/projects/alice/media/runs/run1/files/page.html?view=1")
        assert page.status_code == 200 and page.text.startswith("<p>a chart</p>"), page.text
        view = page.headers["content-security-policy"]
        assert view.startswith("sandbox allow-scripts;") and "connect-src 'none'" in view
        bucket = f" {bs.endpoint}" if bs.mode == "s3" else ""
        assert f"img-src 'self'{bucket} data:" in view
        assert f"media-src 'self'{bucket};" in view
        # A small image travels inside the answer, read from the blob store.
        assert shown["inline"] == "data:image/png;base64," + base64.b64encode(png).decode()


def _follow_presigned(bs: BlobServer, r: httpx.Response) -> httpx.Response:
    """A bucket's image: a short-lived presigned URL of the bucket, whose answer has the
    type and disposition the server chose (not what the object was stored with)."""
    assert r.status_code == 307, r.text
    assert "max-age=60" in r.headers["cache-control"]
    url = r.headers["location"]
    assert url.startswith(f"{bs.endpoint}/") and "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url
    got = httpx.get(url)  # no key: the URL is the credential
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"].startswith("inline")
    return got


def test_the_same_content_is_uploaded_once(bs_runs: tuple[BlobServer, Path]) -> None:
    bs, root = bs_runs
    local = root / "a" / "runs" / "alice" / "media" / "run1" / "files"
    image = next((local / "media" / "images").glob("*.png"))
    sha = hashlib.sha256(image.read_bytes()).hexdigest()
    # Logged twice by run1 and twice by run2: its bytes went up once.
    assert bs.uploads(sha) == 1
    notes = [
        hashlib.sha256((root / d / "runs/alice/media" / r / "files/notes.txt").read_bytes())
        for d, r in (("a", "run1"), ("b", "run2"))
    ]
    assert [bs.uploads(n.hexdigest()) for n in notes] == [1, 1]
    with bs.client() as c:
        r = c.get("/api/v1/projects/alice/media/runs/run2/files/notes.txt")
        assert r.text == "notes of run2"


@pytest.fixture(scope="module")
def bs_runs(
    blob_server: BlobServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[BlobServer, Path]:
    """Two online runs (in two RUNBASE_DIRs) that log the same image."""
    root = tmp_path_factory.mktemp(f"clients-{blob_server.mode}")
    _log_online(blob_server, root / "a", "run1")
    _log_online(blob_server, root / "b", "run2")
    return blob_server, root


def test_a_blob_uploaded_wrong_is_refused(blob_server: BlobServer) -> None:
    right = f"right bytes {uuid.uuid4()}".encode()
    sha = hashlib.sha256(right).hexdigest()
    base = "/api/v1/blobs/alice/media"
    with blob_server.client() as c:
        r = c.post(f"{base}/uploads", json={"blobs": [{"sha256": sha, "size": len(right)}]})
        assert r.status_code == 200, r.text
        (answer,) = r.json()["blobs"]
        assert answer["stored"] is False
        upload = answer["upload"]
        if blob_server.mode == "folder":
            assert upload["auth"] is True and upload["done"] is None
            r = c.put(upload["url"], content=b"wrong bytes", headers=RAW)
            assert r.status_code == 400 and "hash to" in r.json()["detail"]
        else:
            assert upload["auth"] is False and upload["url"].startswith("http://127.0.0.1")
            assert httpx.put(upload["url"], content=b"wrong bytes").status_code == 200
            r = c.post(upload["done"])
            assert r.status_code == 400 and "deleted" in r.json()["detail"]
        # Nothing was kept: the blob is still wanted, and no file may point at it.
        again = c.post(f"{base}/uploads", json={"blobs": [{"sha256": sha, "size": len(right)}]})
        assert again.json()["blobs"][0]["stored"] is False
        files = [{"path": "x.txt", "sha256": sha, "size": len(right)}]
        r = c.post(f"{base}/runs/run9/files", json={"files": files})
        assert r.status_code == 400 and "upload it first" in r.json()["detail"]
        # The right bytes are taken.
        if blob_server.mode == "folder":
            assert c.put(upload["url"], content=right, headers=RAW).status_code == 200
        else:
            assert httpx.put(upload["url"], content=right).status_code == 200
            assert c.post(upload["done"]).status_code == 200
        again = c.post(f"{base}/uploads", json={"blobs": [{"sha256": sha, "size": len(right)}]})
        assert again.json()["blobs"][0]["stored"] is True


def test_bad_blob_names_and_other_projects_are_refused(blob_server: BlobServer) -> None:
    with blob_server.client() as c:
        r = c.post(
            "/api/v1/blobs/alice/media/uploads", json={"blobs": [{"sha256": "abc", "size": 1}]}
        )
        assert r.status_code == 400
        r = c.post("/api/v1/blobs/alice/media/nothex/done")
        assert r.status_code == 400 and "64 lower-case hex" in r.json()["detail"]
        r = c.post(f"/api/v1/blobs/alice/media/{'0' * 64}/done")
        assert r.status_code == 404
    with blob_server.server.client() as anonymous:
        r = anonymous.post("/api/v1/blobs/alice/media/uploads", json={"blobs": []})
        assert r.status_code == 401


def test_runbase_sync_sends_an_offline_runs_files(blob_server: BlobServer, tmp_path: Path) -> None:
    local = _log_online(blob_server, tmp_path, "offline1", mode="offline")
    with blob_server.client() as c:  # offline: nothing was sent yet
        assert c.get("/api/v1/projects/alice/media/runs/offline1").status_code == 404
    sync = [sys.executable, "-m", "runbase.cli.main", "sync"]
    env = _env(blob_server, tmp_path)
    done = subprocess.run(sync, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with blob_server.client() as c:
        for path in ["notes.txt", *(str(p.relative_to(local)) for p in local.rglob("*.png"))]:
            url = f"/api/v1/projects/alice/media/runs/offline1/files/{path}"
            r = c.get(url, follow_redirects=True)  # images: to the bucket, on S3
            assert r.status_code == 200, (path, r.text)
            assert r.content == (local / path).read_bytes()


def _upload(bs: BlobServer, c: httpx.Client, base: str, data: bytes) -> dict[str, Any]:
    """Announce ``data`` and upload it as the answer says; the answer."""
    sha = hashlib.sha256(data).hexdigest()
    r = c.post(f"{base}/uploads", json={"blobs": [{"sha256": sha, "size": len(data)}]})
    (answer,) = r.json()["blobs"]
    upload = answer["upload"]
    if upload is not None and upload["auth"]:
        assert c.put(upload["url"], content=data, headers=RAW).status_code == 200
    elif upload is not None:
        assert httpx.put(upload["url"], content=data).status_code == 200
        assert c.post(upload["done"]).status_code == 200
    return dict(answer)


def test_knowing_a_blobs_sha256_is_not_enough_to_map_it(blob_server: BlobServer) -> None:
    bs, bob_name = blob_server, f"bob{uuid.uuid4().hex[:6]}"
    with bs.server.client(login_key(bs.server, "root")) as root:
        assert root.post("/api/v1/users", json={"name": bob_name, "password": PASSWORD}).is_success
    secret = f"alice's secret {uuid.uuid4()}".encode()
    sha = hashlib.sha256(secret).hexdigest()
    files = {"files": [{"path": "stolen.txt", "sha256": sha, "size": len(secret)}]}
    mine = f"/api/v1/blobs/{bob_name}/mine"
    with bs.client() as alice:
        _upload(bs, alice, "/api/v1/blobs/alice/media", secret)
        assert alice.post("/api/v1/blobs/alice/media/runs/sec1/files", json=files).is_success
    with bs.server.client(login_key(bs.server, bob_name)) as bob:
        r = bob.post(f"{mine}/runs/r1/files", json=files)
        assert r.status_code == 403 and "not uploaded by you" in r.json()["detail"], r.text
        # Bob is asked for the bytes, through the server (never to the bucket's object).
        r = bob.post(f"{mine}/uploads", json={"blobs": [{"sha256": sha, "size": len(secret)}]})
        (answer,) = r.json()["blobs"]
        assert answer["stored"] is False and answer["upload"]["auth"] is True
        assert answer["upload"]["url"] == f"{mine}/{sha}"
        r = bob.put(answer["upload"]["url"], content=b"a guess", headers=RAW)
        assert r.status_code == 400 and "hash to" in r.json()["detail"]
        assert bob.post(f"{mine}/runs/r1/files", json=files).status_code == 403
        # With the bytes, he may: he could have uploaded them himself.
        assert bob.put(answer["upload"]["url"], content=secret, headers=RAW).status_code == 200
        assert bob.post(f"{mine}/runs/r1/files", json=files).status_code == 200
        again = bob.post(f"{mine}/uploads", json={"blobs": [{"sha256": sha, "size": 1}]})
        assert again.json()["blobs"][0]["stored"] is True
    # A blob held by a run of a project the caller may read needs no upload.
    shared = f"shared {uuid.uuid4()}".encode()
    shared_files = [{"path": "s.txt", "sha256": hashlib.sha256(shared).hexdigest(), "size": 1}]
    with bs.client() as alice:
        _upload(bs, alice, "/api/v1/blobs/alice/open", shared)
        r = alice.post("/api/v1/blobs/alice/open/runs/o1/files", json={"files": shared_files})
        assert r.is_success
        r = alice.put("/api/v1/projects/alice/open/visibility", json={"visibility": "public"})
        assert r.status_code == 200, r.text
    with bs.server.client(login_key(bs.server, bob_name)) as bob:
        r = bob.post(f"{mine}/runs/r2/files", json={"files": shared_files})
        assert r.status_code == 200, r.text
