"""Reading record files from a byte offset, tolerating torn and corrupt frames."""

from __future__ import annotations

import gc
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


_DECODE = msgspec.msgpack.Decoder().decode
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
    gc_was_on = gc.isenabled()
    # Decoded records are acyclic, and a million new dicts would trigger collection after
    # collection (two thirds of the decode time): pause the cyclic GC while parsing.
    gc.disable()
    try:
        pos = _parse(buf, offset, final, out)
    finally:
        if gc_was_on:
            gc.enable()
    size = len(buf)
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


def _parse(buf: bytes, offset: int, final: bool, out: SegmentRead) -> int:
    """Append every usable frame of ``buf`` to ``out``; return where parsing stopped."""
    pos = 0
    size = len(buf)
    view = memoryview(buf)
    # Locals for the hot loop: this runs once per record, a million times per second.
    unpack, crc32, decode, append = HEADER.unpack_from, zlib.crc32, _DECODE, out.frames.append
    while pos + HEADER_SIZE <= size:
        n, crc = unpack(buf, pos)
        start = pos + HEADER_SIZE
        end = start + n
        if 0 < n <= MAX_FRAME and end <= size:
            body = view[start:end]
            if crc32(body) == crc:
                try:
                    kind, t, payload = decode(body)
                except (msgspec.DecodeError, ValueError, TypeError):
                    nxt = _skip_bad(buf, pos, offset, "undecodable record", out)
                    if nxt is None:
                        break
                    pos = nxt
                    continue
                append(Frame(offset + pos, offset + end, kind, t, payload))
                pos = end
                continue
        # Slow path: anything but a complete, intact frame.
        if n == 0 and crc == 0:
            # Preallocated space: the writer has not got here (yet).
            if buf.count(0, pos) == size - pos:
                break
            nxt = _skip_bad(buf, pos, offset, "zero header followed by data", out)
        elif n > MAX_FRAME:
            nxt = _skip_bad(buf, pos, offset, f"frame length {n} is impossible", out)
        elif end > size:
            break  # incomplete tail
        elif not final and _resync(buf, pos) is None:
            break  # maybe a frame being written right now; look again later
        else:
            nxt = _skip_bad(buf, pos, offset, "checksum mismatch", out)
        if nxt is None:
            break
        pos = nxt
    return pos


def _skip_bad(buf: bytes, pos: int, base: int, reason: str, out: SegmentRead) -> int | None:
    nxt = _resync(buf, pos)
    length = (nxt if nxt is not None else len(buf)) - pos
    if nxt is not None:
        out.problems.append(FrameProblem(base + pos, length, reason))
    return nxt
