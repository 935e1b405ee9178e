"""Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, ...), through obstore.

A bucket cannot rename, and S3's server-side copy stops at 5 GB, so the digest is known
before the upload starts: bytes are hashed in memory, a file is hashed in a first pass,
and a stream is spooled to a local temporary file while it is hashed. The upload then goes
straight to the blob's key; S3 shows an object only once its PUT (or multipart upload)
completes, so a killed put leaves no object, only an incomplete multipart upload that the
bucket's lifecycle rule (``AbortIncompleteMultipartUpload``) clears. A blob already in the
bucket is not uploaded again.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

import obstore

from runbase.blobs.base import (
    CHUNK,
    DEFAULT_EXPIRY,
    BlobInfo,
    Hashing,
    Source,
    check_digest,
    file_chunks,
    key_for,
    read_chunks,
    source_file,
)
from runbase.blobs.errors import BlobCorruptError, disk_errors
from runbase.blobs.objstore import ObjectStoreBlobs
from runbase.blobs.presign import presigned_get

_MIN_PART = 8 << 20  # S3 wants parts of at least 5 MiB, and at most 10,000 of them
_MAX_PARTS = 9_000
_CONCURRENCY = 4  # parts in flight: memory stays near _CONCURRENCY x part size


def part_size(size: int) -> int:
    """Multipart part size for an upload of ``size`` bytes, within S3's 10,000-part cap."""
    needed = -(-size // _MAX_PARTS)
    return max(_MIN_PART, -(-needed // CHUNK) * CHUNK)


class S3BlobStore(ObjectStoreBlobs):
    """Content-addressed blobs in ``s3://bucket/prefix``; presigned URLs for GET and PUT."""

    def __init__(
        self,
        store: Any,
        location: str,
        endpoint: str | None = None,
        secret: tuple[str, str | None] | None = None,
    ) -> None:
        where = f"{location} at {endpoint}" if endpoint else location
        super().__init__(store, location, where)
        self.endpoint = endpoint
        self._secret = secret  # (secret key, session token) for read_url's own signing

    def put(self, data: bytes | bytearray | memoryview, *, md5: bool = False) -> BlobInfo:
        data = bytes(data)
        hashing = Hashing(md5)
        hashing.update(data)
        created = self._upload_if_missing(hashing, lambda: data)
        return hashing.info(created)

    def put_file(self, path: str | os.PathLike[str], *, md5: bool = False) -> BlobInfo:
        p = source_file(path)
        hashing = Hashing(md5)
        for chunk in file_chunks(p):
            hashing.update(chunk)
        # The second read is checked against the first: a file rewritten in between (a
        # checkpoint still being saved) must not land under the first read's name.
        created = self._upload_if_missing(hashing, lambda: _checked(file_chunks(p), hashing))
        return hashing.info(created)

    def put_stream(self, source: Source, *, md5: bool = False) -> BlobInfo:
        hashing = Hashing(md5)
        with tempfile.TemporaryFile(prefix="runbase-blob-") as spool:
            with disk_errors(f"spooling a stream to {tempfile.gettempdir()}"):
                for chunk in read_chunks(source):
                    hashing.update(chunk)
                    spool.write(chunk)
                spool.flush()

            def replay() -> Iterator[bytes]:
                spool.seek(0)
                return read_chunks(spool)

            created = self._upload_if_missing(hashing, replay)
        return hashing.info(created)

    def _upload_if_missing(self, hashing: Hashing, payload: Any) -> bool:
        """Upload ``payload()`` to the blob's key unless the bucket has it; True if uploaded."""
        digest = hashing.sha256
        if self._stored_size(digest) == hashing.size:
            return False
        body = payload()
        if not isinstance(body, bytes) and hashing.size <= _MIN_PART:
            body = b"".join(body)  # one PUT instead of a three-request multipart upload
        with self._errors(digest):
            obstore.put(
                self._store,
                key_for(digest),
                body,
                chunk_size=part_size(hashing.size),
                max_concurrency=_CONCURRENCY,
            )
        return True

    def url(self, sha256: str, expires_in: timedelta = DEFAULT_EXPIRY) -> str | None:
        return self._sign("GET", sha256, expires_in)

    def upload_url(self, sha256: str, expires_in: timedelta = DEFAULT_EXPIRY) -> str | None:
        return self._sign("PUT", sha256, expires_in)

    def read_url(
        self, sha256: str, content_type: str, disposition: str, expires_in: timedelta
    ) -> str | None:
        """A presigned GET URL whose answer has this Content-Type and Content-Disposition
        (whatever the object was stored with); None without a static secret key."""
        if self._secret is None:
            return None
        overrides = {
            "response-content-type": content_type,
            "response-content-disposition": disposition,
        }
        signed = self._sign("GET", sha256, expires_in)
        seconds = int(expires_in.total_seconds())
        return presigned_get(signed, *self._secret, overrides, seconds)

    def _sign(self, method: str, sha256: str, expires_in: timedelta) -> str:
        digest = check_digest(sha256)
        with self._errors(digest):
            url: str = obstore.sign(self._store, method, key_for(digest), expires_in)  # type: ignore[call-overload]
            return url


def _checked(chunks: Iterable[bytes], expected: Hashing) -> Iterator[bytes]:
    """Yield ``chunks``; raise before the last one is committed if they hash differently.

    Raising inside the iterator makes obstore abort the multipart upload, so nothing is
    stored under a name the bytes do not have.
    """
    hashing = Hashing()
    for chunk in chunks:
        hashing.update(chunk)
        yield chunk
    if hashing.sha256 != expected.sha256 or hashing.size != expected.size:
        raise BlobCorruptError(
            "the file changed while it was being stored; store it again once it is "
            "no longer being written"
        )
