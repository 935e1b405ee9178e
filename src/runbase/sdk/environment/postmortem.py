"""The console helper's last write into the file of a run whose process died.

Only called once the training process is gone (see teeproc.py), so nothing else
writes the segment: the helper appends one OUTPUT frame where the valid frames
end, exactly where the writer would have put its next record. The file is
trimmed there first, as a closing writer trims it, which also drops the bytes of
a frame the writer was killed in the middle of.
"""

from __future__ import annotations

import os
import time
import zlib
from typing import Any

import msgspec

# Submodules, not the package: the helper stubs runbase.records (see teeclient.py).
from runbase.records.framing import HEADER
from runbase.records.kinds import Kind
from runbase.records.reader import read_segment

_encode = msgspec.msgpack.Encoder().encode


def append_output(path: str, hint: int, batches: list[list[Any]], final: list[list[Any]]) -> int:
    """Append the console lines the dead writer did not; returns how many were appended.

    ``batches`` were sent to the writer, which may have written some of them
    after ``hint`` (the file's end as it last reported it): those found there
    are left out. ``final`` never reached the writer. Nothing is written after
    an EXIT record: the run ended properly.
    """
    if not os.path.exists(path):
        return 0
    got = read_segment(path, hint, final=False)
    written = [f.payload for f in got.frames if f.kind == Kind.OUTPUT]
    if any(f.kind == Kind.EXIT for f in got.frames):
        return 0
    rows: list[Any] = []
    for batch in batches:
        if batch not in written:
            rows.extend(batch)
    rows.extend(final)
    if not rows:
        return 0
    body = _encode((int(Kind.OUTPUT), time.time(), rows))
    end = got.next_offset
    fd = os.open(path, os.O_RDWR)
    try:
        os.ftruncate(fd, end)
        os.pwrite(fd, HEADER.pack(len(body), zlib.crc32(body)) + body, end)
    finally:
        os.close(fd)
    return len(rows)
