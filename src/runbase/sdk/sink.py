"""Where a run's records go: the one seam between ``Run`` and storage.

``Run`` encodes each record (msgpack ``[kind, time, payload]``) and hands the
bytes to its sink; it never learns what the sink is. ``init()`` chooses the sink.
Today there is one: the run's segment file. ``records.SegmentWriter`` already has
exactly this surface, so it is the sink as it is, with no wrapper: ``Run`` binds
``sink.append`` once, and ``log()`` calls the writer's own method with no extra
Python frame in between. A sink that also ships records to a server wraps a
``SegmentWriter`` and keeps the same surface.
"""

from __future__ import annotations

from typing import Protocol


class RecordSink(Protocol):
    """Takes a run's encoded records, in order, from any thread.

    ``append`` raises ``records.StorageError`` when a record cannot be stored now
    (a full disk): the run then holds it and later ones in its backlog and retries,
    oldest first (sdk/backlog.py). Any other exception is a bug or an oversized
    record, and reaches the caller.
    """

    @property
    def closed(self) -> bool:
        """True once closed or abandoned: nothing more is written."""
        ...

    @property
    def path(self) -> str | None:
        """The local segment file the records land in, or None when there is none.

        The console helper appends the lines this process did not record to it
        after a SIGKILL (sdk/environment/teeproc.py), so a sink that keeps a local
        file says which.
        """
        ...

    @property
    def size(self) -> int:
        """The offset in ``path`` where the data written so far ends (0 without a file)."""
        ...

    def append(self, body: bytes) -> None:
        """Store one encoded record after the ones before it."""
        ...

    def close(self) -> None:
        """Make what was appended durable and release the sink. Idempotent."""
        ...

    def abandon(self) -> None:
        """Stop writing without touching what is there (a forked child's copy of the run)."""
        ...
