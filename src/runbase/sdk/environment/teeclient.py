"""The training process's side of the console helper (``teeproc.py``).

``TeeClient`` starts the helper as a separate process (a thread where that is
impossible), sends it commands, and runs one thread, ``runbase-console``, that
appends the finished lines the helper sends to the runs' files and
acknowledges them. Waits are bounded; a helper that disappears is reported to
``on_lost`` so the capture can give the terminal back.

The first run's segment is locked here and the lock handed to the helper as
it starts (see teeproc.py): so it is held from before the first line, even
when this process is killed before the helper is up.
"""

from __future__ import annotations

import itertools
import logging
import marshal
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from runbase.records import Kind
from runbase.records.process import hold_segment, process_start_ticks
from runbase.sdk import threads
from runbase.sdk.environment import wire
from runbase.sdk.environment.link import RunLink

log = logging.getLogger(__name__)

# Runs in a fresh interpreter: ``-I -S`` keep the user's environment, working
# directory and site hooks out; the packages above teeproc, and runbase.records,
# are stubbed so their __init__ (the whole SDK, the record writer) is not
# imported. The first fork detaches the helper, so it is no child of the
# training process (no zombie, nothing for os.wait()).
_BOOT = """
import marshal, os, sys, types
cfg = marshal.loads(bytes.fromhex(sys.argv[1]))
if os.fork():
    os._exit(0)
os.chdir("/")
sys.path[:0] = cfg["path"]
for name, where in cfg["packages"]:
    mod = types.ModuleType(name)
    mod.__path__ = where
    sys.modules[name] = mod
from runbase.sdk.environment.teeproc import main
main(cfg)
"""

Channel = tuple[int, str, "int | None", bool]  # read end, stream, tee fd, is a pty

# How much longer a command may wait while the helper is still starting.
START_WAIT = 10.0


def _helper_paths() -> dict[str, Any]:
    import msgspec

    import runbase.records
    import runbase.sdk.environment

    pkgs = [runbase, runbase.records, runbase.sdk, runbase.sdk.environment]
    roots = [os.path.dirname(os.path.abspath(list(runbase.__path__)[0]))]
    roots.append(os.path.dirname(os.path.dirname(os.path.abspath(msgspec.__file__))))
    return {
        "path": list(dict.fromkeys(roots)),
        "packages": [[p.__name__, [os.path.abspath(d) for d in p.__path__]] for p in pkgs],
    }


class TeeClient:
    """Starts the helper for ``channels`` and talks to it."""

    def __init__(
        self,
        channels: Sequence[Channel],
        on_lost: Callable[[], None] | None = None,
        hand_over: bool = False,
        hold: list[int] | None = None,
        segment: str | None = None,
    ) -> None:
        """``hand_over``: the channels' read ends are the helper's alone (closed here).

        ``hold``: fds the helper keeps open until it is done (closed here), so
        whoever reads the program's output sees its end only once the run's
        console lines are complete. ``segment``: the record file of the run
        that joins first, whose lock the helper gets as it starts.
        """
        self.on_lost = on_lost
        self.links: dict[int, RunLink] = {}
        self.helper_pid: int | None = None  # known once the helper says hello
        self._events: dict[int, threading.Event] = {}
        self._tokens = itertools.count(1)
        self._send_lock = threading.Lock()
        self._bye = False
        # A socket, not a pipe, for commands: sent with MSG_NOSIGNAL, a helper that
        # died is an error here, never a SIGPIPE for a program that restored its default.
        self._ctl, theirs = socket.socketpair()
        self._ctl.setblocking(False)
        self._ctl_w = self._ctl.fileno()
        ctl_r = theirs.detach()
        self._out_r, out_w = os.pipe()
        # Started here, not on a thread: Popen holds the GIL until the exec anyway
        # (about a millisecond), and a thread would add GIL hand-offs to that.
        proc = self._spawn(channels, ctl_r, out_w, hold or [], segment)
        for fd in hold or []:
            os.close(fd)
        if proc is None:
            self._run_on_thread(channels, ctl_r, out_w)
        else:
            os.close(ctl_r)
            os.close(out_w)
        if hand_over:
            for c in channels:
                os.close(c[0])
        self.process = proc is not None  # else the helper is a thread of this process
        self._thread = threading.Thread(
            target=self._main, args=(proc,), name="runbase-console", daemon=True
        )
        threads.start(self._thread)

    # -- starting the helper -----------------------------------------------------

    @staticmethod
    def _spawn(
        channels: Sequence[Channel], ctl_r: int, out_w: int, hold: list[int], segment: str | None
    ) -> subprocess.Popen[bytes] | None:
        if getattr(sys, "frozen", False) or not sys.executable:
            return None  # sys.executable is not an interpreter we could start
        pid = os.getpid()
        lock = _in_hand(hold_segment(segment)) if segment else None
        cfg = {
            "pid": pid,
            "pid_start": process_start_ticks(pid),
            "channels": [list(c) for c in channels],
            "ctl": ctl_r,
            "out": out_w,
            "locks": [] if lock is None else [[segment, lock]],
            **_helper_paths(),
        }
        tees = [c[2] for c in channels if c[2] is not None]
        fds = [ctl_r, out_w, *hold] + [c[0] for c in channels] + tees
        fds += [] if lock is None else [lock]
        try:
            return subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _BOOT, marshal.dumps(cfg).hex()],
                pass_fds=fds,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, ValueError, subprocess.SubprocessError) as e:
            log.debug("runbase: console helper could not start (%s); using a thread", e)
            return None
        finally:
            if lock is not None:
                _IN_HAND.discard(lock)
                os.close(lock)  # the helper has its own copy: the lock is its now

    @staticmethod
    def _run_on_thread(channels: Sequence[Channel], ctl_r: int, out_w: int) -> None:
        from runbase.sdk.environment.teeproc import Channel as TeeChannel
        from runbase.sdk.environment.teeproc import Tee

        # The loop closes what it is given: hand it copies of the caller's fds.
        own = [
            TeeChannel(os.dup(r), stream, None if tee is None else os.dup(tee), pty)
            for r, stream, tee, pty in channels
        ]
        tee = Tee(own, ctl_r, out_w)
        threads.start(threading.Thread(target=tee.run, name="runbase-console-tee", daemon=True))

    # -- commands ------------------------------------------------------------------

    def join(self, sid: int, link: RunLink, drain: bool, timeout: float) -> bool:
        """Lines printed from now on go to ``link`` too; ``drain``: not those printed before."""
        self.links[sid] = link
        path, end = link.segment()
        if not drain:
            return self._send(wire.pack(wire.JOIN, 0, sid, path, end, False), timeout)
        return self._call(lambda token: wire.pack(wire.JOIN, token, sid, path, end, True), timeout)

    def leave(self, sid: int, last: bool, timeout: float) -> bool:
        """Give the run everything printed so far and its unfinished lines; then forget it."""
        ok = self._call(lambda token: wire.pack(wire.LEAVE, token, sid, last), timeout)
        self.links.pop(sid, None)
        self._send(wire.pack(wire.FORGET, sid), 0.5)
        return ok

    def drain(self, timeout: float) -> bool:
        """Wait until everything written so far has reached the terminal and the runs."""
        return self._call(lambda token: wire.pack(wire.DRAIN, token), timeout)

    def bye(self) -> None:
        """Stop recording; the helper forwards what is left to the terminal and exits."""
        self._bye = True
        self._send(wire.pack(wire.BYE), 1.0)
        with self._send_lock:
            if self._ctl_w >= 0:
                self._ctl.close()
                self._ctl_w = -1

    def after_fork_in_child(self) -> None:
        """A forked child must not talk to its parent's helper, nor keep its pipes open."""
        self._ctl.close()
        if self._out_r >= 0:
            try:
                os.close(self._out_r)
            except OSError:
                pass
        self._ctl_w = self._out_r = -1

    def _call(self, make: Callable[[int], bytes], timeout: float) -> bool:
        if self.helper_pid is None and self._out_r >= 0:
            # Still starting (an interpreter start-up, longer on a busy machine): the
            # answer must still come before the caller goes on, or output printed
            # meanwhile would be drained as if printed before the command. A
            # helper that fails to start ends the wait at once (see _receive).
            timeout += START_WAIT
        token = next(self._tokens)
        event = threading.Event()
        self._events[token] = event
        deadline = time.monotonic() + timeout
        if not self._send(make(token), timeout):
            self._events.pop(token, None)
            return False
        return event.wait(max(0.0, deadline - time.monotonic()))

    def _send(self, msg: bytes, timeout: float | None) -> bool:
        """Send one packed message; False when the helper is gone or ``timeout`` passed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._send_lock.acquire(timeout=-1 if timeout is None else timeout):
            return False
        try:
            if self._ctl_w < 0:
                return False
            return wire.write_all(self._ctl_w, msg, deadline, self._send_nosignal)
        except OSError:  # the helper is gone
            return False
        finally:
            self._send_lock.release()

    def _send_nosignal(self, view: memoryview) -> int:
        return self._ctl.send(view, socket.MSG_NOSIGNAL)

    def _main(self, proc: subprocess.Popen[bytes] | None) -> None:
        if proc is not None:
            proc.wait()  # the first fork exits at once; the helper lives on
        self._receive()

    # -- lines in --------------------------------------------------------------------

    def _receive(self) -> None:
        reader = wire.Reader()
        try:
            while True:
                data = os.read(self._out_r, 1 << 16)
                if not data:
                    break
                for msg in reader.feed(data):
                    if msg[0] == wire.LINES:
                        self._deliver(msg[1], msg[2], msg[3])
                    elif msg[0] == wire.HELLO:
                        self.helper_pid = msg[1]
                    elif msg[0] == wire.SYNCED:
                        event = self._events.pop(msg[1], None)
                        if event is not None:
                            event.set()
        except Exception as e:  # never die silently: the helper would wait for acks forever
            log.debug("runbase: console lines could not be read: %s", e)
        finally:
            if self._out_r >= 0:
                os.close(self._out_r)
                self._out_r = -1
            for event in list(self._events.values()):
                event.set()
        if not self._bye and self.on_lost is not None:
            log.debug("runbase: the console helper is gone; console capture stops")
            self.on_lost()

    def _deliver(self, seq: int, sids: list[int], rows: list[Any]) -> None:
        hints: dict[int, int] = {}
        for sid in sids:
            link = self.links.get(sid)
            if link is not None and link.emit(Kind.OUTPUT, rows):
                end = link.segment()[1]
                if end:
                    hints[sid] = end
        self._send(wire.pack(wire.ACK, seq, hints), None)


# A segment lock between taking it and handing it to the helper (a millisecond).
_IN_HAND: set[int] = set()


def _in_hand(fd: int | None) -> int | None:
    if fd is not None:
        _IN_HAND.add(fd)
    return fd


def _drop_in_hand() -> None:
    # A child forked by another thread meanwhile would keep the run's file
    # live for as long as it lives.
    while _IN_HAND:
        try:
            os.close(_IN_HAND.pop())
        except OSError:
            pass


os.register_at_fork(after_in_child=_drop_in_hand)
