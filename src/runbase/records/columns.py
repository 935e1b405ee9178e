"""Stretches of HISTORY records that share one layout, read as arrays.

A training loop logs the same keys at every step, so consecutive HISTORY frames
usually differ only in their numbers: the same length, and the same bytes
everywhere but in the step, the time and the values. Decoding each of them into
a dict costs a microsecond per record and a Python object per value; a stretch
of such frames is instead read here as columns (NumPy arrays), straight from
the bytes, and handed on as one :class:`HistoryBlock`.

Exactness: the first frame of a stretch (the template) is decoded as usual and
must re-encode to exactly its own bytes (canonical msgpack, as msgspec writes
it). Each value that is a number becomes a *slot*: a float64 (``0xcb`` and 8
bytes) or an int of one fixed-width family (positive or negative fixint, or a
type byte and 1, 2, 4 or 8 bytes). Every other byte must equal the template's,
and each slot must hold its family's type byte. A frame that passes is then
parsed by any msgpack reader exactly as the template is, with its own slot
values; its checksum is verified like any other frame's. The first frame that
fails ends the stretch and is read the ordinary way. Values that are not numbers
(a string, None) are template bytes: the same in every record of the block.

Only the indexer asks for blocks (``read_segment(..., blocks=True)``); this
module is the one part of ``runbase.records`` that needs NumPy.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
import numpy as np
import numpy.typing as npt

from runbase.records.blocks import HISTORY_BLOCK, HistoryBlock, Same
from runbase.records.crcsum import stored_match
from runbase.records.framing import HEADER_SIZE, TIME_LIMIT, Frame
from runbase.records.kinds import Kind
from runbase.records.shapes import INT64_MAX, key_problem, plain

if TYPE_CHECKING:
    from runbase.records.blocks import Column

# Fewer records than this are cheaper to decode one by one.
MIN_ROWS = 32
# Rows checked in the first window of an attempt (each next window is 4x larger):
# an attempt that fails early costs little.
_FIRST_WINDOW = 32
# From this many frames on, checksums are checked as a whole first (``crcsum.py``).
_CRC_AT_ONCE = 256
# Frames compared at once are at most this many bytes (the comparison's temporary).
_WINDOW_BYTES = 8 << 20

# Slot families: (type byte or None for fixints, width in bytes, big-endian dtype of the data).
_INT_FAMILIES: dict[int, tuple[int, str]] = {
    0xCC: (2, ">u1"),
    0xCD: (3, ">u2"),
    0xCE: (5, ">u4"),
    0xCF: (9, ">u8"),
    0xD0: (2, ">i1"),
    0xD1: (3, ">i2"),
    0xD2: (5, ">i4"),
    0xD3: (9, ">i8"),
}
_F8 = 0xCB
_encode = msgspec.msgpack.Encoder().encode
U8Array = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where a number sits in the body: its first byte and its family."""

    at: int
    width: int
    family: str  # "f8", "posfix", "negfix", or a big-endian dtype such as ">u2"


def _slot(at: int, value: Any, encoded: bytes) -> _Slot | None:
    """The slot of a number encoded as ``encoded`` at ``at`` (None: not a number)."""
    first = encoded[0]
    if type(value) is float and first == _F8:
        return _Slot(at, 9, "f8")
    if type(value) is not int:
        return None
    if first < 0x80:
        return _Slot(at, 1, "posfix")
    if first >= 0xE0:
        return _Slot(at, 1, "negfix")
    if value > INT64_MAX:
        return None  # a uint64 beyond int64: no column holds it (it stays template bytes)
    width, dtype = _INT_FAMILIES[first]
    return _Slot(at, width, dtype)


@dataclass(slots=True)
class _Template:
    """The layout of a record: where its numbers are and what the other bytes must be."""

    body: bytes
    time: _Slot
    step: _Slot
    keys: tuple[str, ...]
    slots: tuple[_Slot | None, ...]  # per key: a number's slot, or None (template bytes)
    consts: tuple[Any, ...]  # per key: the template's value (used when the slot is None)


def _template(body: bytes, kind: int, t: float, payload: Any) -> _Template | None:
    """The layout of one decoded HISTORY record, or None when it cannot be one."""
    if kind != Kind.HISTORY or type(payload) is not list or len(payload) != 2:
        return None
    step, values = payload
    if type(step) is not int or type(values) is not dict or not values:
        return None
    if _encode((kind, t, payload)) != body:
        return None  # not canonical msgpack: positions cannot be derived
    enc_kind, enc_step = _encode(kind), _encode(step)
    at = 1 + len(enc_kind)  # after the array header and the kind
    time = _Slot(at, 9, "f8")
    step_slot = _slot(at + 9 + 1, step, enc_step)  # after the time and [step, values]'s header
    if step_slot is None:
        return None
    at = step_slot.at + step_slot.width
    pairs = [(k, _encode(k), v, _encode(v)) for k, v in values.items()]
    at += len(_encode(values)) - sum(len(ek) + len(ev) for _, ek, _, ev in pairs)  # map header
    slots: list[_Slot | None] = []
    for key, ekey, value, evalue in pairs:
        if key_problem(key) is not None:
            return None  # the indexer drops such keys, warning at each record
        at += len(ekey)
        slot = _slot(at, value, evalue)
        if slot is None and not plain(value):
            return None  # stored as null with a warning at each record
        slots.append(slot)
        at += len(evalue)
    consts = tuple(
        None if s is not None else v for s, (_, _, v, _) in zip(slots, pairs, strict=True)
    )
    return _Template(body, time, step_slot, tuple(values), tuple(slots), consts)


def read_block(
    buf: bytes, pos: int, base: int, kind: int, t: float, payload: Any
) -> tuple[Frame | None, int]:
    """A block of the frames at ``pos`` that share the layout of the first (already
    decoded and verified: ``kind``, ``t``, ``payload``), and how many frames were
    looked at; (None, that count) when fewer than ``MIN_ROWS`` share it."""
    n = int.from_bytes(buf[pos : pos + 4], "little")
    tpl = _template(bytes(buf[pos + HEADER_SIZE : pos + HEADER_SIZE + n]), kind, t, payload)
    if tpl is None:
        return None, 1
    grid = _Grid(buf, pos, HEADER_SIZE + n, (len(buf) - pos) // (HEADER_SIZE + n))
    layout = _layout(tpl)
    good = 1
    window = _FIRST_WINDOW
    most = max(_FIRST_WINDOW, _WINDOW_BYTES // grid.stride)
    while good < grid.rows:
        hi = min(grid.rows, good + window)
        ok = _rows_ok(grid, good, hi, tpl, layout)
        bad = np.flatnonzero(~ok)
        end = good + (int(bad[0]) if len(bad) else hi - good)
        end = good + _crcs_ok(grid, good, end)
        if end < hi:
            good = end
            break
        good = hi
        window = min(window * 4, most)
    if good < MIN_ROWS:
        return None, good
    return _block(grid, good, tpl, base + pos), good


@dataclass(frozen=True, slots=True)
class _Grid:
    """``rows`` frames of ``stride`` bytes each, from ``pos`` of ``buf``."""

    buf: bytes
    pos: int
    stride: int
    rows: int

    def column(self, at: int, dtype: str, lo: int, hi: int) -> Any:
        """The value of type ``dtype`` at byte ``at`` of frames ``lo`` to ``hi`` (a view)."""
        return np.ndarray(
            shape=(hi - lo,),
            dtype=np.dtype(dtype),
            buffer=self.buf,
            offset=self.pos + lo * self.stride + at,
            strides=(self.stride,),
        )


def _layout(tpl: _Template) -> tuple[U8Array, npt.NDArray[np.bool_]]:
    """A frame of the template (header included; its checksum bytes are zero) and the
    bytes in which frames may differ from it (the checksum, the numbers)."""
    n = len(tpl.body)
    varying = np.zeros(HEADER_SIZE + n, dtype=bool)
    varying[4:HEADER_SIZE] = True  # the checksum, verified on its own
    for slot in (tpl.time, tpl.step, *tpl.slots):
        if slot is None:
            continue
        first = HEADER_SIZE + slot.at
        # A fixint is its own type byte; other families keep theirs fixed.
        varying[first + (0 if slot.family in ("posfix", "negfix") else 1) : first + slot.width] = (
            True
        )
    row = np.frombuffer(n.to_bytes(4, "little") + b"\0" * 4 + tpl.body, np.uint8)
    return row, varying


def _rows_ok(
    grid: _Grid, lo: int, hi: int, tpl: _Template, layout: tuple[U8Array, npt.NDArray[np.bool_]]
) -> npt.NDArray[np.bool_]:
    """Which frames from ``lo`` to ``hi`` have the template's layout (checksums aside)."""
    row, varying = layout
    frames = np.ndarray(
        shape=(hi - lo, grid.stride),
        dtype=np.uint8,
        buffer=grid.buf,
        offset=grid.pos + lo * grid.stride,
    )
    same = frames == row
    same |= varying
    ok: npt.NDArray[np.bool_] = same.all(axis=1)
    for slot in (tpl.step, *tpl.slots):
        if slot is None:
            continue
        if slot.family == "posfix":
            ok &= grid.column(HEADER_SIZE + slot.at, "u1", lo, hi) < 0x80
        elif slot.family == "negfix":
            ok &= grid.column(HEADER_SIZE + slot.at, "u1", lo, hi) >= 0xE0
        elif slot.family == ">u8":
            # An int64 (the step's shape, and what an int column holds).
            ok &= grid.column(HEADER_SIZE + slot.at + 1, ">u8", lo, hi) <= INT64_MAX
    times = grid.column(HEADER_SIZE + tpl.time.at + 1, ">f8", lo, hi)
    ok &= np.abs(times) <= TIME_LIMIT  # also false for NaN
    return ok


def _crcs_ok(grid: _Grid, lo: int, hi: int) -> int:
    """How many frames from ``lo`` on, up to ``hi``, have a valid checksum."""
    stored = grid.column(4, "<u4", lo, hi)
    first = grid.pos + lo * grid.stride
    if hi - lo >= _CRC_AT_ONCE and stored_match(grid.buf, first, grid.stride, stored):
        return hi - lo
    return _first_bad_crc(grid, lo, hi, stored)


def _first_bad_crc(grid: _Grid, lo: int, hi: int, stored: Any) -> int:
    """The frames' checksums one by one: how many from ``lo`` on are valid."""
    view = memoryview(grid.buf)
    crc32 = zlib.crc32
    n, stride = grid.stride - HEADER_SIZE, grid.stride
    first = grid.pos + lo * stride + HEADER_SIZE
    got = [crc32(view[s : s + n]) for s in range(first, first + (hi - lo) * stride, stride)]
    bad = np.flatnonzero(np.array(got, dtype=np.uint32) != stored)
    return int(bad[0]) if len(bad) else hi - lo


def _data(grid: _Grid, rows: int, slot: _Slot) -> Any:
    """The numbers in a slot of the first ``rows`` frames, as int64 or float64 arrays."""
    first = HEADER_SIZE + slot.at
    if slot.family == "posfix":
        return grid.column(first, "u1", 0, rows).astype(np.int64)
    if slot.family == "negfix":
        return grid.column(first, "i1", 0, rows).astype(np.int64)
    dtype = "<f8" if slot.family == "f8" else "<i8"
    return grid.column(first + 1, ">f8" if slot.family == "f8" else slot.family, 0, rows).astype(
        dtype
    )


def _block(grid: _Grid, rows: int, tpl: _Template, offset: int) -> Frame:
    steps = _data(grid, rows, tpl.step)
    times = _data(grid, rows, tpl.time)
    cols: list[Column] = []
    for slot, const in zip(tpl.slots, tpl.consts, strict=True):
        cols.append(Same(const) if slot is None else _data(grid, rows, slot))
    block = HistoryBlock(offset, grid.stride, steps, times, tpl.keys, tuple(cols))
    return Frame(offset, offset + rows * grid.stride, HISTORY_BLOCK, float(times[-1]), block)
