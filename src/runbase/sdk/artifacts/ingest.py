"""Files into the blob store in one pass: sha256 (the blob's name) and MD5 (W&B's entry
digest) are taken while the bytes stream into the store's temp file, which is then
linked to its name. A file is never read twice, nor copied more than once (W&B #3823).

Like media (``sdk/data_types/dedup.py``) this writes the local store's files itself, so
a training process never loads the object-store library. ``policy="immutable"`` (the
caller promises never to change the file) hard-links the file itself into the store
instead of copying it, where the file system allows.

A digest cache keyed by (path, size, mtime_ns, inode), as W&B keeps one, makes adding an
unchanged file a ``stat``: re-logging a big directory reads none of its bytes.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from runbase.records.layout import blob_path
from runbase.sdk.artifacts.errors import ArtifactError, ArtifactFileChangedError
from runbase.sdk.data_types.dedup import place_blob

CHUNK = 4 << 20
_local = threading.local()
SPLIT_MIN = 16 << 20  # smaller files: a thread hand-off per chunk costs more than it saves
# hashlib and file I/O release the GIL. Twice the cores: while some threads wait on a
# cold read, the others hash (with one thread per core, a core idled at each read).
_WORKERS = max(4, min(8, 2 * (os.cpu_count() or 1)))


@dataclass(frozen=True, slots=True)
class Stored:
    """A file now in the blob store."""

    sha256: str
    md5: str  # base64, as W&B's manifest has it
    size: int


def _key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def stat_file(path: Path) -> os.stat_result:
    """The file's stat, or an error that names the path and what is wrong."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ArtifactError(f"cannot add {str(path)!r}: no such file") from None
    except OSError as e:
        raise ArtifactError(f"cannot add {str(path)!r}: {e.strerror}") from None
    if not os.path.isfile(path):
        raise ArtifactError(f"cannot add {str(path)!r}: not a file (use add_dir for a folder)")
    return st


class DigestCache:
    """(path, size, mtime_ns, inode) -> digests, in ``<root>/artifacts/digest-cache.sqlite``."""

    def __init__(self, root: Path) -> None:
        self._path = root / "artifacts" / "digest-cache.sqlite"
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection | None:
        if self._db is None:
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self._path, timeout=30, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS digests (path TEXT PRIMARY KEY, size INT,"
                    " mtime_ns INT, ino INT, sha256 TEXT, md5 TEXT)"
                )
            except sqlite3.Error:
                return None  # a cache that cannot open only costs speed
            self._db = db
        return self._db

    def get(self, path: Path, st: os.stat_result) -> Stored | None:
        with self._lock:
            db = self._conn()
            if db is None:
                return None
            row = db.execute(
                "SELECT size, mtime_ns, ino, sha256, md5 FROM digests WHERE path = ?",
                (str(path),),
            ).fetchone()
        if row is None or tuple(row[:3]) != _key(st):
            return None
        return Stored(row[3], row[4], row[0])

    def put_many(self, items: Iterable[tuple[Path, os.stat_result, Stored]]) -> None:
        rows = [(str(p), *_key(st), s.sha256, s.md5) for p, st, s in items]
        with self._lock:
            db = self._conn()
            if db is None or not rows:
                return
            try:
                with db:
                    db.executemany("INSERT OR REPLACE INTO digests VALUES (?,?,?,?,?,?)", rows)
            except sqlite3.Error:
                pass

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def store_files(
    root: Path, paths: list[Path], *, link: bool = False, cache: DigestCache | None = None
) -> list[Stored]:
    """Store each file (in parallel), skipping those the digest cache knows unchanged."""
    stats = [stat_file(p) for p in paths]
    out: list[Stored | None] = [None] * len(paths)
    todo: list[int] = []
    for i, (p, st) in enumerate(zip(paths, stats, strict=True)):
        hit = cache.get(p.absolute(), st) if cache is not None else None
        if hit is not None and blob_path(root, hit.sha256).exists():
            out[i] = hit
        else:
            todo.append(i)
    for i, stored in zip(
        todo,
        _store_all(root, [paths[i] for i in todo], [stats[i] for i in todo], link),
        strict=True,
    ):
        out[i] = stored
    if cache is not None and todo:
        cache.put_many((paths[i].absolute(), stats[i], out[i]) for i in todo)  # type: ignore[misc]
    return [s for s in out if s is not None]


def _store_all(
    root: Path, paths: list[Path], stats: list[os.stat_result], link: bool
) -> list[Stored]:
    """Store files in parallel, the kernel reading each one ahead of its turn."""
    if len(paths) < (os.cpu_count() or 1):  # cores to spare: each file hashes on two
        return [
            store_file(root, p, st, link=link, split=True)
            for p, st in zip(paths, stats, strict=True)
        ]
    ahead: list[Path | None] = [*paths[_WORKERS:], *([None] * _WORKERS)]

    def one(n: int) -> Stored:
        _will_need(ahead[n])  # the disk reads a later file while this one is hashed
        return store_file(root, paths[n], stats[n], link=link)

    for p in paths[:_WORKERS]:
        _will_need(p)
    with ThreadPoolExecutor(_WORKERS) as pool:
        return list(pool.map(one, range(len(paths))))


def _will_need(path: Path | None) -> None:
    """Ask the kernel to start reading ``path`` into the page cache (no wait)."""
    if path is None or not hasattr(os, "posix_fadvise"):
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # store_file reports it
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
    finally:
        os.close(fd)


def store_file(
    root: Path, path: Path, st: os.stat_result, *, link: bool = False, split: bool = False
) -> Stored:
    """Hash ``path`` and put it in the blob store under ``root``, in one pass. ``split``:
    a large file's sha256 runs on a second thread beside its MD5 (both ~CPU-bound)."""
    tmp_dir = root / "blobs" / "tmp"  # the blob store's own: its clean_temp sweeps it
    tmp = tmp_dir / uuid.uuid4().hex
    split = split and st.st_size >= SPLIT_MIN
    put = _hash_and_link if link else _hash_and_copy
    try:
        try:
            stored = put(path, tmp, split)
        except FileNotFoundError:  # the folder's first use (or the file went: again)
            tmp_dir.mkdir(parents=True, exist_ok=True)  # not made per file: a syscall less
            stored = put(path, tmp, split)
        _check_unchanged(path, st, stored.size)
        place_blob(tmp, blob_path(root, stored.sha256))
    except OSError as e:
        if e.errno == errno.ENOSPC:
            raise ArtifactError(
                f"the disk under {root / 'blobs'} is full while adding {str(path)!r}; "
                "free space (runbase artifact gc) and add it again"
            ) from None
        raise ArtifactError(f"cannot add {str(path)!r}: {e.strerror or e}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return stored


def _hash_and_copy(path: Path, tmp: Path, split: bool = False) -> Stored:
    with open(tmp, "wb", buffering=0) as out:
        stored = _one_pass(path, out, split)
    os.chmod(tmp, 0o444)  # the blob is shared: an edit through a download must fail
    return stored


def _hash_and_link(path: Path, tmp: Path, split: bool = False) -> Stored:
    """Hash only; the file itself becomes the blob (a copy where links are refused:
    linked first, so that either way the bytes are read once)."""
    try:
        os.link(path, tmp)
    except OSError:
        return _hash_and_copy(path, tmp, split)
    return _one_pass(path, None, split)


def _one_pass(path: Path, out: io.FileIO | None, split: bool) -> Stored:
    """Read ``path`` once: sha256, MD5 and (with ``out``) the copy from the same buffer."""
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    buf, view = _buffer()
    helper = ThreadPoolExecutor(1) if split else None
    try:
        with open(path, "rb", buffering=0) as src:
            while n := src.readinto(buf):
                chunk = view[:n]
                pending = helper.submit(sha.update, chunk) if helper else None
                if pending is None:
                    sha.update(chunk)
                md5.update(chunk)
                if out is not None:
                    _write_all(out, chunk)
                if pending is not None:
                    pending.result()  # the buffer is read into again next
                size += n
    finally:
        if helper is not None:
            helper.shutdown()
    return Stored(sha.hexdigest(), base64.b64encode(md5.digest()).decode(), size)


def _buffer() -> tuple[bytearray, memoryview]:
    """This thread's read buffer: a fresh 4 MiB one per file cost ~0.7 ms to zero and
    fault in, as much as hashing a 1 MiB file."""
    try:
        return _local.buf  # type: ignore[no-any-return]
    except AttributeError:
        buf = bytearray(CHUNK)
        _local.buf = (buf, memoryview(buf))
        return _local.buf  # type: ignore[no-any-return]


def _write_all(out: io.FileIO, chunk: memoryview) -> None:
    """An unbuffered write may take only part (a disk filling up): write the rest, so
    that a full disk raises ENOSPC instead of leaving a short blob under a whole name."""
    while chunk:
        written = out.write(chunk)
        if not written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        chunk = chunk[written:]


def _check_unchanged(path: Path, before: os.stat_result, size: int) -> None:
    try:
        after = path.stat()
    except OSError:
        after = None
    if after is None or size != before.st_size or _key(after) != _key(before):
        raise ArtifactFileChangedError(
            f"{str(path)!r} changed while it was being added (size or modification time "
            "moved); nothing was stored for it: add it again once it is written"
        )
