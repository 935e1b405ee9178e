"""Sending one segment file's bytes, and remembering which runs the server holds whole.

A segment is sent as it is on disk, from the offset the server acknowledged, in
batches of at most ``MAX_BATCH`` bytes; the server's offsets make a resend of bytes
it already has harmless, so nothing is lost or stored twice whatever fails when.
"""

from __future__ import annotations

import json
import mmap
import os
import zlib
from pathlib import Path

from runbase.records import read_segment
from runbase.records.framing import FILE_MAGIC, HEADER, HEADER_SIZE, MAX_FRAME
from runbase.sdk.ship.blobs import FileBlobs
from runbase.sdk.ship.protocol import MAX_BATCH, Ack, Client, Refused, RunRef, TooLarge

STATE_FILE = "shipped.json"  # in the run's folder, beside segments/


def data_end(path: str | os.PathLike[str], start: int = 0) -> int:
    """Where the complete frames of a segment end, reading on from ``start`` (a frame start).

    A live or crashed writer's file ends in preallocated zeros, and a crash can leave
    a frame half written: neither is sent. Damage in the middle is left to the
    reader on the server (the bytes are sent as they are), as a local reader does.
    """
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            return 0
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            pos = max(start, len(FILE_MAGIC))
            if size < pos or buf[: len(FILE_MAGIC)] != FILE_MAGIC:
                return min(start, size)
            while pos + HEADER_SIZE <= size:
                n, crc = HEADER.unpack_from(buf, pos)
                end = pos + HEADER_SIZE + n
                if not (0 < n <= MAX_FRAME and end <= size):
                    break
                if zlib.crc32(buf[pos + HEADER_SIZE : end]) != crc:
                    break
                pos = end
            tail_is_zero = pos >= size or buf[pos:size].count(0) == size - pos
    if tail_is_zero:
        return pos
    # Damage, or a frame being written: the tolerant reader says where intact frames end.
    return max(pos, read_segment(path, pos).next_offset)


def segment_files(run_dir: Path) -> list[Path]:
    """The run's segment files, in the order readers fold them."""
    seg_dir = run_dir / "segments"
    if not seg_dir.is_dir():
        return []
    return sorted(p for p in seg_dir.iterdir() if p.suffix == ".rbr" and p.is_file())


def run_ref(run_dir: Path) -> RunRef:
    """``runs/<entity>/<project>/<run_id>`` as the server names the run."""
    return RunRef(run_dir.parent.parent.name, run_dir.parent.name, run_dir.name)


class SegmentShip:
    """The sending state of one segment file: how far the server holds it."""

    def __init__(self, path: Path, blobs: FileBlobs | None = None) -> None:
        self.path = path
        # The files its records name go first (runs/<entity>/<project>/<id>/segments/).
        self.blobs = blobs or FileBlobs(path.parent.parent)
        self.name = path.name
        self.acked: int | None = None  # unknown until the server is asked
        self._gaps = 0

    def send(self, client: Client, run: RunRef, end: int, heartbeat: bool = False) -> Ack | None:
        """Send the bytes from ``acked`` to ``end``; an empty post when ``heartbeat`` and
        nothing is new. Raises protocol.Unavailable / Refused; returns the last answer."""
        if self.acked is None:
            self.acked = client.acked(run, self.name)
        if self.acked < end:
            self.blobs.before(client, run, self.path, end)
        last: Ack | None = None
        batch = MAX_BATCH
        while self.acked < end or (heartbeat and last is None):
            offset = self.acked
            with open(self.path, "rb") as f:
                body = os.pread(f.fileno(), min(batch, max(0, end - offset)), offset)
            try:
                last = client.post(run, self.name, offset, body)
            except TooLarge:
                if batch <= 64 << 10:
                    raise Refused(f"the server refuses even {batch} bytes at once") from None
                batch //= 2
                continue
            self._check_progress(last, offset, len(body))
            self.acked = last.acked
        return last

    def _check_progress(self, ack: Ack, offset: int, sent: int) -> None:
        """A 409 says where to resend from. A server that takes nothing from the same
        offset again and again holds other bytes than the file there: no resend fixes it."""
        stuck = ack.acked <= offset and (ack.gap or sent > 0)
        self._gaps = self._gaps + 1 if stuck else 0
        if self._gaps >= 3:
            raise Refused(
                f"the server holds different bytes for segment {self.name} at byte {offset}"
            )


def load_state(run_dir: Path) -> dict[str, dict[str, int]]:
    """{base URL: {segment name: bytes the server holds}} for a run (empty when unknown)."""
    try:
        data = json.loads((run_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_state(run_dir: Path, base_url: str, acked: dict[str, int]) -> None:
    """Remember how much of each segment ``base_url`` holds (so ``runbase sync`` skips it)."""
    state = load_state(run_dir)
    state[base_url] = acked
    tmp = run_dir / f".{STATE_FILE}.{os.getpid()}"
    try:
        tmp.write_text(json.dumps(state, indent=1, sort_keys=True))
        os.replace(tmp, run_dir / STATE_FILE)
    except OSError:
        tmp.unlink(missing_ok=True)  # only an optimisation for sync: it asks the server anyway


def fully_shipped(run_dir: Path, base_url: str) -> bool:
    """True when the state file says the server holds every segment to its end."""
    held = load_state(run_dir).get(base_url, {})
    files = segment_files(run_dir)
    return bool(files) and all(held.get(p.name) == p.stat().st_size for p in files)
