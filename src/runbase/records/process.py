"""Identifying a writer process, so readers can tell a live run from a crashed one.

A pid alone is not enough (pids are reused); the pair (pid, start time in clock
ticks since boot, field 22 of ``/proc/<pid>/stat``) names one process.
"""

from __future__ import annotations

import socket


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


def host_name() -> str:
    """This machine's host name, as written into START records."""
    return socket.gethostname()
