"""Appending frames to shared streams that several processes write (journal, edits).

Each append is one ``write`` on an ``O_APPEND`` descriptor under an exclusive
``flock``, so frames from different processes never interleave.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from typing import Any

from runbase.records.framing import FILE_MAGIC, encode_frame
from runbase.records.kinds import Kind
from runbase.records.layout import edits_path, journal_path


def append_records(path: Path, records: list[tuple[int, Any]]) -> None:
    """Append ``(kind, payload)`` records, stamped with the current time."""
    now = time.time()
    data = b"".join(encode_frame([kind, now, payload]) for kind, payload in records)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            start = os.fstat(fd).st_size
            _write_whole(fd, FILE_MAGIC + data if start == 0 else data, start)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _write_whole(fd: int, data: bytes, start: int) -> None:
    """Write all of ``data`` or none of it: a full disk can cut a write short, and a
    frame cut short would read as damage, so what was written is taken back."""
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError:
        os.ftruncate(fd, start)
        raise


def append_edits(
    root: Path, entity: str, project: str, run_id: str, records: list[tuple[int, Any]]
) -> None:
    """Append edit records to a run's ``edits.rbr`` and announce them in the journal.

    The journal entry is how readers in other processes learn that this run has
    edits to index, without looking at every run's edits file.
    """
    append_records(edits_path(root, entity, project, run_id), records)
    announce = {"entity": entity, "project": project, "run_id": run_id, "edits": True}
    append_records(journal_path(root), [(Kind.JOURNAL, announce)])
