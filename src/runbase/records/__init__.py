"""The run record file: the contract between the SDK (writer) and every reader.

See docs/records.md for the byte layout and the meaning of each record kind.
"""

from runbase.records.framing import FILE_MAGIC, Frame, FrameProblem
from runbase.records.kinds import Kind
from runbase.records.reader import SegmentRead, read_segment
from runbase.records.writer import SegmentWriter, StorageError

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
