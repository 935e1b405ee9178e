"""The background thread that sends a live run's segment files to the server.

``log()`` never waits for it: the record file stays the write-ahead log, and this
thread reads what has been appended since the server's last acknowledgement, once a
second while there is something new (an empty post every ``heartbeat`` seconds when
there is not, so the server sees the run alive). When the server cannot be reached,
answers 5xx or 429, it waits with exponential back-off and jitter (at least what
Retry-After asks) and resumes from the offset the server says it holds.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from runbase.records.layout import stop_request_path
from runbase.records.stop_request import write_request
from runbase.sdk import threads
from runbase.sdk.ship.blobs import FileBlobs
from runbase.sdk.ship.credentials import Target
from runbase.sdk.ship.protocol import Client, Refused, RunRef, Unavailable
from runbase.sdk.ship.segments import SegmentShip, data_end, save_state, segment_files

SEND_INTERVAL = 1.0  # seconds between posts while there is new data
FIRST_DELAY = 0.5  # back-off: the first wait after a failure...
MAX_DELAY = 30.0  # ...doubling up to this (both read at each failure, so tests may shrink them)
MAX_RETRY_AFTER = 300.0


class Backoff:
    """Exponential back-off with jitter, so many clients do not retry in step."""

    def __init__(self) -> None:
        self.attempt = 0

    def reset(self) -> None:
        self.attempt = 0

    def next(self, retry_after: float | None = None) -> float:
        """The next wait in seconds; never shorter than the server's Retry-After."""
        base = min(MAX_DELAY, FIRST_DELAY * 2 ** min(self.attempt, 30))
        self.attempt += 1
        delay = random.uniform(base / 2, base)
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
        return delay


class Shipper:
    """Sends the run's segments (earlier sessions' first, then the live one) to a server."""

    def __init__(
        self,
        target: Target,
        run_dir: Path,
        live: Path,
        live_end: Callable[[], int],
        heartbeat: float,
    ) -> None:
        self.target = target
        self.run_dir = run_dir
        self.run = RunRef(run_dir.parent.parent.name, run_dir.parent.name, run_dir.name)
        older = [p for p in segment_files(run_dir) if p.name < live.name]
        blobs = FileBlobs(run_dir)  # shared: a file saved again is hashed once per change
        self._segments = [SegmentShip(p, blobs) for p in [*older, live]]
        self._older_ends: dict[str, int] = {}
        self._live_end = live_end
        self._heartbeat = heartbeat
        self._cond = threading.Condition()
        self._poked = False
        self._closing = False
        self._complete = False
        self._last_post = time.monotonic()
        self._stopped = False
        self.first = threading.Event()  # set at the first answer (or failure)
        self.done = threading.Event()
        self.url: str | None = None
        self.refused: str | None = None
        self.last_error: str | None = None
        self._thread = threading.Thread(target=self._loop, name="runbase-shipper", daemon=True)

    def start(self) -> None:
        threads.start(self._thread)

    def _ends(self) -> list[int]:
        ends = []
        for seg in self._segments[:-1]:
            if seg.name not in self._older_ends:  # earlier sessions' files no longer grow
                self._older_ends[seg.name] = data_end(seg.path, 0)
            ends.append(self._older_ends[seg.name])
        return [*ends, self._live_end()]

    def _pass(self, client: Client, heartbeat: bool) -> bool:
        """Send everything there is; True when the server holds all of it."""
        ends = self._ends()
        for seg, end in zip(self._segments, ends, strict=True):
            ack = seg.send(client, self.run, end, heartbeat=heartbeat and seg is self._segments[-1])
            if ack is not None:
                self._last_post = time.monotonic()
                self.url = ack.url or self.url
                if ack.stop is not None and seg is self._segments[-1]:
                    self._stop(ack.stop)
        self.first.set()
        pairs = zip(self._segments, ends, strict=True)
        return all(seg.acked is not None and seg.acked >= end for seg, end in pairs)

    def _loop(self) -> None:
        client = Client(self.target)
        backoff = Backoff()
        try:
            while True:
                with self._cond:
                    closing = self._closing
                heartbeat = time.monotonic() - self._last_post >= self._heartbeat
                try:
                    complete = self._pass(client, heartbeat)
                except Unavailable as e:
                    self.last_error = str(e)
                    self.first.set()
                    self._sleep(backoff.next(e.retry_after), backoff, e.retry_after or 0.0)
                    continue
                except (Refused, OSError) as e:
                    self._refuse(str(e))
                    return
                except Exception as e:  # a bug must not leave finish() waiting for nothing
                    self._refuse(f"unexpected error {e!r}")
                    return
                self.last_error = None
                backoff.reset()
                if closing and complete:
                    self._complete = True
                    self._remember()
                    return
                self._sleep(SEND_INTERVAL, backoff)
        finally:
            client.close()
            self.first.set()
            self.done.set()

    def _stop(self, reason: str) -> None:
        """The server says the run was stopped: write the run's own stop request, which
        the stop watch (``sdk/stop_watch.py``) acts on as for a local Stop (once)."""
        if self._stopped:
            return
        self._stopped = True
        run = self.run
        root = self.run_dir.parents[3]  # run_dir is ROOT/runs/entity/project/run_id
        path = stop_request_path(root, run.entity, run.project, run.run_id)
        write_request(path, f"{reason} ({self.target.base_url})")

    def _sleep(self, seconds: float, backoff: Backoff, at_least: float = 0.0) -> None:
        """Wait ``seconds``, less when finish() pokes, but never less than ``at_least``
        (what the server's Retry-After asked)."""
        t0 = time.monotonic()
        with self._cond:
            poked = self._cond.wait_for(lambda: self._poked, timeout=seconds)
            self._poked = False
        if poked:
            backoff.reset()  # finish() is waiting: try again now
            time.sleep(max(0.0, min(at_least, MAX_RETRY_AFTER) - (time.monotonic() - t0)))

    def _refuse(self, why: str) -> None:
        self.refused = why
        print(
            f"runbase: run {self.run} is not being sent to {self.target.base_url}: {why}. "
            f"It goes on being logged locally in {self.run_dir}; once that is fixed, send it "
            f"with `runbase sync {self.run_dir}`",
            file=sys.stderr,
        )

    def _remember(self) -> None:
        acked = {seg.name: seg.acked or 0 for seg in self._segments}
        save_state(self.run_dir, self.target.base_url, acked)

    def finish(self, timeout: float) -> bool:
        """Send what is left (the file is final now); wait up to ``timeout`` seconds.
        True when the server holds the whole run."""
        with self._cond:
            self._closing = True
            self._poked = True
            self._cond.notify_all()
        self.done.wait(timeout)
        return self._complete

    def unsent(self) -> int:
        """Bytes the server has not acknowledged yet."""
        ends = self._ends()
        pairs = zip(self._segments, ends, strict=True)
        return sum(max(0, end - (seg.acked or 0)) for seg, end in pairs)
