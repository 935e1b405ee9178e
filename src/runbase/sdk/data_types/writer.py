"""The run's media thread: encodes, hashes and writes media files, then the rows.

A history row holding media cannot be recorded before its files exist, because
its pointer dicts carry the files' sha256 and names. ``log()`` therefore hands
such a row to this thread, and while any row waits here every later record of
the run (plain rows, summary and config changes, heartbeats) queues behind it,
so records keep the order of the calls that made them. For each row the thread
writes each file to a temporary name and renames it into place, appends its
FILE record, and only then appends the HISTORY record. A SIGKILL can so lose
the rows still queued (the encoding time of the images ahead of them), but
never leaves a pointer to a missing or half-written file.
"""

from __future__ import annotations

import hashlib
import os
import threading
import warnings
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from runbase.records import Kind

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

    def __init__(self, files_dir: Path, append: Callable[[int, Any], None]) -> None:
        self.files_dir = files_dir
        self._append = append
        self._announced: set[str] = set()

    def store(
        self, subdir: str, key: str, step: int | str, data: bytes, ext: str
    ) -> dict[str, Any]:
        """Write ``data`` as ``<subdir>/<key>_<step>_<sha256[:20]><ext>``; its pointer fields."""
        sha = hashlib.sha256(data).hexdigest()
        rel = f"{subdir}/{safe_key(key)}_{step}_{sha[:20]}{ext}"
        self._write(rel, data)
        return {"sha256": sha, "size": len(data), "path": rel}

    def store_named(self, rel: str, data: bytes) -> None:
        """Write ``data`` under a name the caller chose (content-addressed table cells)."""
        self._write(rel, data)

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
            os.replace(tmp, dst)
        finally:
            tmp.unlink(missing_ok=True)
        self._announce(rel, size)
        return {"sha256": digest, "size": size, "path": rel}

    def _write(self, rel: str, data: bytes) -> None:
        dst = self.files_dir / rel
        try:
            same = dst.stat().st_size == len(data)  # named by content: same size, same bytes
        except OSError:
            same = False
        if not same:
            dst.parent.mkdir(parents=True, exist_ok=True)
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
    """A history row whose media the thread writes before recording it."""

    __slots__ = ("data", "done", "nbytes", "pending", "row", "time")

    def __init__(
        self,
        time: float,
        row: int,
        data: dict[str, Any],
        pending: dict[str, Any],
        done: Callable[[dict[str, Any]], None],
    ) -> None:
        self.time = time
        self.row = row
        self.data = data
        self.pending = pending
        self.done = done  # called with the pointers once the row is recorded
        self.nbytes = sum(p.nbytes for p in pending.values())


class MediaWriter:
    """One thread per run, started at its first media row; see the module doc."""

    def __init__(
        self,
        ctx: MediaContext,
        write_now: Callable[[bytes], None],
        run_id: str,
        queue: deque[bytes | RowJob],
    ) -> None:
        self.queue = queue  # the Run's: truthy while anything waits
        self._ctx = ctx
        self._write_now = write_now
        self._run_id = run_id
        self._cond = threading.Condition()
        self._bytes = 0
        self._thread: threading.Thread | None = None
        self._encode = msgspec.msgpack.Encoder().encode
        self._warned: set[str] = set()

    def submit(self, item: bytes | RowJob) -> None:
        """Queue a record body or a row; waits while too much copied data is queued."""
        with self._cond:
            size = item.nbytes if isinstance(item, RowJob) else 0
            while self._bytes > QUEUE_LIMIT and self.queue:
                self._cond.wait(1.0)
            self.queue.append(item)
            self._bytes += size
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="runbase-media", daemon=True
                )
                self._thread.start()
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
                item = self.queue[0]  # left in the queue until recorded: log() keeps queueing
            size = 0
            try:
                if isinstance(item, RowJob):
                    size = item.nbytes
                    self._record_row(item)
                else:
                    self._write_now(item)
            except Exception as e:  # a thread must not die: say what was lost, go on
                self._warn_once("record", f"a record could not be written ({e})")
            with self._cond:
                self.queue.popleft()
                self._bytes -= size
                self._cond.notify_all()

    def _record_row(self, job: RowJob) -> None:
        data = job.data
        pointers: dict[str, Any] = {}
        for key, pending in job.pending.items():
            try:
                pointers[key] = pending.write(self._ctx, key, job.row)
            except Exception as e:
                data.pop(key, None)
                self._warn_once(key, f"{key!r} at step {job.row} was not stored ({e})")
        data.update(pointers)
        self._write_now(self._encode((Kind.HISTORY, job.time, (job.row, data))))
        job.done(pointers)

    def _warn_once(self, key: str, text: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            warnings.warn(f"runbase: run {self._run_id}: {text}", RuntimeWarning, stacklevel=2)
