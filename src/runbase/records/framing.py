"""Byte framing of record files.

A segment file starts with ``FILE_MAGIC`` (8 bytes). Each frame is a header
``<II`` (payload length, CRC-32 of the payload) followed by the payload, a
msgpack array ``[kind, unix_time, payload]``. The writer preallocates space, so
a file may end in zero bytes: a zero header means "nothing written here yet".
The payload is written before its header, so a reader never sees a header that
points at bytes that are not there yet unless the writer died mid-frame.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Any, NamedTuple

import msgspec

FILE_MAGIC = b"RUNBASE\x01"
HEADER = struct.Struct("<II")
HEADER_SIZE = HEADER.size
MAX_FRAME = 256 << 20
# Record times are Unix seconds: a finite float within +-TIME_LIMIT (year ~33,700).
TIME_LIMIT = 1e12

_encoder = msgspec.msgpack.Encoder()


class Frame(NamedTuple):
    """One decoded record and the byte range it came from.

    A NamedTuple, not a dataclass: readers build a million of these per second.
    """

    offset: int
    end: int
    kind: int
    time: float
    payload: Any


@dataclass(frozen=True, slots=True)
class FrameProblem:
    """Bytes a reader could not use: a torn tail or a corrupt frame."""

    offset: int
    length: int
    reason: str


def encode_frame(record: Any) -> bytes:
    """Frame one record for an append-only stream (used by the edits stream)."""
    body = _encoder.encode(record)
    return HEADER.pack(len(body), zlib.crc32(body)) + body
