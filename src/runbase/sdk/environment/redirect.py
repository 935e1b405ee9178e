"""Console capture at the file-descriptor level (the ``redirect`` console mode).

fds 1 and 2 are pointed at pipes, or at pseudo-terminals when they were
terminals so ``isatty()`` and progress bars behave the same. The console
helper (``teeproc.py``, a separate process) holds the read ends: it copies
every byte to the original descriptor first, then makes lines of it. Child
processes inherit the redirected fds, so their output is captured too.

This process keeps its own copy of each read end. It never reads it while the
helper runs; if the helper disappears, the fds are put back and whatever is
left is forwarded to the terminal from here, so a program never blocks or gets
EPIPE because of runbase.
"""

from __future__ import annotations

import fcntl
import logging
import os
import select
import sys
import threading

from runbase.sdk.environment.link import RunLink
from runbase.sdk.environment.teeclient import TeeClient

log = logging.getLogger(__name__)

# Room for a burst of output while the helper starts or is busy (Linux; the
# default is 64 KiB). Unprivileged processes may go up to /proc/sys/fs/pipe-max-size.
PIPE_SIZE = 1 << 20
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)


def flush_python_streams() -> None:
    """Push what Python buffers for stdout/stderr into the descriptors."""
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except Exception:
            pass


def big_pipe() -> tuple[int, int]:
    """A pipe with a large buffer where the system allows it."""
    r, w = os.pipe()
    if sys.platform.startswith("linux"):
        try:
            fcntl.fcntl(w, _F_SETPIPE_SZ, PIPE_SIZE)
        except OSError:
            pass  # over the per-user limit: the default size works too
    return r, w


class Redirect:
    """fds 1 and 2 → pipes (or ptys) read by the console helper."""

    mode = "redirect"

    def __init__(self) -> None:
        self.client: TeeClient | None = None
        self._saved: dict[int, int] = {}  # target fd (1, 2) -> dup of the original
        self._reads: list[tuple[int, int]] = []  # (read end, saved fd)
        self._lock = threading.Lock()
        self._restored = False
        self._forwarding = False

    def start(self, sid: int, link: RunLink) -> None:
        """Redirect, with ``link``'s run getting everything from the first byte."""
        flush_python_streams()
        made: list[int] = []
        plan: list[tuple[int, str, int, int, int, bool]] = []
        try:
            for fd, stream in ((1, "stdout"), (2, "stderr")):
                saved = os.dup(fd)
                made.append(saved)
                r, w, pty = _channel(saved)
                made += [r, w]
                plan.append((fd, stream, saved, r, w, pty))
            channels = [(r, stream, saved, pty) for _, stream, saved, r, _, pty in plan]
            self.client = TeeClient(channels, on_lost=self._lost, segment=link.segment()[0])
            self.client.join(sid, link, drain=False, timeout=1.0)
            for fd, _, saved, r, w, _ in plan:
                os.dup2(w, fd)  # inheritable: child processes write into the capture too
                self._saved[fd] = saved
                self._reads.append((r, saved))
        except OSError:
            for fd, saved in self._saved.items():
                os.dup2(saved, fd)
            if self.client is not None:
                self.client.bye()
            for fd in made:
                _close(fd)
            self._saved, self._reads = {}, []
            raise
        for _, _, _, _, w, _ in plan:
            os.close(w)

    def restore(self) -> None:
        """Put the original descriptors back (idempotent)."""
        flush_python_streams()
        with self._lock:
            if self._restored:
                return
            self._restored = True
            for fd, saved in self._saved.items():
                try:
                    os.dup2(saved, fd)
                except OSError as e:
                    log.debug("runbase: could not restore fd %d: %s", fd, e)

    def stop(self) -> None:
        """After ``restore``: let the helper finish, and drop this process's copies."""
        if self.client is not None:
            self.client.bye()
        with self._lock:
            if not self._forwarding:
                self._close_all()

    def after_fork_in_child(self) -> None:
        if self.client is not None:
            self.client.after_fork_in_child()
        self._close_all()

    def _close_all(self) -> None:
        for r, _ in self._reads:
            _close(r)
        for saved in self._saved.values():
            _close(saved)
        self._reads = []
        self._saved = {}

    def _lost(self) -> None:
        """The helper is gone (on the ``runbase-console`` thread): give the terminal back."""
        with self._lock:
            if not self._reads:
                return
            self._forwarding = True
        self.restore()
        # Children may still hold the pipes: keep copying until they are done.
        reads = dict(self._reads)
        try:
            while reads:
                ready, _, _ = select.select(list(reads), [], [])
                for r in ready:
                    try:
                        data = os.read(r, 1 << 16)
                    except BlockingIOError:
                        continue
                    except OSError:
                        data = b""
                    if not data:
                        del reads[r]
                        continue
                    try:
                        _write_blocking(reads[r], data)
                    except OSError:
                        pass
        finally:
            with self._lock:
                self._close_all()


def _write_blocking(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view) :]
        except (BlockingIOError, InterruptedError):
            select.select([], [fd], [])


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _channel(saved: int) -> tuple[int, int, bool]:
    if os.isatty(saved):
        try:
            master, slave = _pty_like(saved)
            return master, slave, True
        except Exception as e:  # no ptys left, no termios: a pipe still works
            log.debug("runbase: console pty unavailable (%s); using a pipe", e)
    r, w = big_pipe()
    return r, w, False


def _pty_like(saved: int) -> tuple[int, int]:
    """A pseudo-terminal that passes bytes through unchanged, sized like the original."""
    import pty
    import termios

    master, slave = pty.openpty()
    os.set_inheritable(master, False)
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST  # no "\n" -> "\r\n": the bytes reach the terminal as written
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    try:
        size = fcntl.ioctl(saved, termios.TIOCGWINSZ, b"\0" * 8)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, size)
    except OSError:
        pass
    return master, slave
