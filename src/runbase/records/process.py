"""Identifying a writer process, so readers can tell a live run from a crashed one.

A pid alone is not enough (pids are reused); the pair (pid, start time in clock
ticks since boot, field 22 of ``/proc/<pid>/stat``) names one process.
"""

from __future__ import annotations

import socket
import time

# A writer on another host counts as alive while its last record is this recent.
REMOTE_LIVE_SECONDS = 60.0


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
) -> bool:
    """Is the process that wrote a START (``host``, ``pid``, ``pid_start``) still writing?

    The one answer the SDK (may this run be resumed?) and the store (running or
    crashed?) both use. On this host (``here``, default this machine's name): the
    process runs and is not a zombie: a killed process whose parent has not
    reaped it keeps its /proc entry but will never write again. On another host,
    where its pid means nothing: its last record (``last_time``) is recent.
    """
    if host is not None and host != (here if here is not None else host_name()):
        return last_time is not None and time.time() - last_time < REMOTE_LIVE_SECONDS
    if pid is None or not process_alive(pid, pid_start):
        return False
    return not _zombie(pid)


def host_name() -> str:
    """This machine's host name, as written into START records."""
    return socket.gethostname()
