"""Console capture: stdout and stderr go into every attached run and still reach the terminal.

One ``ConsoleHub`` per process. The first run that wants capture starts it and
the last one to detach stops it, so with several runs each line goes to every
run attached when it was printed. Two ways to capture:

* ``redirect`` (``redirect.py``): file descriptors 1 and 2 are pointed at pipes
  (pseudo-terminals when they were terminals). Output of child processes and C
  extensions is caught too.
* ``wrap`` (``wrap.py``): ``sys.stdout``/``sys.stderr`` are replaced by thin
  proxies that pass each ``write`` through and copy the text. Used where
  descriptors do not work (notebooks, pytest capture, a closed stdout).

Either way the bytes go to the console helper, a small separate process
(``teeproc.py``) that forwards them to the terminal at once, turns them into
lines and sends those back to be appended to the runs' files, and writes them
into the files itself if this process is killed (``teeclient.py`` is this
process's side). Nothing runs on the training loop's thread unless it prints.
"""

from __future__ import annotations

import atexit
import io
import itertools
import logging
import os
import sys
import threading

from runbase.sdk.environment.link import RunLink
from runbase.sdk.environment.redirect import Redirect, flush_python_streams
from runbase.sdk.environment.wrap import Wrap

log = logging.getLogger(__name__)

# Bounded waits for the helper: at detach (output still in flight after this
# is dropped from the run; it still reaches the terminal) and at attach.
DRAIN_TIMEOUT = 2.0
ATTACH_DRAIN_TIMEOUT = 0.2


class _Sink:
    __slots__ = ("link", "sid")

    def __init__(self, link: RunLink, sid: int) -> None:
        self.link = link
        self.sid = sid


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


class ConsoleHub:
    """Process-wide console capture shared by every attached run."""

    def __init__(self) -> None:
        # One add/remove at a time: "am I the first/last run?" must not race.
        # Re-entrant: a SIGTERM handler may finish the runs while the main
        # thread is in here.
        self._lock = threading.RLock()
        self._sinks: list[_Sink] = []
        self._capture: Redirect | Wrap | None = None
        self._ids = itertools.count(1)
        self._atexit = False
        self.mode: str | None = None

    def add(self, link: RunLink, console: str) -> _Sink | None:
        """Start capturing into ``link``'s run; None when ``console`` is "off" or nothing works."""
        if console == "off":
            return None
        with self._lock:
            sink = _Sink(link, next(self._ids))
            capture = self._capture
            if capture is None:
                capture = self._start(console, sink)
                if capture is None:
                    return None
            else:
                # Output printed before this run existed must not reach it.
                flush_python_streams()
                assert capture.client is not None
                if not capture.client.join(sink.sid, link, True, ATTACH_DRAIN_TIMEOUT):
                    log.debug("runbase: console helper slow to attach a run")
            self._sinks.append(sink)
        return sink

    def remove(self, sink: _Sink) -> None:
        """Drain what was printed so far into the run, then stop capturing for it."""
        with self._lock:
            if sink not in self._sinks or self._capture is None:
                return
            capture = self._capture
            last = len(self._sinks) == 1
            if last:
                capture.restore()  # our own later writes go straight to the terminal
            else:
                flush_python_streams()
            assert capture.client is not None
            if not capture.client.leave(sink.sid, last, DRAIN_TIMEOUT):
                log.debug("runbase: console output still in flight after %ss", DRAIN_TIMEOUT)
            if sink in self._sinks:
                self._sinks.remove(sink)
            if last and self._capture is capture:
                capture.stop()
                self._capture, self.mode = None, None

    def _start(self, console: str, sink: _Sink) -> Redirect | Wrap | None:
        use_fds = console in ("auto", "redirect") and _fds_usable()
        if console == "redirect" and not use_fds:
            log.debug("runbase: console='redirect' needs file descriptors 1 and 2; using 'wrap'")
        kinds: list[type[Redirect] | type[Wrap]] = [Redirect, Wrap] if use_fds else [Wrap]
        for kind in kinds:
            capture = kind()
            try:
                capture.start(sink.sid, sink.link)
            except OSError as e:
                log.debug("runbase: console %s failed (%s)", kind.mode, e)
                continue
            self._capture, self.mode = capture, kind.mode
            if not self._atexit:
                # Exiting without finish() must still give the terminal its last bytes back.
                atexit.register(self._at_exit)
                self._atexit = True
            return capture
        return None

    def _at_exit(self) -> None:
        capture = self._capture
        if capture is not None and capture.client is not None:
            capture.restore()
            capture.client.drain(DRAIN_TIMEOUT)

    def after_fork_in_child(self) -> None:
        """A forked child has none of the parent's threads: start over, closing our ends."""
        capture = self._capture
        if capture is not None:
            try:
                capture.after_fork_in_child()
            except Exception as e:
                log.debug("runbase: console reset after fork failed: %s", e)
        atexit_done = self._atexit
        self.__init__()  # type: ignore[misc]
        self._atexit = atexit_done


HUB = ConsoleHub()


def _reset_after_fork() -> None:
    # A lock one of the parent's threads held at fork time would stay held forever.
    # The child's fds still feed the parent's capture, which the parent owns.
    HUB.after_fork_in_child()


os.register_at_fork(after_in_child=_reset_after_fork)
