"""The store: an index of the run record files in SQLite or PostgreSQL.

``open_store()`` opens (and migrates) it, ``Store.sync()`` indexes new records,
and ``runbase.store.queries`` reads it.

Names load on first use: ``runbase.Api()`` and the typed results in
``runbase.store.queries.results`` must not pay for SQLAlchemy, NumPy and the
indexer before the first query needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runbase.store.store import Store, open_store

__all__ = ["Store", "open_store"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from runbase.store import store

        return getattr(store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
