"""The server's handle on the local store, kept fresh as runs write records.

Reads call :meth:`StoreHolder.fresh`, which indexes new records at most once per
``min_interval`` seconds: a run being logged right now shows up within that
delay, and a burst of requests (a workspace opening twenty chart panels) pays
for one sync, not twenty. A lock keeps two request threads from syncing at once.
A store that cannot be written is served read-only (``status()`` says why).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from runbase.store import Store, open_store


class StoreHolder:
    """One store per app; request handlers share it."""

    def __init__(
        self, url_or_path: str | None, min_interval: float = 1.0, root: str | None = None
    ) -> None:
        self.store: Store = open_store(url_or_path, root=root)
        self.min_interval = min_interval
        self._lock = threading.Lock()
        self._last_sync = 0.0

    def fresh(self) -> Store:
        """The store, synced if the last sync is older than ``min_interval``."""
        if time.monotonic() - self._last_sync >= self.min_interval:
            with self._lock:
                # Another thread may have synced while this one waited for the lock.
                if time.monotonic() - self._last_sync >= self.min_interval:
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
