"""The append side of a segment file: memory-mapped, so an append is a memcpy.

Writes into a shared file mapping land in the kernel's page cache the moment
they are made, so once ``append`` returns, killing the process (SIGKILL, OOM)
cannot lose the record. Space is reserved with ``posix_fallocate`` before it is
mapped: a full disk is an ``OSError`` at reservation time, never a SIGBUS later.
"""

from __future__ import annotations

import mmap
import os
import threading
import zlib
from typing import Any

from runbase.records.framing import FILE_MAGIC, HEADER, HEADER_SIZE, MAX_FRAME

_FIRST_RESERVE = 256 << 10
_MAX_GROWTH = 64 << 20


class StorageError(OSError):
    """The run's record file could not be written (full disk, no permission...)."""


class SegmentWriter:
    """Single-process, thread-safe appender of frames to one segment file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.RLock()  # re-entrant: a SIGTERM handler may finish mid-append
        self._acquire = self._lock.acquire
        self._release = self._lock.release
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except OSError as e:
            msg = f"cannot create the run's record file {path}: {e.strerror}"
            raise StorageError(e.errno, msg) from None
        self._fd = fd
        self._pos = 0
        self._size = 0
        self._mm: mmap.mmap | None = None
        try:
            self._reserve(_FIRST_RESERVE)
        except StorageError:
            os.close(fd)
            raise
        self._mm[0 : len(FILE_MAGIC)] = FILE_MAGIC  # type: ignore[index]
        self._pos = len(FILE_MAGIC)
        self.closed = False

    @property
    def size(self) -> int:
        """Bytes of real data written so far (header included)."""
        return self._pos

    def _reserve(self, need: int) -> None:
        new_size = self._size + max(need, min(max(self._size, _FIRST_RESERVE), _MAX_GROWTH))
        try:
            os.posix_fallocate(self._fd, self._size, new_size - self._size)
        except OSError as e:
            raise StorageError(
                e.errno,
                f"cannot grow the run's record file {self.path} to {new_size} bytes: "
                f"{e.strerror}. Free space in RUNBASE_DIR or point RUNBASE_DIR elsewhere.",
            ) from None
        if self._mm is None:
            self._mm = mmap.mmap(self._fd, new_size)
        else:
            self._mm.resize(new_size)
        self._size = new_size

    def append(self, body: bytes, _pack: Any = HEADER.pack_into, _crc: Any = zlib.crc32) -> None:
        """Append one encoded record. Raises StorageError when space runs out.

        This is on log()'s path: plain acquire/release and bound defaults save
        a few hundred nanoseconds per call over the obvious spelling.
        """
        n = len(body)
        self._acquire()
        try:
            pos = self._pos
            end = pos + HEADER_SIZE + n
            if end > self._size:
                # Also reached once closed (size is then 0), and for oversized records,
                # since free space after pos never exceeds the growth step.
                if self.closed:
                    raise StorageError(0, f"the record file {self.path} is closed")
                if n > MAX_FRAME:
                    raise ValueError(f"a record of {n} bytes is over the {MAX_FRAME} byte limit")
                self._reserve(end - self._size)
            mm = self._mm
            mm[pos + HEADER_SIZE : end] = body  # type: ignore[index]
            # Header last: a reader never trusts a frame whose header is not written.
            _pack(mm, pos, n, _crc(body))
            self._pos = end
        finally:
            self._release()

    def close(self, sync: bool = True) -> None:
        """Trim the preallocated tail and release the file. Idempotent."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            self._size = 0
            try:
                if self._mm is not None:
                    self._mm.close()
                os.ftruncate(self._fd, self._pos)
                if sync:
                    os.fsync(self._fd)
            except OSError:
                pass  # the data is already in the page cache; trimming is cosmetic
            finally:
                os.close(self._fd)

    def abandon(self) -> None:
        """Forget the file without touching it (a forked child must not write it)."""
        self.closed = True
        self._size = 0
