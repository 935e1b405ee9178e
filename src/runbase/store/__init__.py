"""The store: an index of the run record files in SQLite or PostgreSQL.

``open_store()`` opens (and migrates) it, ``Store.sync()`` indexes new records,
and ``runbase.store.queries`` reads it.
"""

from runbase.store.store import Store, open_store

__all__ = ["Store", "open_store"]
