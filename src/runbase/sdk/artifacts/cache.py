"""The download cache: referenced objects (http, s3) fetched once, bounded in size.

``RUNBASE_CACHE_DIR`` (default ``RUNBASE_DIR/cache``) holds ``artifacts/<sha256 of the
reference and its digest>``; ``RUNBASE_CACHE_MAX_BYTES`` (default 10 GiB) caps it, the
least recently used files going first (W&B's cache grows without bound: #8781). Files
of the local blob store need no cache: a download hard-links them.
"""

from __future__ import annotations

import errno
import hashlib
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from runbase.records.layout import runbase_dir
from runbase.sdk.artifacts.errors import ArtifactDownloadError

DEFAULT_MAX_BYTES = 10 << 30


def cache_dir() -> Path:
    env = os.environ.get("RUNBASE_CACHE_DIR")
    return (Path(env).expanduser() if env else runbase_dir() / "cache") / "artifacts"


def max_bytes() -> int:
    raw = os.environ.get("RUNBASE_CACHE_MAX_BYTES")
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        return max(0, int(raw))
    except ValueError:
        raise ArtifactDownloadError(
            f"RUNBASE_CACHE_MAX_BYTES={raw!r} is not a number of bytes (e.g. 10000000000)"
        ) from None


def fetch(key: str, produce: Callable[[], Iterable[bytes]]) -> Path:
    """The cached file for ``key``, made from ``produce()`` when missing; marks it used."""
    folder = cache_dir()
    path = folder / hashlib.sha256(key.encode()).hexdigest()
    if path.is_file():
        os.utime(path)  # the modification time is the cache's "last used"
        return path
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f".{uuid.uuid4().hex}.part"
    try:
        with open(part, "wb") as out:
            for chunk in produce():
                out.write(chunk)
        os.replace(part, path)
    except OSError as e:
        if e.errno == errno.ENOSPC:
            raise ArtifactDownloadError(
                f"the disk under the cache {folder} is full; free space or set "
                "RUNBASE_CACHE_MAX_BYTES lower"
            ) from None
        raise
    finally:
        part.unlink(missing_ok=True)
    trim(keep=path)
    return path


def trim(keep: Path | None = None, limit: int | None = None) -> int:
    """Remove least recently used files until the cache fits; returns bytes freed."""
    folder = cache_dir()
    limit = max_bytes() if limit is None else limit
    try:
        entries = [e for e in os.scandir(folder) if e.is_file() and not e.name.startswith(".")]
    except FileNotFoundError:
        return 0
    stats = sorted((e.stat().st_mtime_ns, e.stat().st_size, e.path) for e in entries)
    total = sum(s for _, s, _ in stats)
    freed = 0
    for _, size, path in stats:
        if total <= limit:
            break
        if keep is not None and path == str(keep):
            continue
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue
        total -= size
        freed += size
    return freed
