"""The checksums of many frames of one length, verified with one pass of ``zlib.crc32``.

A block (``columns.py``) holds thousands of frames of ``stride`` bytes, each with
the CRC-32 of its payload in its header. Checking them one ``zlib.crc32`` call at a
time costs half a microsecond of call overhead per frame: most of the time it
takes to read a training run. CRC-32 is linear over GF(2), so the checksum of a
concatenation follows from the checksums of its parts (zlib's ``crc32_combine``,
which Python does not expose): ``crc(a + b) == shift(crc(a), len(b)) ^ crc(b)``,
where ``shift`` appends zero bytes to the register, a fixed 32x32 bit matrix.
``stored_match`` combines every frame's header and stored payload checksum into
the checksum the whole stretch must have, with NumPy (four table lookups per
frame and level of a binary tree), and compares it with one ``zlib.crc32`` over
the stretch's bytes.

That single comparison is as strong as a CRC-32 over the stretch: a damaged
frame goes unnoticed only if the damage is invisible to that CRC too. When it
fails, the caller checks frame by frame to find the first bad one.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np
import numpy.typing as npt

U32Array = npt.NDArray[np.uint32]

_POLY = 0xEDB88320  # CRC-32 (zlib's), reflected
_ONE = np.uint32(1) << np.arange(32, dtype=np.uint32)  # the 32 one-bit registers
_BITS = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(bool)


def _byte_table() -> U32Array:
    c = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        c = np.where(c & 1, (c >> 1) ^ np.uint32(_POLY), c >> 1).astype(np.uint32)
    return c


_TABLE = _byte_table()
# A linear map of the register is given by the images of its 32 bits ("columns").
_ZERO_BYTE = (_ONE >> 8) ^ _TABLE[_ONE & 0xFF]


def _tables(columns: U32Array) -> U32Array:
    """Per byte of a register, the map's value of each of its 256 values (4 x 256)."""
    picked = np.where(_BITS[None, :, :], columns.reshape(4, 1, 8), np.uint32(0))
    tables: U32Array = np.bitwise_xor.reduce(picked, axis=2)
    return tables


def _apply(tables: U32Array, v: U32Array) -> U32Array:
    out: U32Array = tables[0][v & 0xFF] ^ tables[1][(v >> 8) & 0xFF]
    out ^= tables[2][(v >> 16) & 0xFF]
    out ^= tables[3][v >> 24]
    return out


@lru_cache(maxsize=256)
def _shift(nbytes: int, doublings: int = 0) -> tuple[U32Array, U32Array]:
    """(columns, tables) of the map that appends ``nbytes * 2**doublings`` zero bytes."""
    if doublings:
        columns, tables = _shift(nbytes, doublings - 1)
        return _with_tables(_apply(tables, columns))
    result, base = _ONE, _ZERO_BYTE
    while nbytes:  # by repeated squaring
        if nbytes & 1:
            result = _apply(_tables(base), result)
        nbytes >>= 1
        if nbytes:
            base = _apply(_tables(base), base)
    return _with_tables(result)


def _with_tables(columns: U32Array) -> tuple[U32Array, U32Array]:
    return columns, _tables(columns)


def stored_match(buf: bytes, first: int, stride: int, crcs: U32Array) -> bool:
    """True when the ``len(crcs)`` frames of ``stride`` bytes at ``first`` of ``buf``
    (each an 8-byte header: payload length, then ``crcs[i]``; then the payload) hold
    payloads whose CRC-32s are ``crcs``, checked as a whole."""
    rows = len(crcs)
    body = stride - 8
    crcs = crcs.astype(np.uint32)
    # A header's checksum: that of its length with a zero checksum, then the checksum
    # bytes (appended to a register, 4 bytes are an XOR then 4 zero bytes).
    head = zlib.crc32(body.to_bytes(4, "little") + bytes(4))
    v = _apply(_shift(4)[1], crcs) ^ np.uint32(head)
    v = _apply(_shift(body)[1], v) ^ crcs  # each whole frame
    level = 0
    while len(v) > 1:  # pairs of stretches of stride * 2**level bytes, joined
        if len(v) % 2:
            # An empty stretch in front (its checksum is 0) changes nothing.
            v = np.concatenate([np.zeros(1, dtype=np.uint32), v])
        v = _apply(_shift(stride, level)[1], v[0::2]) ^ v[1::2]
        level += 1
    whole = zlib.crc32(memoryview(buf)[first : first + rows * stride])
    return bool(rows) and int(v[0]) == whole
