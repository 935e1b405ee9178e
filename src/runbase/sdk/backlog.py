"""Records the disk refused: held in memory, in order, and written once space returns.

A full disk must not stop training. The first refusal is reported once; every later
write retries the oldest held record first, so the backlog drains as soon as any
space frees (the writer falls back to reservations as small as one record). What
cannot be held (over ``LIMIT``) or written by ``finish()`` is counted, and the run
says exactly what was lost.
"""

from __future__ import annotations

import threading
import warnings
from collections import Counter, deque
from collections.abc import Callable

import msgspec

from runbase.records import Kind, StorageError

LIMIT = 256 << 20

_WHAT: dict[int, tuple[str, str]] = {
    Kind.HISTORY: ("history row", "history rows"),
    Kind.SYSTEM: ("system-metrics sample", "system-metrics samples"),
    Kind.OUTPUT: ("batch of console lines", "batches of console lines"),
    Kind.HEARTBEAT: ("heartbeat", "heartbeats"),
    Kind.CONFIG: ("config change", "config changes"),
    Kind.SUMMARY: ("summary change", "summary changes"),
}


class Lost:
    """A tally of records that were never written."""

    def __init__(self) -> None:
        self.kinds: Counter[int] = Counter()
        self.steps: list[int] = []

    def add(self, body: bytes) -> None:
        # A record is the msgpack array [kind, time, payload]; kinds are one-byte ints.
        kind = body[1]
        self.kinds[kind] += 1
        if kind == Kind.HISTORY:
            try:
                self.steps.append(msgspec.msgpack.decode(body)[2][0])
            except (msgspec.DecodeError, IndexError, TypeError):
                pass

    def __len__(self) -> int:
        return sum(self.kinds.values())

    def describe(self) -> str:
        """E.g. ``3 history rows (steps 10 to 12), 1 heartbeat``."""
        parts = []
        for kind, n in sorted(self.kinds.items()):
            name = _kind_name(kind)
            one, many = _WHAT.get(kind) or (f"{name} record", f"{name} records")
            text = f"{n} {one if n == 1 else many}"
            if kind == Kind.HISTORY and self.steps:
                lo, hi = min(self.steps), max(self.steps)
                text += f" (step {lo})" if lo == hi else f" (steps {lo} to {hi})"
            parts.append(text)
        return ", ".join(parts)


def _kind_name(kind: int) -> str:
    try:
        return Kind(kind).name.lower()
    except ValueError:
        return f"kind-{kind}"


class Backlog:
    """Held records of one run. ``held`` is truthy while anything waits (checked by log())."""

    def __init__(self, run_id: str, append: Callable[[bytes], None], limit: int = LIMIT) -> None:
        self.held: deque[bytes] = deque()
        self.lost = Lost()
        self._bytes = 0
        self._run_id = run_id
        self._append = append
        self._limit = limit
        self._warned = False
        # Re-entrant: a SIGTERM handler may finish the run while this thread holds it.
        self._lock = threading.RLock()

    def hold(self, body: bytes, error: StorageError | None = None) -> None:
        """Queue ``body`` behind what is already held, then write as much as fits."""
        with self._lock:
            if error is not None and not self._warned:
                self._warned = True
                warnings.warn(
                    f"runbase: cannot write run {self._run_id}: {error.strerror or error} "
                    "Training continues: logged data is held in memory (up to "
                    f"{self._limit >> 20} MB) and written as soon as space is available; "
                    "finish() reports anything that could not be written. "
                    "This warning is shown once.",
                    RuntimeWarning,
                    stacklevel=3,  # the line that called log()
                )
            self.held.append(body)
            self._bytes += len(body)
            self.drain()
            while self._bytes > self._limit and len(self.held) > 1:
                dropped = self.held.popleft()
                self._bytes -= len(dropped)
                self.lost.add(dropped)

    def drain(self) -> bool:
        """Write held records, oldest first; True when nothing is left."""
        with self._lock:
            held = self.held
            while held:
                try:
                    self._append(held[0])
                except StorageError:
                    return False
                self._bytes -= len(held.popleft())
            return True

    def give_up(self) -> str | None:
        """Count what is still held as lost; a message saying what was lost, if anything."""
        with self._lock:
            while self.held:
                self.lost.add(self.held.popleft())
            self._bytes = 0
            if not len(self.lost):
                return None
            n = len(self.lost)
            return (
                f"runbase: run {self._run_id}: {n} record{'s' if n != 1 else ''} could not be "
                f"written for lack of space and are lost: {self.lost.describe()}. Everything else "
                "was written. Free space in RUNBASE_DIR (or point RUNBASE_DIR elsewhere) "
                "before the next run."
            )

    def finish(self, exit_record: bytes) -> str | None:
        """At the run's end: write what the disk now takes; what was lost, if anything.

        ``exit_record`` was queued last. When older records still do not fit, it is
        written on its own if that fits, so the run still reads as ended.
        """
        with self._lock:
            ended = self.drain()
            if not ended:
                try:
                    self.held.remove(exit_record)
                except ValueError:
                    pass
            message = self.give_up()
            if not ended:
                try:
                    self._append(exit_record)
                except StorageError:
                    message = (message or f"runbase: run {self._run_id}:") + (
                        " The end of the run could not be recorded either, so it will show "
                        "as crashed."
                    )
            return message
