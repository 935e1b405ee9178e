"""Console capture at the file-descriptor level (the ``redirect`` console mode).

fds 1 and 2 are pointed at a pipe, or at a pseudo-terminal when they were a
terminal so ``isatty()`` and progress bars behave the same. A reader thread
copies every byte unchanged to the original descriptor first, then hands the
decoded text to ``feed``. Child processes inherit the redirected fds, so their
output is captured too.
"""

from __future__ import annotations

import codecs
import errno
import logging
import os
import selectors
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except InterruptedError:
            continue
        except BlockingIOError:
            time.sleep(0.001)
            continue
        view = view[n:]


class Redirect:
    """fds 1 and 2 → pipes (or ptys); a reader thread tees to the originals."""

    def __init__(self, feed: Callable[[str, str], None]) -> None:
        self.feed = feed
        self.capturing = True
        self._saved: dict[int, int] = {}  # target fd (1, 2) -> dup of the original
        self._readers: dict[int, tuple[str, int]] = {}  # read end -> (stream, saved fd)
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        # Guards the fds that restore() and the end of the reader both touch, so
        # neither uses a descriptor the other has closed (its number may be reused).
        self._fd_lock = threading.Lock()
        self._drain_events: list[threading.Event] = []
        self._restored = False
        self._pump_done = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        for f in (sys.stdout, sys.stderr):
            try:
                f.flush()
            except Exception:
                pass
        made: list[int] = []
        try:
            for fd, stream in ((1, "stdout"), (2, "stderr")):
                saved = os.dup(fd)
                made.append(saved)
                r, w = self._channel(saved)
                made.append(r)
                try:
                    os.dup2(w, fd)  # inheritable: child processes write into the capture too
                finally:
                    os.close(w)
                self._saved[fd] = saved
                self._readers[r] = (stream, saved)
        except OSError:
            for fd, saved in self._saved.items():
                os.dup2(saved, fd)
            for fd in made:
                os.close(fd)
            os.close(self._wake_r)
            os.close(self._wake_w)
            raise
        self._thread = threading.Thread(target=self._pump, name="runbase-console", daemon=True)
        self._thread.start()

    @staticmethod
    def _channel(saved: int) -> tuple[int, int]:
        if os.isatty(saved):
            try:
                return _pty_like(saved)
            except Exception as e:  # no ptys left, no termios: a pipe still works
                log.debug("runbase: console pty unavailable (%s); using a pipe", e)
        return os.pipe()

    def restore(self) -> None:
        """Put the original descriptors back; the reader keeps forwarding what is left."""
        for f in (sys.stdout, sys.stderr):
            try:
                f.flush()
            except Exception:
                pass
        with self._fd_lock:
            if self._restored:
                return
            self._restored = True
            for fd, saved in self._saved.items():
                try:
                    os.dup2(saved, fd)
                except OSError as e:
                    log.debug("runbase: could not restore fd %d: %s", fd, e)
            if self._pump_done:
                self._close_saved()

    def _close_saved(self) -> None:
        for saved in self._saved.values():
            try:
                os.close(saved)
            except OSError:
                pass

    def drain(self, timeout: float) -> bool:
        """Wait until everything written before this call has been read and fed."""
        ev = threading.Event()
        with self._fd_lock:
            if self._pump_done:
                return True
            self._drain_events.append(ev)
            try:
                os.write(self._wake_w, b"d")
            except OSError:
                pass  # the wake pipe is full: a wake-up is already pending
        return ev.wait(timeout)

    def _pump(self) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self._wake_r, selectors.EVENT_READ)
        for r in self._readers:
            sel.register(r, selectors.EVENT_READ)
        decoders = {
            s: codecs.getincrementaldecoder("utf-8")(errors="replace") for s in ("stdout", "stderr")
        }
        open_readers = set(self._readers)
        try:
            while open_readers:
                draining: list[threading.Event] = []
                for key, _ in sel.select():
                    if key.fd == self._wake_r:
                        os.read(self._wake_r, 4096)
                        with self._fd_lock:
                            draining, self._drain_events = self._drain_events, []
                        continue
                    self._handle(key.fd, sel, open_readers, decoders)
                if draining:
                    # Everything written before the drain request is in the pipes
                    # now: read until they are empty, then report.
                    while open_readers:
                        ready = [k.fd for k, _ in sel.select(timeout=0) if k.fd != self._wake_r]
                        if not ready:
                            break
                        for fd in ready:
                            self._handle(fd, sel, open_readers, decoders)
                    for ev in draining:
                        ev.set()
        except Exception as e:  # never let the console thread die silently mid-run
            log.debug("runbase: console reader stopped: %s", e)
        finally:
            sel.close()
            for r in list(open_readers):
                os.close(r)
            with self._fd_lock:
                self._pump_done = True
                for ev in self._drain_events:
                    ev.set()
                os.close(self._wake_r)
                os.close(self._wake_w)
                if self._restored:
                    self._close_saved()

    def _handle(
        self,
        r: int,
        sel: selectors.BaseSelector,
        open_readers: set[int],
        decoders: dict[str, Any],
    ) -> None:
        stream, saved = self._readers[r]
        try:
            data = os.read(r, 65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            if e.errno != errno.EIO:  # EIO: a pty whose every writer has gone
                log.debug("runbase: console read failed: %s", e)
            data = b""
        if not data:
            sel.unregister(r)
            open_readers.discard(r)
            os.close(r)
            return
        try:
            _write_all(saved, data)  # the terminal first, unchanged
        except OSError:
            pass  # a closed terminal (``| head``) must not stop the capture
        if self.capturing:
            text = decoders[stream].decode(data)
            if text:
                self.feed(stream, text)


def _pty_like(saved: int) -> tuple[int, int]:
    """A pseudo-terminal that passes bytes through unchanged, sized like the original."""
    import fcntl
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
