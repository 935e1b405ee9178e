"""The blob store interface: content-addressed files, named by the sha256 of their bytes.

Callers hold the hex digest (media pointers and artifact manifests carry it); the object
key under which the bytes live is the store's business (``key_for``), so a bucket layout
can change without touching callers.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from runbase.blobs.errors import BlobCorruptError, disk_errors
from runbase.errors import UsageError

CHUNK = 1 << 20
"""Bytes read from a source per step: big enough for throughput, small enough for memory."""

DEFAULT_EXPIRY = timedelta(minutes=15)

_HEX64 = re.compile(r"[0-9a-f]{64}")

Source = BinaryIO | Iterable[bytes]
"""What ``put_stream`` accepts: a binary file object, or an iterable of byte chunks."""


@dataclass(frozen=True, slots=True)
class BlobInfo:
    """A stored blob: its sha256 (hex) and size; ``put`` adds md5 and whether it was new."""

    sha256: str
    size: int
    md5: str | None = None
    """Base64 of the md5 digest (W&B's artifact entry digest), when put(md5=True) asked."""
    created: bool = False
    """put: True when this call stored the bytes, False when the store already had them
    (best effort when two processes put the same bytes at once: both may say True)."""


def check_digest(sha256: object) -> str:
    """The lower-case hex digest, or a UsageError that says what a blob name looks like."""
    if isinstance(sha256, str):
        digest = sha256.lower()
        if _HEX64.fullmatch(digest):
            return digest
    raise UsageError(
        f"{sha256!r} is not a blob name: blobs are named by the sha256 of their bytes, "
        "64 hex characters (use the .sha256 of what put() returned)"
    )


def key_for(sha256: str) -> str:
    """Object key of a blob: ``sha256/<first 2 hex>/<all 64 hex>``.

    The algorithm comes first so another hash could live beside it; two hex characters fan
    a local folder out to 256 sub-folders (thousands of entries each at a million blobs)
    and spread S3 request load over prefixes; the full digest as the file name lets
    ``sha256sum`` check a blob by hand.
    """
    digest = check_digest(sha256)
    return f"sha256/{digest[:2]}/{digest}"


def digest_of_key(key: str) -> str | None:
    """The digest a listed key names, or None for anything that is not a blob key."""
    parts = key.split("/")
    if len(parts) == 3 and parts[0] == "sha256" and _HEX64.fullmatch(parts[2]):
        if parts[1] == parts[2][:2]:
            return parts[2]
    return None


class Hashing:
    """sha256 (and optionally md5) of bytes as they stream past, counting their size."""

    def __init__(self, md5: bool = False) -> None:
        self._sha = hashlib.sha256()
        self._md5 = hashlib.md5(usedforsecurity=False) if md5 else None
        self.size = 0

    def update(self, chunk: bytes | memoryview) -> None:
        self._sha.update(chunk)
        if self._md5 is not None:
            self._md5.update(chunk)
        self.size += len(chunk)

    def wrap(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """Yield ``chunks`` unchanged, hashing each on the way."""
        for chunk in chunks:
            self.update(chunk)
            yield chunk

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    def info(self, created: bool) -> BlobInfo:
        md5 = base64.b64encode(self._md5.digest()).decode() if self._md5 is not None else None
        return BlobInfo(self.sha256, self.size, md5, created)


def read_chunks(source: Source, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """Chunks of a binary file object or an iterable of bytes, never the whole at once."""
    read = getattr(source, "read", None)
    if read is None:
        for chunk in source:
            if not isinstance(chunk, bytes | bytearray | memoryview):
                raise UsageError(
                    f"put_stream got a chunk of type {type(chunk).__name__}: "
                    "pass a binary file object or an iterable of bytes"
                )
            if chunk:
                yield bytes(chunk)
        return
    while True:
        chunk = read(chunk_size)
        if isinstance(chunk, str):
            raise UsageError("put_stream needs a file opened in binary mode ('rb'), not text")
        if not chunk:
            return
        yield bytes(chunk)


def file_chunks(path: Path, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """Chunks of a local file, read lazily so a multi-GB file never sits in memory."""
    with open(path, "rb") as f:
        yield from read_chunks(f, chunk_size)


def source_file(path: str | os.PathLike[str]) -> Path:
    """A file to put, or a UsageError naming what is wrong with it."""
    p = Path(path)
    if not p.is_file():
        what = "a folder" if p.is_dir() else "missing"
        raise UsageError(f"cannot store {str(p)!r}: it is {what}; put_file takes a file path")
    return p


class BlobStore(ABC):
    """Content-addressed storage: the same bytes are stored once, under their sha256.

    A put either stores every byte under the blob's name or leaves nothing under it, so a
    crash mid-put never leaves a half blob that a later put would mistake for the real one.
    """

    location: str
    """Where the blobs live, as a URL (``file:///...``, ``s3://bucket/prefix``)."""

    # ---- writing ----
    @abstractmethod
    def put(self, data: bytes | bytearray | memoryview, *, md5: bool = False) -> BlobInfo:
        """Store bytes held in memory."""

    @abstractmethod
    def put_file(self, path: str | os.PathLike[str], *, md5: bool = False) -> BlobInfo:
        """Store a local file, streamed: memory stays bounded whatever its size."""

    @abstractmethod
    def put_stream(self, source: Source, *, md5: bool = False) -> BlobInfo:
        """Store what a binary file object or an iterable of bytes yields, streamed."""

    @abstractmethod
    def delete(self, sha256: str) -> None:
        """Remove a blob; removing one that is not there is not an error."""

    # ---- reading ----
    @abstractmethod
    def chunks(self, sha256: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        """The blob's bytes in order, a chunk at a time (one request to a bucket)."""

    @abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """A seekable read-only file object over the blob (close it, or use ``with``)."""

    @abstractmethod
    def stat(self, sha256: str) -> BlobInfo:
        """The blob's digest and size; BlobNotFoundError when it is not stored."""

    @abstractmethod
    def exists(self, sha256: str) -> bool:
        """Whether the blob is stored."""

    @abstractmethod
    def __iter__(self) -> Iterator[str]:
        """The digests of all stored blobs (in no particular order)."""

    # ---- handing bytes to someone else ----
    @abstractmethod
    def url(self, sha256: str, expires_in: timedelta = DEFAULT_EXPIRY) -> str | None:
        """A presigned GET URL, or None where the backend cannot sign (a local folder)."""

    @abstractmethod
    def upload_url(self, sha256: str, expires_in: timedelta = DEFAULT_EXPIRY) -> str | None:
        """A presigned PUT URL for these bytes, or None where the backend cannot sign.

        Whoever uploads through it is trusted to send bytes that hash to ``sha256``: check
        with ``verify`` before relying on a blob uploaded that way.
        """

    # ---- built on the above ----
    def get(self, sha256: str) -> bytes:
        """The whole blob in memory: for small blobs (media, manifests), not checkpoints."""
        return b"".join(self.chunks(sha256))

    def size(self, sha256: str) -> int:
        return self.stat(sha256).size

    def local_path(self, sha256: str) -> Path | None:
        """The blob's file on this machine (to serve it with sendfile), or None."""
        return None

    def clean_temp(self, older_than: timedelta = timedelta(hours=1)) -> int:
        """Remove what killed puts left in the store's scratch area; returns the count."""
        return 0

    def verify(self, sha256: str) -> bool:
        """Whether the stored bytes still hash to their name (reads the whole blob)."""
        digest = check_digest(sha256)
        hashing = Hashing()
        for chunk in self.chunks(digest):
            hashing.update(chunk)
        return hashing.sha256 == digest

    def copy_to(self, sha256: str, dest: str | os.PathLike[str]) -> Path:
        """Write the blob to ``dest`` (streamed, checked, atomic): returns ``dest``.

        The bytes go to a temporary file beside ``dest`` that replaces it only once every
        byte hashed right, so ``dest`` is never left half written.
        """
        digest = check_digest(sha256)
        chunks = self.chunks(digest)  # a missing blob raises before anything is created
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.part")
        hashing = Hashing()
        try:
            with disk_errors(f"writing {dest}"), open(part, "wb") as out:
                for chunk in chunks:
                    hashing.update(chunk)
                    out.write(chunk)
            if hashing.sha256 != digest:
                raise BlobCorruptError(
                    f"blob {digest} in {self.location} is damaged: its bytes hash to "
                    f"{hashing.sha256}; delete it and store the file again"
                )
            os.replace(part, dest)
        finally:
            part.unlink(missing_ok=True)
        return dest

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r})"
