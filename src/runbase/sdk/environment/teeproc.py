"""The console helper: a small process that owns the pipes stdout and stderr were pointed at.

Why a process and not a thread of the training process: bytes a program has
written into a pipe belong to whoever holds the read end. When the training
process is SIGKILLed, a reader thread dies with it and takes along what it had
read, what was still in the pipe, and the lines it was still holding (a
progress bar's line stays open until it can no longer change). A separate
process outlives the kill, so it:

* copies every byte to the original stdout/stderr the moment it reads it,
  without waiting for the training process (whose threads may be stuck behind
  the GIL for seconds),
* turns the bytes into lines (``terminal.Screen``) and sends finished lines to
  the training process, which appends them to its runs' files as OUTPUT records
  and acknowledges them,
* keeps every line until it is acknowledged, and when the training process
  dies without saying goodbye, appends what is unacknowledged, what is still in
  the pipes and the unfinished lines to each run's file itself
  (``postmortem.py``), then keeps forwarding output of surviving child
  processes to the terminal.

Readers must not settle a dead writer's file before that append: for as long
as it may append to a run's segment, this process holds the segment's lock
(``runbase.records.process.hold_segment``), which readers see as a live
writer. The first run's lock is taken by the training process and handed over
at start-up (``teeclient``), so it is held from before the first line; a later
run's is taken when it joins, before ``join`` returns. They are let go once the
run leaves, at goodbye, or after the append. Only this process ever holds
them: a fork of the training process has none to keep.

Where no helper process can be started, ``teeclient`` runs the same loop on a
thread; it then has no death duty. Messages: ``wire.py``.
"""

from __future__ import annotations

import codecs
import os
import select
import signal
import time
from operator import itemgetter

from runbase.sdk.environment import wire
from runbase.sdk.environment.terminal import Screen

# This is the helper's start-up path: no typing import at run time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# A row above the cursor untouched this long is finished (see terminal.Screen).
QUIET = 0.5
READ_SIZE = 1 << 16
# Lines waiting for the training process to take them, at most (bytes): past
# it, new lines are dropped from the run (the terminal still gets them).
MAX_WAITING = 64 << 20
# A command's drain stops reading after this long (a child may never stop printing).
DRAIN_LIMIT = 0.5
# When to load what writing into a dead writer's file needs (see ``run``).
ARM_AFTER = 2.0
_IN = select.POLLIN | select.POLLHUP | select.POLLERR
_by_time = itemgetter(0)


class Channel:
    """One captured stream: the read end, and where its bytes go first (None: nowhere)."""

    __slots__ = ("fd", "stream", "tee", "pty", "decoder")

    def __init__(self, fd: int, stream: str, tee: int | None, pty: bool) -> None:
        self.fd = fd
        self.stream = stream
        self.tee = tee
        self.pty = pty
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")


class Tee:
    """The helper's loop. Not thread-safe: one thread runs it."""

    def __init__(
        self,
        channels: list[Channel],
        ctl: int,
        out: int,
        watch: int | None = None,
        parent: tuple[int, int | None] | None = None,
        locks: dict[str, int] | None = None,
    ) -> None:
        self.channels = {c.fd: c for c in channels}
        self._tees = [c.tee for c in channels if c.tee is not None]
        self.ctl: int | None = ctl
        self.out: int | None = out
        self.watch = watch  # a pidfd of the training process: readable once it is gone
        self.parent: Any = parent  # (pid, start ticks): None when running on its thread
        self.screens = {"stdout": Screen(), "stderr": Screen()}
        self.capturing = True
        self.done = False  # said goodbye, or the training process is gone
        self.members: list[int] = []  # the runs that get what is printed now
        self.files: dict[int, list[Any]] = {}  # sid -> [segment path, its last known end]
        self.locks = locks or {}  # segment path -> the fd holding its lock (see the top)
        self.seq = 0
        self.unacked: dict[int, tuple[list[int], list[Any], int]] = {}
        self.waiting = 0
        self.dropped = 0
        self.lines: list[list[Any]] = []
        self.outbox = bytearray()
        self.reader = wire.Reader()
        self.poll = select.poll()
        self._out_polled = False
        self._out_polled_fd = -1
        self._arm_at = time.monotonic() + ARM_AFTER if parent is not None else 0.0
        self._orphaned = False  # the control socket closed without a goodbye
        for fd in [*self.channels, ctl, out]:
            os.set_blocking(fd, False)
        for fd in [*self.channels, ctl] + ([watch] if watch is not None else []):
            self.poll.register(fd, _IN)

    # -- the loop -------------------------------------------------------------

    def run(self) -> None:
        self.outbox += wire.pack(wire.HELLO, os.getpid())
        try:
            while self._running():
                self._step()
                if self._arm_at and time.monotonic() >= self._arm_at:
                    # Needed only if the training process dies, and half of this
                    # process's start-up cost: loaded once a run lasts, so short
                    # sessions never pay for it and a death finds it ready.
                    from runbase.sdk.environment import postmortem  # noqa: F401

                    self._arm_at = 0.0
        finally:
            for fd in [*self.channels, self.ctl, self.out, self.watch, *self._tees]:
                if fd is not None:
                    _close(fd)
            self._unlock(set())

    def _running(self) -> bool:
        if self.channels:
            return True  # output to forward, even after the end of recording
        return not self.done and (self.ctl is not None or self._orphaned)

    def _step(self) -> None:
        self._flush_out()
        out = self.out
        want_out = out is not None and bool(self.outbox)
        if want_out != self._out_polled:
            if out is not None and want_out:
                self.poll.register(out, select.POLLOUT)
            else:
                self.poll.unregister(self._out_polled_fd)
            self._out_polled, self._out_polled_fd = want_out, -1 if out is None else out
        events = self.poll.poll(self._timeout())
        # Commands first: bytes that came with them were written after them, or
        # (a run's first Join) belong to the run they name.
        events.sort(key=lambda e: e[0] != self.ctl)
        for fd, _ in events:
            if fd == self.out:
                self._flush_out()
            elif fd == self.ctl:
                if self.ctl is not None:
                    self._read_ctl()
            elif fd == self.watch:
                self._unwatch()
                self._parent_died()
            elif fd in self.channels:
                self._pump(self.channels[fd])
        if self._orphaned and self.watch is None and not self.done and _gone(*self.parent):
            self._parent_died()
        self._idle(QUIET)
        self._send_lines()

    def _timeout(self) -> int | None:
        waits = []
        if self._orphaned and self.watch is None and not self.done:
            waits.append(0.05)  # no pidfd: look for the training process's end
        if self._arm_at:
            waits.append(self._arm_at - time.monotonic())
        if self.capturing:
            now = time.time()
            waits += [t - now for t in (s.idle_at(QUIET) for s in self.screens.values()) if t]
        return max(0, int(min(waits) * 1000) + 1) if waits else None

    # -- bytes in, lines out ----------------------------------------------------

    def _pump(self, ch: Channel) -> bool:
        """Read once from ``ch``; True when bytes came."""
        try:
            data = os.read(ch.fd, READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:  # EIO: a pty whose every writer has gone
            data = b""
        if not data:
            self._close_channel(ch)
            return False
        if ch.tee is not None:
            try:
                wire.write_all(ch.tee, data)  # the terminal first, unchanged
            except OSError:
                ch.tee = None  # a closed terminal (``| head``) must not stop the capture
        if self.capturing:
            self._feed(ch.stream, ch.decoder.decode(data))
        return True

    def _feed(self, stream: str, text: str) -> None:
        if text:
            rows = self.screens[stream].write(text, time.time())
            self.lines.extend([t, stream, line] for t, line in rows)

    def _close_channel(self, ch: Channel) -> None:
        if self.capturing:
            self._feed(ch.stream, ch.decoder.decode(b"", final=True))
        self.poll.unregister(ch.fd)
        del self.channels[ch.fd]
        _close(ch.fd)

    def _drain(self) -> None:
        """Read what the channels hold now (what was written before a command arrived)."""
        deadline = time.monotonic() + DRAIN_LIMIT
        # A pty hands bytes to its reader a moment after they are written.
        grace = any(ch.pty for ch in self.channels.values())
        while self.channels and time.monotonic() < deadline:
            got = False
            for ch in list(self.channels.values()):
                while ch.fd in self.channels and self._pump(ch):
                    got = True
            if not got:
                if not grace or not select.select(list(self.channels), [], [], 0.005)[0]:
                    return
                grace = False

    def _idle(self, quiet: float) -> None:
        if self.capturing:
            now = time.time()
            for stream, screen in self.screens.items():
                self.lines.extend([t, stream, line] for t, line in screen.idle(now, quiet))

    def _send_lines(self) -> None:
        if not self.lines:
            return
        rows, self.lines = self.lines, []
        if self.members and not self.done:
            rows.sort(key=_by_time)  # stdout and stderr interleave by time
            self._queue(list(self.members), rows)

    def _queue(self, sids: list[int], rows: list[Any]) -> None:
        if self.dropped and self.waiting < MAX_WAITING // 2:
            note = f"[runbase: {self.dropped} console lines were not recorded: the training"
            rows.insert(0, [time.time(), "stderr", note + " process did not take them in time]"])
            self.dropped = 0
        size = sum(len(row[2]) for row in rows) + 32 * len(rows)
        if self.waiting + size > MAX_WAITING:
            self.dropped += len(rows)
            return
        self.seq += 1
        self.unacked[self.seq] = (sids, rows, size)
        self.waiting += size
        if self.out is not None:
            self.outbox += wire.pack(wire.LINES, self.seq, sids, rows)

    def _flush_out(self) -> None:
        if self.out is None or not self.outbox:
            return
        try:
            n = os.write(self.out, self.outbox)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:  # the training process stopped reading: it is going away
            self._close_out()
            return
        del self.outbox[:n]

    def _close_out(self) -> None:
        if self.out is not None:
            if self._out_polled:
                self.poll.unregister(self.out)
                self._out_polled = False
            _close(self.out)
            self.out = None
        self.outbox.clear()

    # -- commands ---------------------------------------------------------------

    def _read_ctl(self) -> None:
        assert self.ctl is not None
        while self.ctl is not None:
            try:
                data = os.read(self.ctl, READ_SIZE)
            except (BlockingIOError, InterruptedError):
                return
            if not data:
                self.poll.unregister(self.ctl)
                _close(self.ctl)
                self.ctl = None
                if not self.done:
                    self._ctl_closed()
                return
            for msg in self.reader.feed(data):
                self._command(msg)

    def _command(self, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        if kind == wire.ACK:
            _, seq, hints = msg
            for done in [s for s in self.unacked if s <= seq]:
                self.waiting -= self.unacked.pop(done)[2]
            for sid, end in hints.items():
                if sid in self.files:
                    self.files[sid][1] = end
        elif kind == wire.JOIN:
            _, token, sid, path, end, drain = msg
            if drain:
                self._drain()
                self._idle(0.0)  # finished rows were printed before this run
                self._send_lines()
            if path:
                self.files[sid] = [path, end]
                self._lock(path)
            self.members.append(sid)
            self._synced(token)
        elif kind == wire.LEAVE:
            self._leave(msg[1], msg[2], msg[3])
        elif kind == wire.DRAIN:
            self._drain()
            self._send_lines()
            self._synced(msg[1])
        elif kind == wire.FORGET:
            self.files.pop(msg[1], None)
            if msg[1] in self.members:
                self.members.remove(msg[1])
            self._unlock({path for path, _ in self.files.values()})
        elif kind == wire.BYE:
            self._bye()

    def _leave(self, token: int, sid: int, last: bool) -> None:
        self._drain()
        self._send_lines()
        if self.capturing:
            rows = [
                [t, stream, line]
                for stream, screen in self.screens.items()
                for t, line in (screen.close() if last else screen.snapshot())
            ]
            if rows and not self.done:
                rows.sort(key=_by_time)
                self._queue([sid], rows)
        if sid in self.members:
            self.members.remove(sid)
        if last:
            self.capturing = False
        self._synced(token)

    def _lock(self, path: str) -> None:
        """Hold ``path``'s lock while this process may append to it (see the top)."""
        if self.parent is None or path in self.locks:
            return  # on a thread: it dies with the writer, and appends nothing then
        from runbase.records.process import hold_segment

        fd = hold_segment(path)
        if fd is not None:
            self.locks[path] = fd

    def _unlock(self, keep: set[str]) -> None:
        """Let go of the locks of every segment but ``keep``: nothing more is appended there."""
        for path in [p for p in self.locks if p not in keep]:
            _close(self.locks.pop(path))

    def _synced(self, token: int) -> None:
        if token and self.out is not None:
            self.outbox += wire.pack(wire.SYNCED, token)

    def _bye(self) -> None:
        """Normal end: hand over what is queued, then only forward bytes to the terminal."""
        self.done = True
        self.capturing = False
        self.members.clear()
        self.files.clear()
        self._unlock(set())
        if self.out is not None:
            try:
                wire.write_all(self.out, bytes(self.outbox), time.monotonic() + 2.0)
            except OSError:
                pass
            self._close_out()
        self._unwatch()

    # -- when the training process dies -------------------------------------

    def _ctl_closed(self) -> None:
        """The control socket closed without a goodbye: the training process is dying.

        Its file is written only once it is gone (its pidfd says so, or /proc),
        never while it might still write; a process that closed the socket and
        lives on is simply watched.
        """
        if self.parent is None:  # on a thread: the process ends with us
            self._bye()
        elif _gone(*self.parent):
            self._parent_died()
        else:
            self._orphaned = True

    def _parent_died(self) -> None:
        if self.done:
            return
        if self.ctl is not None:
            self._read_ctl()  # its last acknowledgements and commands
            if self.done:
                return
        self._drain()
        final = self.lines
        self.lines = []
        if self.capturing:
            for stream, screen in self.screens.items():
                final.extend([t, stream, line] for t, line in screen.close())
        final.sort(key=_by_time)
        waiting = [self.unacked[s] for s in sorted(self.unacked)]
        from runbase.sdk.environment import postmortem

        for sid, (path, hint) in self.files.items():
            batches = [rows for sids, rows, _ in waiting if sid in sids]
            try:
                postmortem.append_output(path, hint, batches, final if sid in self.members else [])
            except Exception:  # one unwritable run must not cost the others their lines
                pass
        self.unacked.clear()
        self._bye()

    def _unwatch(self) -> None:
        if self.watch is not None:
            self.poll.unregister(self.watch)
            _close(self.watch)
            self.watch = None


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _gone(pid: int, start: int | None) -> bool:
    """The training process has exited (a zombie counts: it will never write again)."""
    from runbase.records.process import writer_alive

    return not writer_alive(None, pid, start, None)


def main(cfg: dict[str, Any]) -> None:
    """Entry point of the helper process (started by ``teeclient``)."""
    # Ctrl-C, a hangup or a SIGTERM for the whole process group are for the
    # training program; this process ends on its own once the program is gone.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_IGN)
    pid, start = cfg["pid"], cfg["pid_start"]
    watch = None
    try:
        watch = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pass
    if watch is not None and _gone(pid, start):
        # Gone before we looked (the pid may name another process by now): the
        # control pipe's end tells the rest.
        _close(watch)
        watch = None
    channels = [Channel(fd, stream, tee, pty) for fd, stream, tee, pty in cfg["channels"]]
    locks = {path: fd for path, fd in cfg["locks"]}
    Tee(channels, cfg["ctl"], cfg["out"], watch, (pid, start), locks).run()
