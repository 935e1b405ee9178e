"""Blob store fixtures: every behavioural test runs on a local folder and on a real
S3-compatible server (moto's, as a child process on a loopback port)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from blob_helpers import child_factory

from runbase.blobs import BlobStore, open_blob_store

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "runbase-test",
    "AWS_SECRET_ACCESS_KEY": "runbase-test-secret",
    "AWS_REGION": "us-east-1",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _moto_server(**env: str) -> Iterator[str]:
    """moto's S3 server in a child process on a free loopback port; yields its URL."""
    try:
        import moto.server  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"moto[server] is not installed ({exc}): pip install -e '.[test]'")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, **env),
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{endpoint}/moto-api/", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("moto's S3 server did not start")
                time.sleep(0.1)
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3 API on 127.0.0.1 (moto's server), for the whole session."""
    with _moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def s3_endpoint_with_auth() -> Iterator[str]:
    """An S3 API that checks credentials (and knows none, so refuses every request)."""
    with _moto_server(INITIAL_NO_AUTH_ACTION_COUNT="0") as endpoint:
        yield endpoint


@dataclass
class Backend:
    """One store under test, and how a child process opens the same store."""

    kind: str
    url: str
    env: dict[str, str] = field(default_factory=dict)
    endpoint: str | None = None
    bucket: str | None = None

    def open(self) -> BlobStore:
        return open_blob_store(self.url)

    def puts_in_flight(self) -> bool:
        """Whether some put has started writing and not finished (seen from outside)."""
        if self.kind == "local":
            try:
                return any(e.stat().st_size > 0 for e in os.scandir(Path(self.url) / "tmp"))
            except FileNotFoundError:
                return False  # not opened yet, or the temp file was just renamed
        r = httpx.get(f"{self.endpoint}/{self.bucket}?uploads", timeout=10)
        return "<UploadId>" in r.text

    def leftovers(self) -> list[str]:
        """What killed or finished puts left outside the blobs themselves."""
        if self.kind == "local":
            return sorted(p.name for p in (Path(self.url) / "tmp").iterdir())
        r = httpx.get(f"{self.endpoint}/{self.bucket}?uploads", timeout=10)
        return ["multipart upload"] * r.text.count("<UploadId>")


def _local(tmp_path: Path) -> Backend:
    return Backend("local", str(tmp_path / "blobs"))


def _s3(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Backend:
    bucket = f"rb-{uuid.uuid4().hex[:12]}"
    assert httpx.put(f"{endpoint}/{bucket}", timeout=10).status_code == 200
    env = dict(CREDENTIALS, AWS_ENDPOINT_URL=endpoint)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return Backend("s3", f"s3://{bucket}/team/blobs", env, endpoint, bucket)


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch) -> Backend:
    if request.param == "local":
        return _local(tmp_path)
    return _s3(request.getfixturevalue("s3_endpoint"), monkeypatch)


@pytest.fixture
def store(backend: Backend) -> BlobStore:
    return backend.open()


@pytest.fixture
def local_backend(tmp_path: Path) -> Backend:
    return _local(tmp_path)


@pytest.fixture
def s3_backend(s3_endpoint: str, monkeypatch) -> Backend:
    return _s3(s3_endpoint, monkeypatch)


@pytest.fixture
def child(backend: Backend, tmp_path: Path) -> Callable[..., subprocess.Popen[str]]:
    """Start a Python child that has ``store`` open on the backend under test."""
    return child_factory(backend, tmp_path)
