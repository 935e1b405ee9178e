"""Blob store fixtures: every behavioural test runs on a local folder and on a real
S3-compatible server (moto's, as a child process on a loopback port)."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from blob_helpers import child_factory

from runbase.blobs import BlobStore, open_blob_store
from tests.moto_s3 import CREDENTIALS, moto_server


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3 API on 127.0.0.1 (moto's server), for the whole session."""
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def s3_endpoint_with_auth() -> Iterator[str]:
    """An S3 API that checks credentials (and knows none, so refuses every request)."""
    with moto_server(INITIAL_NO_AUTH_ACTION_COUNT="0") as endpoint:
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
