"""The run record file: the contract between the SDK (writer) and every reader.

See docs/records.md for the byte layout and the meaning of each record kind.

The names load on first use: a reader that only needs ``records.layout`` (where
things live, as ``runbase.Api()`` does) pays for neither the codec nor the writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runbase.records.kinds import Kind

if TYPE_CHECKING:
    from runbase.records.framing import FILE_MAGIC, Frame, FrameProblem
    from runbase.records.reader import SegmentRead, read_segment
    from runbase.records.writer import SegmentWriter, StorageError

_LAZY = {
    "FILE_MAGIC": "runbase.records.framing",
    "Frame": "runbase.records.framing",
    "FrameProblem": "runbase.records.framing",
    "SegmentRead": "runbase.records.reader",
    "read_segment": "runbase.records.reader",
    "SegmentWriter": "runbase.records.writer",
    "StorageError": "runbase.records.writer",
}


def __getattr__(name: str) -> Any:
    import importlib

    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'runbase.records' has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


__all__ = [
    "FILE_MAGIC",
    "Frame",
    "FrameProblem",
    "Kind",
    "SegmentRead",
    "SegmentWriter",
    "StorageError",
    "read_segment",
]
