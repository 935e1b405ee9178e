"""A small LRU cache: downsampled series (keyed by the run's history version) and
run group counts.

A workspace polls every few seconds and asks again for the same lines; a
finished run's series never changes, and a live run's key changes with each
new history row. So a repeat is a dictionary lookup instead of reading and
reducing up to millions of points.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class LruCache:
    """Thread-safe LRU of computed answers: at most ``max_entries``, and at most
    ``max_weight`` in all when given (each answer weighs what ``put`` says)."""

    def __init__(self, max_entries: int = 512, max_weight: int | None = None) -> None:
        self.max_entries = max_entries
        self.max_weight = max_weight
        self._data: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._weights: dict[tuple[Any, ...], int] = {}
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
            return hit

    def put(self, key: tuple[Any, ...], value: dict[str, Any], weight: int = 1) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            self._weight += weight - self._weights.get(key, 0)
            self._weights[key] = weight
            limit = self.max_weight
            while len(self._data) > self.max_entries or (
                limit is not None and self._weight > limit and len(self._data) > 1
            ):
                old, _ = self._data.popitem(last=False)
                self._weight -= self._weights.pop(old)
