"""Identifying a writer process, so readers can tell a live run from a crashed one.

A pid alone is not enough (pids are reused); the pair (pid, start time in clock
ticks since boot, field 22 of ``/proc/<pid>/stat``) names one process.

One more process may append to a segment after its writer died: the console
helper (``sdk/environment/teeproc.py``) writes the dead writer's last console
lines into it. While it may, it holds the segment's lock (``hold_segment``),
and readers that pass the segment to ``writer_alive`` see it live.

The console helper imports this module: only the standard library, nothing slow.
"""

from __future__ import annotations

import fcntl
import os
import time

# A writer on another host counts as alive while its last record is this recent.
REMOTE_LIVE_SECONDS = 60.0
# How often ``hold_segment`` tries, a millisecond apart, while a reader's probe has the lock.
_HOLD_TRIES = 20


def process_start_ticks(pid: int) -> int | None:
    """Start time of ``pid`` in clock ticks since boot, or None if it does not exist."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    fields = raw[raw.rfind(b")") + 2 :].split()
    try:
        return int(fields[19])  # field 22 overall
    except (IndexError, ValueError):
        return None


def process_alive(pid: int, start_ticks: int | None) -> bool:
    """True when the process that wrote a run is still running on this host."""
    now = process_start_ticks(pid)
    if now is None:
        return False
    return start_ticks is None or now == start_ticks


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return False  # no procfs: trust process_start_ticks
    end = raw.rfind(b")")
    return raw[end + 2 : end + 3] in (b"Z", b"X")


def writer_alive(
    host: str | None,
    pid: int | None,
    pid_start: int | None,
    last_time: float | None,
    here: str | None = None,
    segment: str | os.PathLike[str] | None = None,
) -> bool:
    """Is the process that wrote a START (``host``, ``pid``, ``pid_start``) still writing?

    The one answer the SDK (may this run be resumed?) and the store (running or
    crashed?) both use. On this host (``here``, default this machine's name): the
    process runs and is not a zombie: a killed process whose parent has not
    reaped it keeps its /proc entry but will never write again. On another host,
    where its pid means nothing: its last record (``last_time``) is recent.

    ``segment``, the file that START is in: on this host, it also counts as
    written while anyone holds its lock (``hold_segment``), so the store closes
    a crashed run's file only after the console helper's last append. Resuming
    leaves it out: a resumed run writes a new segment, the helper the old one.
    """
    if host is not None and host != (here if here is not None else host_name()):
        return last_time is not None and time.time() - last_time < REMOTE_LIVE_SECONDS
    if pid is not None and process_alive(pid, pid_start) and not _zombie(pid):
        return True
    return segment is not None and segment_held(segment)


def hold_segment(path: str) -> int | None:
    """Lock the segment at ``path`` for appending after its writer died; None if impossible.

    While the returned fd is open, ``segment_held(path)`` is True. The lock is
    the open file's (``flock``), not the process's: it lasts while any process
    has this fd, so passed to another process it goes on with it. The holder
    takes it exclusively and readers probe with a shared one, so probes never
    block each other and always see a holder.
    """
    try:
        fd = os.open(path, os.O_RDWR)  # write access: flock over NFS needs it
    except OSError:
        return None
    for _ in range(_HOLD_TRIES):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            time.sleep(0.001)  # a reader's probe, which lets go at once
        except OSError:
            break
    os.close(fd)
    return None


def segment_held(path: str | os.PathLike[str]) -> bool:
    """True while some process holds the lock ``hold_segment`` takes on ``path``."""
    try:
        # O_NONBLOCK: a FIFO put where a segment was must not hang the reader.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # also ends this probe's own lock
    return False


def host_name() -> str:
    """This machine's host name, as written into START records."""
    import socket  # here: the console helper imports this module and never needs it

    return socket.gethostname()


def segment_state(
    exit_code: int | None,
    closed: bool,
    host: str | None,
    pid: int | None,
    pid_start: int | None,
    last_time: float | None,
    here: str,
    stopped: str | None = None,
) -> tuple[str, int | None]:
    """(state, exit code) of a run from its latest started segment (docs/records.md):
    EXIT decides (killed when it says the run was ``stopped`` on request, whatever the
    process's exit code); else a local segment not yet closed by its reader is running
    (so a run turns crashed together with its last records), else the writer's liveness."""
    if exit_code is not None:
        if stopped is not None:
            return "killed", exit_code
        return ("finished" if exit_code == 0 else "failed"), exit_code
    if not closed and (host is None or host == here):
        return "running", None
    alive = writer_alive(host, pid, pid_start, last_time, here)
    return ("running" if alive else "crashed"), None
