"""Is the process that writes a segment still running on this host?"""

from __future__ import annotations

from runbase.records.process import process_alive

# A writer on another host counts as alive while its last record is this recent.
REMOTE_LIVE_SECONDS = 60.0


def writer_alive(pid: int | None, pid_start: int | None) -> bool:
    """True when ``pid`` runs with start time ``pid_start`` and is not a zombie.

    A killed process whose parent has not reaped it yet keeps its /proc entry
    (state Z); it will never write again, so it counts as gone.
    """
    if pid is None or not process_alive(pid, pid_start):
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return True  # no procfs: trust process_alive
    state = raw[raw.rfind(b")") + 2 : raw.rfind(b")") + 3]
    return state not in (b"Z", b"X")
