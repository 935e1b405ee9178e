"""Reading record files from a byte offset, tolerating torn and corrupt frames."""

from __future__ import annotations

import gc
import os
import stat
import zlib
from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec

from runbase.records import media_rows
from runbase.records.framing import (
    FILE_MAGIC,
    HEADER,
    HEADER_SIZE,
    MAX_FRAME,
    TIME_LIMIT,
    Frame,
    FrameProblem,
)
from runbase.records.kinds import Kind
from runbase.records.media_rows import has_media_rows


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
    return bool(zlib.crc32(memoryview(buf)[pos + HEADER_SIZE : pos + HEADER_SIZE + n]) == crc)


def _no_ext(code: int, data: memoryview) -> object:
    # No record kind carries msgpack extension types: a record holding one is
    # reported as undecodable instead of handing readers an object they cannot use.
    raise ValueError(f"msgpack extension type {code}")


# The envelope [kind, time, payload] is checked by the decoder itself (in C, at no
# measurable cost): an int kind (not a bool), a finite Unix time (an int becomes a
# float), exactly three items. Whatever fails is reported, never handed on.
_RECORD = tuple[int, Annotated[float, msgspec.Meta(ge=-TIME_LIMIT, le=TIME_LIMIT)], Any]
_DECODE = msgspec.msgpack.Decoder(_RECORD, ext_hook=_no_ext).decode
_BAD_RECORD = (msgspec.DecodeError, ValueError, TypeError, RecursionError)
# Only HISTORY records are read as blocks (a plain int: compared once per record).
_HISTORY = int(Kind.HISTORY)
# Every payload is a msgpack array of 3 ([kind, time, payload]): its first byte is 0x93.
_ARRAY3 = 0x93


def _resync(buf: bytes, start: int) -> int | None:
    """First offset after ``start`` where a valid frame begins, if any."""
    # Only offsets whose payload would start with a 3-array byte can begin a frame:
    # find() jumps between them in C (zero padding and most garbage are skipped).
    pos = start + 1
    last = len(buf) - HEADER_SIZE - 1
    find = buf.find
    while pos <= last:
        hit = find(_ARRAY3_BYTE, pos + HEADER_SIZE)
        if hit < 0:
            return None
        pos = hit - HEADER_SIZE
        if _frame_ok(buf, pos):
            return pos
        pos += 1
    return None


_ARRAY3_BYTE = bytes([_ARRAY3])


def read_segment(
    path: str | os.PathLike[str], offset: int = 0, final: bool = False, blocks: bool = False
) -> SegmentRead:
    """Read every complete frame of ``path`` from ``offset``.

    ``final`` says the writer is gone: a torn or zero-padded tail is then reported
    as a problem and skipped instead of being left for a later pass. Damage in the
    middle (a later frame verifies) is reported and skipped whether or not ``final``.
    Anything but a regular file (a FIFO, a folder) is reported, never opened for reading.

    ``blocks``: stretches of HISTORY records that share one layout come back as one
    frame each, of kind ``columns.HISTORY_BLOCK`` with a ``columns.HistoryBlock``
    payload (arrays, not dicts; see ``columns.py``). Needs NumPy.
    """
    out = SegmentRead(next_offset=offset)
    fd, why = _open_regular(path)
    if fd is None:
        out.problems.append(FrameProblem(offset, 0, why))
        return out
    with open(fd, "rb") as f:
        if offset == 0:
            magic = f.read(len(FILE_MAGIC))
            if not _magic_ok(magic, final, out):
                return out
            offset = len(FILE_MAGIC)
        else:
            f.seek(offset)
        buf = f.read()
    return _read_frames(buf, offset, final, blocks, out)


def read_segment_bytes(
    data: bytes, offset: int = 0, final: bool = False, blocks: bool = False
) -> SegmentRead:
    """``read_segment`` over bytes held elsewhere (the team server keeps shipped
    segments in its database): ``data`` is the segment from byte ``offset`` on."""
    out = SegmentRead(next_offset=offset)
    if offset == 0:
        if not _magic_ok(data[: len(FILE_MAGIC)], final, out):
            return out
        offset = len(FILE_MAGIC)
        data = data[offset:]
    return _read_frames(data, offset, final, blocks, out)


def _magic_ok(magic: bytes, final: bool, out: SegmentRead) -> bool:
    """True when a segment starts with the file magic (else ``out`` says why not)."""
    if len(magic) < len(FILE_MAGIC):
        out.pending = not final
        return False
    if magic != FILE_MAGIC:
        out.problems.append(FrameProblem(0, len(magic), "not a runbase record file"))
        return False
    return True


def _read_frames(
    buf: bytes, offset: int, final: bool, blocks: bool, out: SegmentRead
) -> SegmentRead:
    """The frames of ``buf``, the segment's bytes from ``offset`` (past the magic)."""
    gc_was_on = gc.isenabled()
    # Decoded records are acyclic, and a million new dicts would trigger collection after
    # collection (two thirds of the decode time): pause the cyclic GC while parsing.
    gc.disable()
    try:
        pos = _parse(buf, offset, final, out, blocks)
    finally:
        if gc_was_on:
            gc.enable()
    size = len(buf)
    if has_media_rows(out.frames):
        out.frames, hold = media_rows.resolve(out.frames, final, out.problems)
        if hold is not None:
            # A row whose media files are still being written: read on from it later.
            out.next_offset = hold
            out.pending = True
            return out
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


NOT_A_FILE = "not a regular file, skipped"


def _open_regular(path: str | os.PathLike[str]) -> tuple[int | None, str]:
    """A descriptor of ``path`` if it is a regular file, else (None, why not)."""
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return None, "segment file is missing"
    except OSError as e:
        return None, f"cannot be opened ({e.strerror})"
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None, NOT_A_FILE
    return fd, ""


def _parse(buf: bytes, offset: int, final: bool, out: SegmentRead, blocks: bool) -> int:
    """Append every usable frame of ``buf`` to ``out``; return where parsing stopped."""
    pos = 0
    size = len(buf)
    view = memoryview(buf)
    # Locals for the hot loop: this runs once per record, a million times per second.
    unpack, crc32, decode, append = HEADER.unpack_from, zlib.crc32, _DECODE, out.frames.append
    new = tuple.__new__  # a Frame without the NamedTuple's Python-level __new__
    # Blocks: none are tried before block_at (after a failed try, a growing distance on).
    block_at, backoff = (0 if blocks else size), 1
    while pos + HEADER_SIZE <= size:
        n, crc = unpack(buf, pos)
        start = pos + HEADER_SIZE
        end = start + n
        if 0 < n <= MAX_FRAME and end <= size:
            body = view[start:end]
            if crc32(body) == crc:
                try:
                    kind, t, payload = decode(body)
                except _BAD_RECORD as e:
                    out.problems.append(_not_a_record(offset + pos, offset + end, e))
                else:
                    # The next frame may have this one's length: a block may start here.
                    alike = end + 4 <= size and buf[end] == buf[pos]
                    if kind == _HISTORY and pos >= block_at and alike:
                        tried = _try_block(buf, pos, offset, kind, t, payload, out)
                        if tried > 0:
                            pos, backoff = tried, 1
                            continue
                        block_at = pos + (n + HEADER_SIZE) * (backoff - tried)
                        backoff = min(backoff * 2, 1024)
                    append(new(Frame, (offset + pos, offset + end, kind, t, payload)))
                pos = end
                continue
        # Slow path: anything but a complete, intact frame.
        if n == 0 and crc == 0 and buf.count(0, pos) == size - pos:
            break  # preallocated space: the writer has not got here (yet)
        nxt = _resync(buf, pos)
        if nxt is None:
            # Nothing intact follows. While the writer may live, this can be a frame
            # being written (look again later); once it is gone, a torn tail (reported
            # by the caller), unless only the length field was damaged.
            if final and not (n == 0 and crc == 0):
                ends = _tail_ends(buf, start)
                if _recover(buf, pos, ends, crc, offset, out):
                    return size
            break
        # A later frame verifies: this is damage in the middle, not a tail in progress.
        if not (n == 0 and crc == 0) and _recover(buf, pos, (nxt,), crc, offset, out):
            pos = nxt
            continue
        out.problems.append(FrameProblem(offset + pos, nxt - pos, _damage(n, crc, end, size)))
        pos = nxt
    return pos


def _try_block(
    buf: bytes, pos: int, offset: int, kind: int, t: float, payload: Any, out: SegmentRead
) -> int:
    """Read the frames at ``pos`` as one block if enough share a layout: where the
    block ends, or minus the number of frames looked at."""
    from runbase.records.columns import read_block

    frame, looked = read_block(buf, pos, offset, kind, t, payload)
    if frame is None:
        return -looked
    out.frames.append(frame)
    return frame.end - offset


def _damage(n: int, crc: int, end: int, size: int) -> str:
    if n == 0 and crc == 0:
        return "zero header followed by data"
    if n > MAX_FRAME:
        return f"frame length {n} is impossible"
    if end > size:
        return f"frame length {n} runs past the end of the file"
    return "checksum mismatch"


def _tail_ends(buf: bytes, start: int) -> list[int]:
    """Where a last frame starting its payload at ``start`` may end: the data end, or
    a little after it (a payload can end in zero bytes, and padding follows)."""
    data_end = start + len(bytes(buf[start:]).rstrip(b"\x00"))
    return list(range(data_end, min(len(buf), data_end + 16) + 1))


def _recover(
    buf: bytes, pos: int, ends: tuple[int, ...] | list[int], crc: int, base: int, out: SegmentRead
) -> bool:
    """A frame whose length field is damaged but whose checksum matches the bytes up to
    one of ``ends`` (the next intact frame, or the end of the data): keep it."""
    start = pos + HEADER_SIZE
    view = memoryview(buf)
    for end in ends:
        if start < end <= start + MAX_FRAME and zlib.crc32(view[start:end]) == crc:
            out.problems.append(
                FrameProblem(base + pos, 0, "damaged frame length, frame recovered by its checksum")
            )
            try:
                kind, t, payload = _DECODE(view[start:end])
            except _BAD_RECORD as e:
                out.problems.append(_not_a_record(base + pos, base + end, e))
            else:
                out.frames.append(Frame(base + pos, base + end, kind, t, payload))
            return True
    return False


def _not_a_record(pos: int, end: int, error: Exception) -> FrameProblem:
    if isinstance(error, msgspec.ValidationError):
        why = f"not a record [kind, Unix time, payload] ({error})"
    else:
        why = f"undecodable record ({error or type(error).__name__})"
    return FrameProblem(pos, end - pos, why)
