"""Reading record files from a byte offset, tolerating torn and corrupt frames."""

from __future__ import annotations

import os
import re
import zlib
from dataclasses import dataclass, field

import msgspec

from runbase.records.framing import (
    FILE_MAGIC,
    HEADER,
    HEADER_SIZE,
    MAX_FRAME,
    Frame,
    FrameProblem,
    decode_record,
)


@dataclass(slots=True)
class SegmentRead:
    """What one pass over a segment produced.

    ``next_offset`` is where the next pass should start. ``pending`` is true when
    the pass stopped at bytes that may still be in the middle of being written
    (an incomplete frame at the tail): a reader of a live run retries later from
    ``next_offset``; a reader of a dead run calls again with ``final=True`` so the
    tail is reported and skipped.
    """

    frames: list[Frame] = field(default_factory=list)
    next_offset: int = 0
    pending: bool = False
    problems: list[FrameProblem] = field(default_factory=list)


def _frame_ok(buf: bytes, pos: int) -> bool:
    if pos + HEADER_SIZE > len(buf):
        return False
    n, crc = HEADER.unpack_from(buf, pos)
    if n == 0 or n > MAX_FRAME or pos + HEADER_SIZE + n > len(buf):
        return False
    return zlib.crc32(memoryview(buf)[pos + HEADER_SIZE : pos + HEADER_SIZE + n]) == crc


_NONZERO = re.compile(rb"[^\x00]")


def _resync(buf: bytes, start: int) -> int | None:
    """First offset after ``start`` where a valid frame begins, if any."""
    pos = start + 1
    end = len(buf) - HEADER_SIZE
    while pos <= end:
        if buf[pos] == 0 and buf[pos + 1] == 0 and buf[pos + 2] == 0 and buf[pos + 3] == 0:
            # A frame length is never zero: jump over zero runs (preallocated space).
            m = _NONZERO.search(buf, pos)
            if m is None:
                return None
            pos = max(pos + 1, m.start() - 3)
            continue
        if _frame_ok(buf, pos):
            return pos
        pos += 1
    return None


def read_segment(path: str | os.PathLike[str], offset: int = 0, final: bool = False) -> SegmentRead:
    """Read every complete frame of ``path`` from ``offset``.

    ``final`` says the writer is gone: a torn or zero-padded tail is then reported
    as a problem and skipped instead of being left for a later pass.
    """
    out = SegmentRead(next_offset=offset)
    try:
        with open(path, "rb") as f:
            if offset == 0:
                magic = f.read(len(FILE_MAGIC))
                if len(magic) < len(FILE_MAGIC):
                    out.pending = not final
                    return out
                if magic != FILE_MAGIC:
                    out.problems.append(FrameProblem(0, len(magic), "not a runbase record file"))
                    return out
                offset = len(FILE_MAGIC)
            else:
                f.seek(offset)
            buf = f.read()
    except FileNotFoundError:
        out.problems.append(FrameProblem(offset, 0, "segment file is missing"))
        return out
    pos = 0
    size = len(buf)
    frames = out.frames
    while pos + HEADER_SIZE <= size:
        n, crc = HEADER.unpack_from(buf, pos)
        if n == 0 and crc == 0:
            # Preallocated space: the writer has not got here (yet).
            if buf.count(0, pos) == size - pos:
                break
            bad = _skip_bad(buf, pos, offset, "zero header followed by data", out)
            if bad is None:
                break
            pos = bad
            continue
        start = pos + HEADER_SIZE
        if n > MAX_FRAME:
            nxt = _skip_bad(buf, pos, offset, f"frame length {n} is impossible", out)
            if nxt is None:
                break
            pos = nxt
            continue
        if start + n > size:
            break  # incomplete tail
        body = memoryview(buf)[start : start + n]
        if zlib.crc32(body) != crc:
            if not final and _resync(buf, pos) is None:
                break  # maybe a frame being written right now; look again later
            nxt = _skip_bad(buf, pos, offset, "checksum mismatch", out)
            if nxt is None:
                break
            pos = nxt
            continue
        try:
            kind, t, payload = decode_record(body)
        except (msgspec.DecodeError, ValueError, TypeError):
            nxt = _skip_bad(buf, pos, offset, "undecodable record", out)
            if nxt is None:
                break
            pos = nxt
            continue
        frames.append(Frame(offset + pos, offset + start + n, kind, t, payload))
        pos = start + n
    if pos < size:
        tail_is_zero = buf.count(0, pos) == size - pos
        if final:
            if not tail_is_zero:
                out.problems.append(FrameProblem(offset + pos, size - pos, "torn tail skipped"))
            pos = size
        else:
            out.pending = not tail_is_zero or pos + HEADER_SIZE > size
    out.next_offset = offset + pos
    return out


def _skip_bad(buf: bytes, pos: int, base: int, reason: str, out: SegmentRead) -> int | None:
    nxt = _resync(buf, pos)
    length = (nxt if nxt is not None else len(buf)) - pos
    if nxt is not None:
        out.problems.append(FrameProblem(base + pos, length, reason))
    return nxt
