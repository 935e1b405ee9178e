"""Messages between the training process and its console helper (see teeproc.py).

Each message is a 4-byte little-endian length, then a tuple in ``marshal``
format, whose first element says which message it is. Both ends run the same
interpreter, and ``marshal`` is built in: the helper starts without importing
anything for it.

Training process → helper:

* ``(JOIN, token, sid, path, end, drain)``: lines printed from now on go to run
  ``sid`` too (its file ``path`` ends at ``end``); ``drain``: what was printed
  before goes to the runs already there.
* ``(LEAVE, token, sid, last)``: send ``sid`` what is printed up to now and its
  unfinished lines, then stop sending it lines (``last``: stop making lines).
* ``(DRAIN, token)``: read everything written so far, send the finished lines.
* ``(ACK, seq, {sid: end})``: batches up to ``seq`` are in their runs' files,
  which now end at ``end``.
* ``(FORGET, sid)``: run ``sid`` is closed; never write to its file.
* ``(BYE,)``: stop recording; forward what is left to the terminal.

Helper → training process:

* ``(LINES, seq, sids, rows)``: finished lines ``[[time, stream, line], ...]``
  for the runs ``sids``.
* ``(SYNCED, token)``: the command with this token is done (0: no answer wanted).
* ``(HELLO, pid)``: the helper runs, as process ``pid``.
"""

from __future__ import annotations

import marshal
import os
import select
import struct
import time

# The helper imports this module at start-up: no typing import at run time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

JOIN, LEAVE, DRAIN, ACK, FORGET, BYE, LINES, SYNCED, HELLO = range(9)

_LEN = struct.Struct("<I")


def pack(*msg: Any) -> bytes:
    """One message, framed."""
    body = marshal.dumps(msg)
    return _LEN.pack(len(body)) + body


class Reader:
    """Splits a byte stream back into messages."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[tuple[Any, ...]]:
        buf = self._buf
        buf += data
        out: list[tuple[Any, ...]] = []
        pos = 0
        while len(buf) - pos >= 4:
            (n,) = _LEN.unpack_from(buf, pos)
            if len(buf) - pos - 4 < n:
                break
            out.append(marshal.loads(buf[pos + 4 : pos + 4 + n]))
            pos += 4 + n
        del buf[:pos]
        return out


def write_all(
    fd: int,
    data: bytes,
    deadline: float | None = None,
    send: Callable[[memoryview], int] | None = None,
) -> bool:
    """Write all of ``data`` to ``fd`` (through ``send`` if given); False past ``deadline``."""
    view = memoryview(data)
    while view:
        try:
            n = send(view) if send is not None else os.write(fd, view)
        except (BlockingIOError, InterruptedError):
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                return False
            select.select([], [fd], [], wait)
            continue
        view = view[n:]
    return True
