"""``runbase sync``: send offline runs, and what online runs could not send, to a server.

Each run is resumable and idempotent: its segments are sent from the offset the
server says it holds (a GET first), so a second sync, or a sync of a run the live
shipper already sent, posts nothing new. Runs go in parallel, one connection per
worker thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from runbase.errors import UsageError
from runbase.sdk.ship.credentials import Target
from runbase.sdk.ship.protocol import Client, Refused, RunRef, Unavailable
from runbase.sdk.ship.segments import (
    SegmentShip,
    data_end,
    fully_shipped,
    run_ref,
    save_state,
    segment_files,
)
from runbase.sdk.ship.shipper import Backoff


@dataclass
class Outcome:
    """What syncing one run did: bytes sent, the run's URL, or why it failed."""

    run: RunRef
    run_dir: Path
    sent: int = 0
    url: str | None = None
    error: str | None = None


def run_dirs(paths: Iterable[Path]) -> list[Path]:
    """The run folders named by ``paths``: run folders themselves, or RUNBASE_DIRs."""
    out: list[Path] = []
    for path in paths:
        if (path / "segments").is_dir():
            out.append(path)
        elif (path / "runs").is_dir():
            out.extend(
                sorted(p for p in (path / "runs").glob("*/*/*") if (p / "segments").is_dir())
            )
        else:
            raise UsageError(
                f"{path} is neither a run's folder (RUNBASE_DIR/runs/ENTITY/PROJECT/RUN_ID) "
                "nor a RUNBASE_DIR; give one of those"
            )
    return out


def unsent_runs(root: Path, base_url: str) -> list[Path]:
    """The runs under ``root`` that ``base_url`` is not known to hold whole."""
    if not (root / "runs").is_dir():
        return []
    return [p for p in run_dirs([root]) if not fully_shipped(p, base_url)]


def _send_segment(
    client: Client, run: RunRef, seg: SegmentShip, deadline: float, backoff: Backoff
) -> tuple[int, str | None]:
    """Send one segment whole, retrying until ``deadline``: (bytes sent, the run's URL)."""
    start: int | None = None
    while True:
        try:
            if seg.acked is None:
                seg.acked = client.acked(run, seg.name)
            if start is None:
                start = seg.acked
            ack = seg.send(client, run, data_end(seg.path, seg.acked))
            return (seg.acked or 0) - start, ack.url if ack is not None else None
        except Unavailable as e:
            delay = backoff.next(e.retry_after)
            if time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)


def sync_run(target: Target, run_dir: Path, timeout: float, entity: str | None = None) -> Outcome:
    """Send every segment of the run (under ``entity`` when given, else its own);
    retry what fails for up to ``timeout`` seconds."""
    run = run_ref(run_dir)
    if entity:
        run = RunRef(entity, run.project, run.run_id)
    out = Outcome(run, run_dir)
    deadline = time.monotonic() + timeout
    client = Client(target)
    acked: dict[str, int] = {}
    try:
        for path in segment_files(run_dir):
            seg = SegmentShip(path)
            sent, url = _send_segment(client, run, seg, deadline, Backoff())
            acked[seg.name] = seg.acked or 0
            out.sent += max(0, sent)
            out.url = url or out.url
    except (Unavailable, Refused, OSError) as e:
        out.error = str(e)
        return out
    finally:
        client.close()
    save_state(run_dir, target.base_url, acked)
    return out


def sync_runs(
    target: Target,
    dirs: list[Path],
    workers: int = 4,
    timeout: float = 60.0,
    progress: Callable[[Outcome], None] | None = None,
    entity: str | None = None,
) -> list[Outcome]:
    """Sync ``dirs`` in parallel; ``progress`` is called as each run ends."""
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="runbase-sync") as ex:
        futures = [ex.submit(sync_run, target, d, timeout, entity) for d in dirs]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
    return outcomes
