"""The server's handle on the local store, kept fresh as runs write records.

Reads call :meth:`StoreHolder.fresh`, which indexes new records at most once per
``min_interval`` seconds: a run being logged right now shows up within that
delay, and a burst of requests (a workspace opening twenty chart panels) pays
for one sync, not twenty. A lock keeps two request threads from syncing at once.
A store that cannot be written is served read-only (``status()`` says why).

A busy server syncs in a thread of its own instead (``keep_fresh``): a read that
found a sync due paid for it (a few round trips, tens of milliseconds on a loaded
machine), which made one read a second in ten slow.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from runbase.store import Store, open_store

log = logging.getLogger("runbase.server")
# With ``keep_fresh``, requests sync only when the thread fell this many intervals behind.
_BEHIND = 3


class StoreHolder:
    """One store per app; request handlers share it."""

    def __init__(
        self, url_or_path: str | None, min_interval: float = 1.0, root: str | None = None
    ) -> None:
        self.store: Store = open_store(url_or_path, root=root)
        self.min_interval = min_interval
        self._lock = threading.Lock()
        self._last_sync = 0.0
        self._keeper: threading.Thread | None = None
        self._stop = threading.Event()

    def due(self) -> bool:
        """Whether the next ``fresh`` syncs."""
        age = time.monotonic() - self._last_sync
        if self._keeper is not None and self._keeper.is_alive():
            return age >= _BEHIND * self.min_interval  # the thread is late: stuck, or slow
        return age >= self.min_interval

    def keep_fresh(self) -> None:
        """Sync every ``min_interval`` in a thread of this holder, until ``stop``."""
        self._stop.clear()
        self._keeper = threading.Thread(target=self._keep, name="runbase-sync", daemon=True)
        self._keeper.start()

    def stop(self) -> None:
        self._stop.set()
        if self._keeper is not None:
            self._keeper.join(timeout=10)
            self._keeper = None

    def _keep(self) -> None:
        while True:
            try:
                self.force_sync()
            except Exception as e:  # a database away for a moment: try again next time
                log.warning("runbase: syncing the store: %s: %s", type(e).__name__, e)
            if self._stop.wait(self.min_interval):
                return

    def fresh(self) -> Store:
        """The store, synced if the last sync is older than ``min_interval``."""
        if self.due():
            with self._lock:
                # Another thread may have synced while this one waited for the lock.
                if self.due():
                    self.store.sync()
                    self._last_sync = time.monotonic()
        return self.store

    def status(self) -> dict[str, Any]:
        """Where the store is and whether it can index new records (and why not)."""
        store = self.fresh()
        return {
            "store": store.where,
            "root": str(store.root),
            "read_only": store.read_only,
            "read_only_reason": store.read_only_reason,
        }

    def force_sync(self) -> Store:
        """Sync now (after a write made through the store, so the next read sees it)."""
        with self._lock:
            self.store.sync()
            self._last_sync = time.monotonic()
        return self.store
