"""The one handle background threads hold on a run.

Threads (system sampler, console flusher, metadata probes, file watcher) may
still be finishing work when the run detaches; ``RunLink.emit`` refuses once the
link is closed, so nothing lands in the run's file after its EXIT record.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

log = logging.getLogger(__name__)


def setting(run: Any, name: str, default: Any) -> Any:
    """A run setting, or ``default`` when the Settings object lacks it."""
    value = getattr(getattr(run, "settings", None), name, default)
    return default if value is None and default is not None else value


class RunLink:
    """A run as seen from a background thread: its id, its folder, a guarded emit."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self.run_id = str(getattr(run, "id", "?"))
        self.dir = str(run.dir)
        self._lock = threading.Lock()
        self.closed = False

    def emit(self, kind: int, payload: Any) -> bool:
        """Append one record; False (logged at debug) when closed or the write failed."""
        with self._lock:
            if self.closed:
                return False
            try:
                self.run._emit(kind, payload)
                return True
            except Exception as e:  # StorageError above all; a thread must never die of it
                log.debug("runbase: run %s: could not write a %s record: %s", self.run_id, kind, e)
                return False

    def segment(self) -> tuple[str | None, int]:
        """The run's record file and the offset its data ends at; (None, 0) when unknown.

        For the console helper, which appends to the file if this process is
        killed (see teeproc.py); it reads the run's sink (sdk/sink.py), never
        changes it. A sink without a local file gives (None, 0).
        """
        sink = getattr(self.run, "_sink", None)
        path = getattr(sink, "path", None)
        if not isinstance(path, str):
            return None, 0
        return os.path.abspath(path), int(getattr(sink, "size", 0) or 0)

    def close(self) -> None:
        """No record is written through this link after this returns."""
        with self._lock:
            self.closed = True
