"""The web app's Stop button, seen from the training process.

One background thread per process looks for each active run's stop request
(``records/stop_request.py``: a file the server writes in the run's folder) every
``RUNBASE_STOP_POLL_S`` seconds (default 1). ``log()`` never looks: it stays a
memory copy. When a request arrives the run is marked stopped (it will end
killed, the reason in its metadata as ``stop_reason``), a message says so, and the
main thread gets a ``KeyboardInterrupt`` (``_thread.interrupt_main``), as W&B does,
so the script stops as after Ctrl-C and the exit hooks finish the run.
"""

from __future__ import annotations

import _thread
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from runbase.records.layout import stop_request_path
from runbase.records.stop_request import read_request
from runbase.sdk import threads

if TYPE_CHECKING:
    from runbase.sdk.run import Run


class _Watched:
    def __init__(self, path: Path, since: float) -> None:
        self.path = path
        self.since = since  # requests older than this session are for an earlier one


_lock = threading.Lock()
_watched: dict[Run, _Watched] = {}
_thread_ref: list[threading.Thread] = []


def poll_interval() -> float:
    try:
        return max(0.05, float(os.environ.get("RUNBASE_STOP_POLL_S", "1")))
    except ValueError:
        return 1.0


def watch(run: Run) -> None:
    """Start looking for stop requests to ``run`` (made from now on)."""
    path = stop_request_path(run._root, run._entity, run._project, run._id)
    with _lock:
        _watched[run] = _Watched(path, time.time())
        if _thread_ref and _thread_ref[0].is_alive():
            return
        t = threading.Thread(target=_loop, name="runbase-stop-watch", daemon=True)
        _thread_ref[:] = [t]
        threads.start(t)


def unwatch(run: Run) -> None:
    with _lock:
        _watched.pop(run, None)


def _loop() -> None:
    interval = poll_interval()
    while True:
        time.sleep(interval)
        with _lock:
            items = list(_watched.items())
            if not items:
                _thread_ref.clear()  # the next watch() starts a new thread
                return
        for run, w in items:
            req = read_request(w.path)
            if req is not None and req.requested_at >= w.since:
                unwatch(run)
                _stop(run, req.reason)


def _stop(run: Run, reason: str) -> None:
    from runbase.sdk import process

    if not process.mark_stopped(run, reason, metadata_key="stop_reason"):
        return  # finished meanwhile
    signum = _interrupting_signal()
    how = "KeyboardInterrupt" if signum == signal.SIGINT else "SIGTERM"
    if signum is None:
        how = "it cannot be interrupted: SIGINT and SIGTERM are not Python's to handle here"
    print(
        f"runbase: run {run.name} ({run.id}) was {reason}: interrupting the script "
        f"({how}); the run ends as killed",
        file=sys.stderr,
        flush=True,
    )
    if signum is not None:
        _thread.interrupt_main(signum)


def _interrupting_signal() -> signal.Signals | None:
    """SIGINT (a KeyboardInterrupt, as W&B does) when Python handles it.

    A script started in the background (``nohup python train.py &``) inherits SIGINT
    ignored, and ``interrupt_main`` then does nothing: SIGTERM's handler
    (``process.py``: the runs end, then the process) stops it instead.
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        if callable(signal.getsignal(signum)):
            return signum
    return None


def _after_fork_in_child() -> None:
    # The child inherits neither the thread nor the parent's runs (process.py orphans them).
    global _lock
    _lock = threading.Lock()
    _watched.clear()
    _thread_ref.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)
