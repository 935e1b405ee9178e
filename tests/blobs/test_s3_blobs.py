"""What only the bucket does: presigned URLs, prefixes, endpoint and bucket errors."""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from runbase.blobs import (
    BlobCorruptError,
    BlobError,
    BlobStoreAccessError,
    BlobStoreUnreachableError,
    key_for,
    open_blob_store,
)
from runbase.errors import CommError


def test_a_presigned_url_serves_the_blob_to_a_plain_http_client(s3_backend):
    store = s3_backend.open()
    info = store.put(b"image bytes")
    url = store.url(info.sha256, expires_in=timedelta(minutes=5))
    assert url.startswith(s3_backend.endpoint) and "X-Amz-Signature=" in url
    assert key_for(info.sha256) in url
    r = httpx.get(url)
    assert r.status_code == 200 and r.content == b"image bytes"


def test_a_presigned_upload_url_lets_a_client_put_the_bytes_straight_in(s3_backend):
    store = s3_backend.open()
    data = b"checkpoint from a client without credentials" * 100
    digest = hashlib.sha256(data).hexdigest()
    url = store.upload_url(digest)
    assert httpx.put(url, content=data).status_code == 200
    assert store.exists(digest) and store.get(digest) == data
    assert store.verify(digest)


def test_verify_catches_bytes_uploaded_under_the_wrong_name(s3_backend):
    store = s3_backend.open()
    digest = hashlib.sha256(b"what was announced").hexdigest()
    httpx.put(store.upload_url(digest), content=b"something else")
    assert store.exists(digest)
    assert not store.verify(digest)


def test_stores_under_two_prefixes_of_one_bucket_are_separate(s3_backend):
    a = open_blob_store(f"s3://{s3_backend.bucket}/team-a")
    b = open_blob_store(f"s3://{s3_backend.bucket}/team-b")
    info = a.put(b"only in a")
    assert a.exists(info.sha256) and not b.exists(info.sha256)
    assert list(b) == []
    listing = httpx.get(f"{s3_backend.endpoint}/{s3_backend.bucket}?list-type=2").text
    assert f"<Key>team-a/{key_for(info.sha256)}</Key>" in listing


def test_a_file_that_changes_while_it_is_uploaded_is_not_stored(s3_backend, tmp_path, monkeypatch):
    # Forced timing of a real race: the file is rewritten between the hashing read and
    # the upload read, as when a checkpoint is still being saved.
    import runbase.blobs.s3 as s3

    path = tmp_path / "ckpt.bin"
    path.write_bytes(b"A" * (20 << 20))
    reads = []
    real = s3.file_chunks

    def file_chunks(p, chunk_size=s3.CHUNK):
        reads.append(p)
        yield from real(p, chunk_size)
        if len(reads) == 1:
            path.write_bytes(b"B" * (20 << 20))

    monkeypatch.setattr(s3, "file_chunks", file_chunks)
    store = s3_backend.open()
    with pytest.raises(BlobCorruptError, match="the file changed while it was being stored"):
        store.put_file(path)
    assert len(reads) == 2
    assert list(store) == []
    assert s3_backend.leftovers() == []  # the multipart upload was aborted


@pytest.fixture
def closed_endpoint() -> Iterator[str]:
    """A loopback port that is bound but not listening: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{s.getsockname()[1]}"


def test_an_unreachable_endpoint_is_a_clear_error(monkeypatch, closed_endpoint):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    store = open_blob_store("s3://bucket", options={"endpoint": closed_endpoint})
    started = time.monotonic()
    with pytest.raises(BlobStoreUnreachableError, match="could not reach the blob store") as e:
        store.put(b"x")
    assert f"s3://bucket at {closed_endpoint}" in str(e.value)
    assert "AWS_ENDPOINT_URL" in str(e.value)
    assert isinstance(e.value, CommError)
    assert time.monotonic() - started < 60


def test_a_missing_bucket_is_a_clear_error(s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    store = open_blob_store("s3://no-such-bucket/p")
    with pytest.raises(BlobError, match="the bucket of s3://no-such-bucket/p .* does not exist"):
        store.put(b"x")
    with pytest.raises(BlobError, match="does not exist"):
        list(store)


def test_options_override_the_environment(s3_backend, monkeypatch, closed_endpoint):
    monkeypatch.setenv("AWS_ENDPOINT_URL", closed_endpoint)
    store = open_blob_store(
        f"s3://{s3_backend.bucket}", options={"AWS_ENDPOINT_URL": s3_backend.endpoint}
    )
    assert store.put(b"through options").created


@pytest.mark.parametrize("name", ["endpoint", "AWS_ENDPOINT_URL", "endpoint_url"])
def test_an_http_endpoint_given_in_options_is_used(s3_backend, monkeypatch, name):
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)
    store = open_blob_store(f"s3://{s3_backend.bucket}", options={name: s3_backend.endpoint})
    assert store.put(b"through options").created


def test_refused_credentials_are_a_clear_error(s3_endpoint_with_auth, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint_with_auth)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong")
    store = open_blob_store("s3://locked/blobs")
    for attempt in (lambda: store.put(b"x"), lambda: store.get("0" * 64), lambda: list(store)):
        with pytest.raises(BlobStoreAccessError, match="refused access: check AWS_ACCESS_KEY_ID"):
            attempt()
    with pytest.raises(PermissionError):
        store.exists("0" * 64)
