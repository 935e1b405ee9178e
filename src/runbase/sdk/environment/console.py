"""Console capture: stdout and stderr go into every attached run and still reach the terminal.

One ``ConsoleHub`` per process. The first run that wants capture starts it and
the last one to detach stops it, so with several runs each line goes to every
run attached when it was printed. Two ways to capture:

* ``redirect``: file descriptors 1 and 2 are pointed at a pipe (a pseudo-terminal
  when they were a terminal, so ``isatty()`` and progress bars behave the same)
  and a reader thread copies every byte, unchanged, to the original descriptor
  before looking at it. Output of child processes and C extensions is caught too.
* ``wrap``: ``sys.stdout``/``sys.stderr`` are replaced by thin proxies that pass
  each ``write`` through and copy the text. Used where descriptors do not work
  (notebooks, pytest capture, a closed stdout).

Text becomes lines on a ``terminal.Screen``; finished lines are batched per run
and written as one OUTPUT record about once a second by a flusher thread.
Nothing runs on the training loop's thread unless it prints.
"""

from __future__ import annotations

import atexit
import io
import logging
import os
import sys
import threading
import time
from typing import Any

from runbase.records import Kind
from runbase.sdk.environment.link import RunLink
from runbase.sdk.environment.redirect import Redirect
from runbase.sdk.environment.terminal import Screen

log = logging.getLogger(__name__)

FLUSH_EVERY = 1.0
# A row above the cursor untouched this long is finished (see terminal.Screen).
QUIET = 0.5
# Bounded waits at detach: output still in the pipe after this is dropped from
# the run (it still reaches the terminal).
DRAIN_TIMEOUT = 2.0
ATTACH_DRAIN_TIMEOUT = 0.2
# Flush early when a run has this many lines waiting, to bound memory.
MAX_PENDING = 5000
STREAMS = ("stdout", "stderr")


class _Sink:
    __slots__ = ("link", "pending", "emit_lock")

    def __init__(self, link: RunLink) -> None:
        self.link = link
        self.pending: list[list[Any]] = []
        self.emit_lock = threading.Lock()


def _fds_usable() -> bool:
    """True when Python's own streams end in fds 1 and 2, so redirecting those catches prints.

    A notebook kernel's streams may report fd 1 yet send text elsewhere, hence the
    type check.
    """
    if os.name != "posix":
        return False
    try:
        for f, fd in ((sys.stdout, 1), (sys.stderr, 2)):
            if not isinstance(f, io.TextIOWrapper) or f.fileno() != fd:
                return False
        os.fstat(1)
        os.fstat(2)
    except (AttributeError, OSError, ValueError):
        return False
    return True


class _StreamProxy:
    """Stands in for sys.stdout/sys.stderr in wrap mode."""

    def __init__(self, orig: Any, stream: str, hub: ConsoleHub) -> None:
        self._orig = orig
        self._stream = stream
        self._hub = hub
        self._active = True

    def write(self, s: Any) -> Any:
        n = self._orig.write(s)
        if self._active and isinstance(s, str) and s:
            try:
                self._hub.feed(self._stream, s)
            except Exception as e:
                log.debug("runbase: console wrap failed: %s", e)
        return n

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._orig, name)


class _Wrap:
    def __init__(self, hub: ConsoleHub) -> None:
        self.hub = hub
        self._proxies: dict[str, _StreamProxy] = {}

    def start(self) -> None:
        for name in STREAMS:
            orig = getattr(sys, name)
            if orig is None:
                continue
            proxy = _StreamProxy(orig, name, self.hub)
            self._proxies[name] = proxy
            setattr(sys, name, proxy)

    def restore(self) -> None:
        for name, proxy in self._proxies.items():
            proxy._active = False
            # Someone may have wrapped our proxy since; then it stays, inert, in their chain.
            if getattr(sys, name) is proxy:
                setattr(sys, name, proxy._orig)

    def drain(self, timeout: float) -> bool:
        return True


class ConsoleHub:
    """Process-wide console capture shared by every attached run."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._sinks: list[_Sink] = []
        self._capture: Redirect | _Wrap | None = None
        self._screens = {s: Screen() for s in STREAMS}
        self._flusher: threading.Thread | None = None
        self._pid = os.getpid()
        self._atexit = False
        # One detach at a time: "am I the last run?" must not race with another detach.
        self._remove_lock = threading.Lock()
        self.mode: str | None = None

    # -- runs ---------------------------------------------------------------

    def add(self, link: RunLink, console: str) -> _Sink | None:
        """Start capturing into ``link``'s run; None when ``console`` is "off"."""
        if console == "off":
            return None
        sink = _Sink(link)
        with self._lock:
            capture = self._capture if self._pid == os.getpid() else None
        if capture is not None:
            # Output printed before this run existed must not reach it: let the
            # reader catch up first (outside the lock, which the reader needs).
            for f in (sys.stdout, sys.stderr):
                try:
                    f.flush()
                except Exception:
                    pass
            capture.drain(ATTACH_DRAIN_TIMEOUT)
        with self._lock:
            if self._pid != os.getpid():
                # A forked child: its fds still feed the parent's capture, which
                # the parent owns; this process starts from scratch.
                self._sinks, self._capture, self._flusher = [], None, None
                self._pid = os.getpid()
            if self._capture is None:
                self._start(console)
            else:
                # Finished rows still on the screen were printed before this run:
                # hand them to the runs that were there.
                now = time.time()
                for stream, screen in self._screens.items():
                    lines = screen.idle(now, 0.0)
                    if lines and self._sinks:
                        self._deliver(stream, lines)
            self._sinks.append(sink)
            if self._flusher is None:
                self._flusher = threading.Thread(
                    target=self._flush_loop, name="runbase-console-flush", daemon=True
                )
                self._flusher.start()
        return sink

    def remove(self, sink: _Sink) -> None:
        """Drain what was printed so far into the run, then stop capturing for it."""
        with self._remove_lock:
            self._remove(sink)

    def _remove(self, sink: _Sink) -> None:
        with self._lock:
            if sink not in self._sinks:
                return
            last = len(self._sinks) == 1
            capture = self._capture
        if capture is not None:
            if last:
                capture.restore()  # our own later writes go straight to the terminal
            else:
                for f in (sys.stdout, sys.stderr):
                    try:
                        f.flush()
                    except Exception:
                        pass
            if not capture.drain(DRAIN_TIMEOUT):
                log.debug("runbase: console output still in flight after %ss", DRAIN_TIMEOUT)
        with self._lock:
            if last:
                self._stop_locked()
                tail = [(s, t, line) for s in STREAMS for t, line in self._screens[s].close()]
            else:
                # This run ends now: give it the unfinished lines as they stand.
                tail = [(s, t, line) for s in STREAMS for t, line in self._screens[s].snapshot()]
            for stream, t, line in sorted(tail, key=lambda x: x[1]):
                sink.pending.append([t, stream, line])
            if sink in self._sinks:
                self._sinks.remove(sink)
            if not self._sinks:
                self._flusher = None
            self._wake.notify_all()
        self._flush(sink)

    def _start(self, console: str) -> None:
        use_fds = console in ("auto", "redirect") and _fds_usable()
        if console == "redirect" and not use_fds:
            log.debug("runbase: console='redirect' needs file descriptors 1 and 2; using 'wrap'")
        capture: Redirect | _Wrap
        if use_fds:
            try:
                capture = Redirect(self.feed)
                capture.start()
                self._capture, self.mode = capture, "redirect"
            except OSError as e:
                log.debug("runbase: fd redirect failed (%s); using 'wrap'", e)
                use_fds = False
        if not use_fds:
            capture = _Wrap(self)
            capture.start()
            self._capture, self.mode = capture, "wrap"
        self._screens = {s: Screen() for s in STREAMS}
        if not self._atexit:
            # Exiting without finish() must still give the terminal its last bytes back.
            atexit.register(self._at_exit)
            self._atexit = True

    def _stop_locked(self) -> None:
        capture = self._capture
        self._capture, self.mode = None, None
        if isinstance(capture, Redirect):
            capture.capturing = False

    def _at_exit(self) -> None:
        with self._lock:
            capture = self._capture
        if capture is not None and self._pid == os.getpid():
            capture.restore()
            capture.drain(DRAIN_TIMEOUT)

    # -- lines --------------------------------------------------------------

    def feed(self, stream: str, text: str) -> None:
        """Replay captured text; finished lines go to every attached run."""
        now = time.time()
        with self._lock:
            lines = self._screens[stream].write(text, now)
            if lines and self._sinks:
                self._deliver(stream, lines)

    def _deliver(self, stream: str, lines: list[tuple[float, str]]) -> None:
        rows = [[t, stream, line] for t, line in lines]
        for sink in self._sinks:
            sink.pending.extend(rows)
            if len(sink.pending) >= MAX_PENDING:
                self._wake.notify_all()

    def _flush(self, sink: _Sink) -> None:
        with sink.emit_lock:  # keeps one run's OUTPUT records in order
            with self._lock:
                batch, sink.pending = sink.pending, []
            if batch:
                # stdout and stderr lines interleave by time within one record.
                batch.sort(key=lambda row: row[0])
                sink.link.emit(Kind.OUTPUT, batch)

    def _flush_loop(self) -> None:
        me = threading.current_thread()
        while True:
            with self._lock:
                if self._flusher is not me:
                    return
                self._wake.wait(FLUSH_EVERY)
                if self._flusher is not me:
                    return
                now = time.time()
                for stream, screen in self._screens.items():
                    lines = screen.idle(now, QUIET)
                    if lines:
                        self._deliver(stream, lines)
                sinks = list(self._sinks)
            for sink in sinks:
                self._flush(sink)


HUB = ConsoleHub()


def _reset_after_fork() -> None:
    # A forked child has none of the parent's threads, and a lock one of them held at
    # fork time would stay held forever: start from a fresh hub. The child's fds still
    # feed the parent's capture, which the parent owns.
    HUB.__init__()


os.register_at_fork(after_in_child=_reset_after_fork)
