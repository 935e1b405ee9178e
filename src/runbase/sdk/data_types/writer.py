"""The run's media thread: encodes, hashes and writes media files after their row.

A media pointer carries its file's sha256 and name, so it exists only once the file
does. ``log()`` therefore records a row holding media at once, as a MEDIA_ROW (its
plain values, a token, a placeholder per media key; see ``records/media_rows.py``),
and hands the media to this thread; nothing logged after it waits. For each row the
thread writes each file to a temporary name and renames it into place, appends its
FILE record, and then a MEDIA_DONE with the row's token and pointers, which readers
fold into the row. A SIGKILL loses no row: a row whose files were not all written
reads back with ``"missing": True`` in their place, never with a pointer to a
missing or half-written file.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from runbase.records import Kind
from runbase.sdk import threads
from runbase.sdk.data_types.dedup import link_to_blob

# Bytes of copied arrays waiting to be encoded before log() waits for the thread.
QUEUE_LIMIT = 512 << 20
_CHUNK = 1 << 20


def safe_key(key: str) -> str:
    """A logged key as a relative file path: W&B keeps ``/`` as folders."""
    parts = [p for p in str(key).replace("\\", "/").split("/")]
    clean = [p.replace("\x00", "") if p not in ("", ".", "..") else "_" for p in parts]
    return "/".join(clean)


class MediaContext:
    """Where a prepared value writes its files: the run's files folder."""

    def __init__(
        self, files_dir: Path, append: Callable[[int, Any], None], root: Path | None = None
    ) -> None:
        self.files_dir = files_dir
        self._append = append
        self._root = root  # RUNBASE_DIR: files become links to its blobs (dedup.py)
        self._announced: set[str] = set()

    def store(
        self, subdir: str, key: str, step: int | str, data: bytes, ext: str
    ) -> dict[str, Any]:
        """Write ``data`` as ``<subdir>/<key>_<step>_<sha256[:20]><ext>``; its pointer fields."""
        sha = hashlib.sha256(data).hexdigest()
        rel = f"{subdir}/{safe_key(key)}_{step}_{sha[:20]}{ext}"
        self._write(rel, data, sha)
        return {"sha256": sha, "size": len(data), "path": rel}

    def store_named(self, rel: str, data: bytes) -> None:
        """Write ``data`` under a name the caller chose (content-addressed table cells)."""
        self._write(rel, data, hashlib.sha256(data).hexdigest())

    def store_path(
        self, subdir: str, key: str, step: int | str, src: str, ext: str
    ) -> dict[str, Any]:
        """Copy the file ``src`` in (streamed, hashed on the way); its pointer fields."""
        dst_dir = self.files_dir / subdir
        dst_dir.mkdir(parents=True, exist_ok=True)
        tmp = dst_dir / f".runbase-copy-{os.getpid()}-{threading.get_ident()}.tmp"
        sha = hashlib.sha256()
        size = 0
        try:
            with open(src, "rb") as fin, open(tmp, "wb") as fout:
                while chunk := fin.read(_CHUNK):
                    sha.update(chunk)
                    fout.write(chunk)
                    size += len(chunk)
            digest = sha.hexdigest()
            rel = f"{subdir}/{safe_key(key)}_{step}_{digest[:20]}{ext}"
            dst = self.files_dir / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            if self._root is None or not link_to_blob(self._root, digest, tmp, dst):
                os.replace(tmp, dst)
        finally:
            tmp.unlink(missing_ok=True)
        self._announce(rel, size)
        return {"sha256": digest, "size": size, "path": rel}

    def _write(self, rel: str, data: bytes, sha: str) -> None:
        dst = self.files_dir / rel
        try:
            same = dst.stat().st_size == len(data)  # named by content: same size, same bytes
        except OSError:
            same = False
        if not same:
            dst.parent.mkdir(parents=True, exist_ok=True)
            if self._root is not None and link_to_blob(self._root, sha, data, dst):
                self._announce(rel, len(data))
                return
            tmp = dst.with_name(f".{dst.name}.runbase-{os.getpid()}.tmp")
            try:
                with open(tmp, "wb") as f:
                    f.write(data)
                os.replace(tmp, dst)
            finally:
                tmp.unlink(missing_ok=True)
        self._announce(rel, len(data))

    def _announce(self, rel: str, size: int) -> None:
        if rel not in self._announced:
            self._announced.add(rel)
            self._append(Kind.FILE, {"path": rel, "size": size, "policy": "now"})


class RowJob:
    """The media of one recorded MEDIA_ROW, written by the thread."""

    __slots__ = ("done", "nbytes", "pending", "row", "token")

    def __init__(
        self,
        row: int,
        token: int,
        pending: dict[str, Any],
        done: Callable[[dict[str, Any]], None],
    ) -> None:
        self.row = row
        self.token = token
        self.pending = pending
        self.done = done  # called with the pointers once they are recorded
        self.nbytes = sum(p.nbytes for p in pending.values())


class MediaWriter:
    """One thread per run, started at its first media row; see the module doc."""

    def __init__(
        self,
        ctx: MediaContext,
        write_now: Callable[[bytes], None],
        run_id: str,
    ) -> None:
        self.queue: deque[RowJob] = deque()  # left in until recorded: truthy while any waits
        self._ctx = ctx
        self._write_now = write_now
        self._run_id = run_id
        self._cond = threading.Condition()
        self._bytes = 0
        self._thread: threading.Thread | None = None
        self._encode = msgspec.msgpack.Encoder().encode
        self._warned: set[str] = set()

    def submit(self, job: RowJob) -> None:
        """Queue a row's media; waits while too much copied data is queued."""
        with self._cond:
            while self._bytes > QUEUE_LIMIT and self.queue:
                self._cond.wait(1.0)
            self.queue.append(job)
            self._bytes += job.nbytes
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="runbase-media", daemon=True
                )
                threads.start(self._thread)
            self._cond.notify_all()

    def drain(self) -> None:
        """Return once everything queued is recorded (finish() calls this before EXIT)."""
        with self._cond:
            while self.queue and self._thread is not None and self._thread.is_alive():
                self._cond.wait(1.0)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self.queue:
                    self._cond.wait()
                job = self.queue[0]
            try:
                self._record_row(job)
            except Exception as e:  # a thread must not die: say what was lost, go on
                self._warn_once("record", f"a record could not be written ({e})")
            with self._cond:
                self.queue.popleft()
                self._bytes -= job.nbytes
                self._cond.notify_all()

    def _record_row(self, job: RowJob) -> None:
        pointers: dict[str, Any] = {}
        for key, pending in job.pending.items():
            try:
                pointers[key] = pending.write(self._ctx, key, job.row)
            except Exception as e:
                self._warn_once(key, f"{key!r} at step {job.row} was not stored ({e})")
        self._write_now(self._encode((Kind.MEDIA_DONE, time.time(), (job.token, pointers))))
        job.done(pointers)

    def _warn_once(self, key: str, text: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            warnings.warn(f"runbase: run {self._run_id}: {text}", RuntimeWarning, stacklevel=2)
