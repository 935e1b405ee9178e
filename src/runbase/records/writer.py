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
from collections.abc import Iterator
from typing import Any

from runbase.records.framing import FILE_MAGIC, HEADER, HEADER_SIZE, MAX_FRAME

_FIRST_RESERVE = 256 << 10
_MAX_GROWTH = 64 << 20
_SMALL_RESERVE = 64 << 10
_PAGE = mmap.PAGESIZE
# Written pages further than this behind the write position are dropped from the
# process's page tables (they stay in the page cache, dirty, so nothing is lost):
# without it a long run's whole record file counts in the training process's RSS.
_RELEASE_EVERY = 4 << 20
_RELEASE_KEEP = 1 << 20
_DONTNEED: int | None = getattr(mmap, "MADV_DONTNEED", None)


def _round_up(n: int, unit: int) -> int:
    return -(-n // unit) * unit


def _free_bytes(fd: int) -> int:
    """Bytes this process may still allocate on the file's file system (0 if unknown)."""
    try:
        st = os.fstatvfs(fd)
    except OSError:
        return 0
    return st.f_bavail * st.f_frsize


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
        self._limit = 0  # append's one check: min(_size, _release_at)
        self._release_at = _RELEASE_EVERY
        self._released = 0
        self._mm: mmap.mmap | None = None
        self._short = False  # the last reservation was smaller than a growth step
        try:
            self._reserve(len(FILE_MAGIC))  # _FIRST_RESERVE when it fits
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
        """Grow the file by at least ``need`` bytes, by a whole growth step when it fits.

        When the disk cannot take a growth step, smaller reservations are tried, down
        to what the next record needs: a nearly full disk is used to its last pages
        before anything is declared full.
        """
        size = self._size
        # Double the file each time, up to _MAX_GROWTH: few remaps, little waste.
        step = max(need, min(max(size, _FIRST_RESERVE), _MAX_GROWTH))
        error: OSError | None = None
        for amount in self._amounts(need, step):
            try:
                os.posix_fallocate(self._fd, size, amount)
            except OSError as e:
                error = e
                continue
            self._short = amount < step
            self._map(size + amount)
            return
        assert error is not None
        raise StorageError(
            error.errno,
            f"cannot grow the run's record file {self.path} by {need} bytes: "
            f"{error.strerror} ({_free_bytes(self._fd)} bytes free). "
            "Free space in RUNBASE_DIR or point RUNBASE_DIR elsewhere.",
        ) from None

    def _amounts(self, need: int, step: int) -> Iterator[int]:
        """Reservation sizes to try, largest first, each at least ``need``."""
        if not self._short:
            yield step  # the usual case: one call
        # Short of space: half of what is free (the rest is left to other files),
        # then 64 KiB, then just what this record needs. While the disk stays full a
        # growth step is not tried again, so each attempt costs little.
        free = _free_bytes(self._fd)
        small = _round_up(need, _SMALL_RESERVE)
        sizes = [(free // 2) & ~(_PAGE - 1), small if small <= free else 0, need]
        for amount in sorted({min(step, n) for n in sizes}, reverse=True):
            if amount >= need and (self._short or amount < step):
                yield amount

    def _map(self, new_size: int) -> None:
        if self._mm is None:
            self._mm = mmap.mmap(self._fd, new_size)
        else:
            self._mm.resize(new_size)
        self._size = new_size
        self._limit = min(new_size, self._release_at)

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
            if end > self._limit:
                self._make_room(end, n)
            mm = self._mm
            mm[pos + HEADER_SIZE : end] = body  # type: ignore[index]
            # Header last: a reader never trusts a frame whose header is not written.
            _pack(mm, pos, n, _crc(body))
            self._pos = end
        finally:
            self._release()

    def _make_room(self, end: int, n: int) -> None:
        """append's rare path: grow the file, or release pages written long ago."""
        if end > self._size:
            # Also reached once closed (size is then 0), and for oversized records,
            # since free space after pos never exceeds the growth step.
            if self.closed:
                raise StorageError(0, f"the record file {self.path} is closed")
            if n > MAX_FRAME:
                raise ValueError(f"a record of {n} bytes is over the {MAX_FRAME} byte limit")
            self._reserve(end - self._size)
        if end > self._release_at:
            stop = (self._pos - _RELEASE_KEEP) & ~(_PAGE - 1)
            if stop > self._released and self._mm is not None and _DONTNEED is not None:
                start = self._released & ~(_PAGE - 1)
                self._mm.madvise(_DONTNEED, start, stop - start)
                self._released = stop
            self._release_at = end + _RELEASE_EVERY
        self._limit = min(self._size, self._release_at)

    def close(self, sync: bool = True) -> None:
        """Trim the preallocated tail and release the file. Idempotent."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            self._size = self._limit = 0
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
        self._size = self._limit = 0
