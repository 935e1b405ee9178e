"""Blobs in a local folder (default ``RUNBASE_DIR/blobs``).

```
<root>/sha256/<2 hex>/<64 hex>    a blob
<root>/tmp/<random>               a put in progress (or one a killed process left)
```

A put streams into ``tmp/`` while hashing, then renames the file to its name without
overwriting (a hard link, so of two processes putting the same bytes exactly one wins and
the other drops its copy). A killed put leaves only ``tmp/`` debris, which ``clean_temp``
removes; no file under ``sha256/`` is ever partial.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

import obstore
from obstore.exceptions import AlreadyExistsError
from obstore.store import LocalStore

from runbase.blobs.base import (
    BlobInfo,
    Hashing,
    Source,
    check_digest,
    file_chunks,
    key_for,
    read_chunks,
    source_file,
)
from runbase.blobs.errors import BlobError, BlobNotFoundError, disk_errors
from runbase.blobs.objstore import ObjectStoreBlobs

_PART = 4 << 20  # bytes obstore buffers before each write to the temp file
_CONCURRENCY = 2


class LocalBlobStore(ObjectStoreBlobs):
    """Content-addressed blobs in a folder on this machine."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).expanduser().absolute()
        location = self.root.as_uri()
        try:
            with disk_errors(f"creating {self.root}"):
                (self.root / "tmp").mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # not writable, or a file where a folder should be
            raise BlobError(
                f"cannot create the blob folder {self.root}: {exc.strerror}; "
                "choose a folder you can write to"
            ) from exc
        super().__init__(LocalStore(self.root), location)

    def put(self, data: bytes | bytearray | memoryview, *, md5: bool = False) -> BlobInfo:
        data = bytes(data)
        hashing = Hashing(md5)
        hashing.update(data)
        try:  # the digest is known before writing: skip the write when the blob is there
            if (self.root / key_for(hashing.sha256)).stat().st_size == len(data):
                return hashing.info(created=False)
        except FileNotFoundError:
            pass
        return self._put_via_temp(data, hashing)

    def put_file(self, path: str | os.PathLike[str], *, md5: bool = False) -> BlobInfo:
        hashing = Hashing(md5)
        return self._put_via_temp(hashing.wrap(file_chunks(source_file(path))), hashing)

    def put_stream(self, source: Source, *, md5: bool = False) -> BlobInfo:
        hashing = Hashing(md5)
        return self._put_via_temp(hashing.wrap(read_chunks(source)), hashing)

    def _put_via_temp(self, payload: bytes | Iterable[bytes], hashing: Hashing) -> BlobInfo:
        """Write ``payload`` (hashed by ``hashing`` as it is consumed) to tmp/, then name it."""
        tmp = f"tmp/{uuid.uuid4().hex}"
        try:
            with self._errors():
                obstore.put(
                    self._store, tmp, payload, chunk_size=_PART, max_concurrency=_CONCURRENCY
                )
            created = self._settle(tmp, hashing)
        finally:
            (self.root / tmp).unlink(missing_ok=True)
        return hashing.info(created)

    def _settle(self, tmp: str, hashing: Hashing) -> bool:
        """Move a finished temp file to its name; False when the blob was already there."""
        key = key_for(hashing.sha256)
        try:
            with self._errors(hashing.sha256):
                obstore.rename(self._store, tmp, key, overwrite=False)
            return True
        except AlreadyExistsError:
            pass
        if self._stored_size(hashing.sha256) != hashing.size:
            # A blob of the wrong size can only be damage (a disk that lost a write):
            # the bytes just hashed are the right ones, so they replace it.
            with self._errors(hashing.sha256):
                obstore.rename(self._store, tmp, key, overwrite=True)
            return True
        return False

    def open(self, sha256: str) -> BinaryIO:
        digest = check_digest(sha256)
        try:
            return open(self.root / key_for(digest), "rb")
        except FileNotFoundError as exc:
            raise BlobNotFoundError(f"no blob {digest} in {self.location}") from exc

    def local_path(self, sha256: str) -> Path | None:
        return self.root / key_for(sha256)

    def clean_temp(self, older_than: timedelta = timedelta(hours=1)) -> int:
        """Remove temp files of puts that died (untouched for ``older_than``)."""
        cutoff = time.time() - older_than.total_seconds()
        removed = 0
        try:
            entries = list(os.scandir(self.root / "tmp"))
        except FileNotFoundError:
            return 0
        for entry in entries:
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
            except FileNotFoundError:
                continue  # its put finished, or another cleaner got there first
        return removed
