"""``runbase sync``: send offline runs, and what online runs could not send, to a server.

Each run is resumable and idempotent: its segments are sent from the offset the
server says it holds (a GET first), so a second sync, or a sync of a run the live
shipper already sent, posts nothing new. Runs go in parallel, one connection per
worker thread; small runs go many to a post (``POST /api/v1/ingest``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from runbase.errors import UsageError
from runbase.sdk.ship.blobs import FileBlobs
from runbase.sdk.ship.credentials import Target
from runbase.sdk.ship.protocol import MAX_BATCH, Client, NoRoute, Refused, RunRef, Unavailable
from runbase.sdk.ship.segments import (
    SegmentShip,
    data_end,
    fully_shipped,
    load_state,
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


# Runs with at most this many bytes to send go several to a post (``POST /api/v1/ingest``):
# a sync of thousands of small runs costs a few posts, not one or two per run.
SMALL_RUN = 256 << 10
# What one of those posts carries at most: bytes, and runs.
PER_POST = MAX_BATCH
RUNS_PER_POST = 500


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
    batches, large = _split(target, dirs)
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="runbase-sync") as ex:
        futures = [ex.submit(sync_batch, target, b, timeout, entity) for b in batches]
        futures += [ex.submit(lambda d: [sync_run(target, d, timeout, entity)], d) for d in large]
        for future in as_completed(futures):
            for outcome in future.result():
                outcomes.append(outcome)
                if progress is not None:
                    progress(outcome)
    return outcomes


def _split(target: Target, dirs: list[Path]) -> tuple[list[list[Path]], list[Path]]:
    """Small runs in batches of at most ``PER_POST`` bytes, and the runs sent one by one."""
    batches: list[list[Path]] = []
    large: list[Path] = []
    size = 0
    for d in dirs:
        held = load_state(d).get(target.base_url, {})
        try:
            left = sum(max(0, p.stat().st_size - held.get(p.name, 0)) for p in segment_files(d))
        except OSError:
            left = SMALL_RUN + 1  # let the run's own sync say what is wrong
        if left > SMALL_RUN:
            large.append(d)
            continue
        if not batches or size + left > PER_POST or len(batches[-1]) >= RUNS_PER_POST:
            batches.append([])
            size = 0
        batches[-1].append(d)
        size += left
    return batches, large


@dataclass
class _Part:
    """One segment's bytes in a batch post."""

    at: int  # index of its run in the batch
    path: Path
    offset: int
    data: bytes


def sync_batch(
    target: Target, dirs: list[Path], timeout: float, entity: str | None = None
) -> list[Outcome]:
    """Send small runs whole in one post; a run the post cannot settle (the server
    holds less than ``shipped.json`` says) is sent on its own, as is every run when
    the server has no batch route."""
    outs = []
    for d in dirs:
        run = run_ref(d)
        outs.append(Outcome(RunRef(entity, run.project, run.run_id) if entity else run, d))
    client = Client(target)
    try:
        parts = _read_parts(client, outs, target.base_url)
        answers = _post_retrying(client, parts, outs, time.monotonic() + timeout)
    except NoRoute:
        return [sync_run(target, d, timeout, entity) for d in dirs]
    except (Unavailable, Refused, OSError) as e:
        for out in outs:
            out.error = str(e)
        return outs
    finally:
        client.close()
    return _settle(target, outs, parts, answers, timeout, entity)


def _read_parts(client: Client, outs: list[Outcome], base_url: str) -> list[_Part]:
    """Each run's segments from what the server last held, their files sent first."""
    parts = []
    for at, out in enumerate(outs):
        held = load_state(out.run_dir).get(base_url, {})
        blobs = FileBlobs(out.run_dir)
        for path in segment_files(out.run_dir):
            offset = held.get(path.name, 0)
            end = data_end(path, offset)
            offset = min(offset, end)
            if end > offset:
                blobs.before(client, out.run, path, end)
            with open(path, "rb") as f:
                data = os.pread(f.fileno(), end - offset, offset)
            parts.append(_Part(at, path, offset, data))
    return parts


def _post_retrying(
    client: Client, parts: list[_Part], outs: list[Outcome], deadline: float
) -> list[tuple[int, int, str | None, str | None]]:
    pieces = [(outs[p.at].run, p.path.name, p.offset, p.data) for p in parts]
    backoff = Backoff()
    while True:
        try:
            return client.post_pieces(pieces)
        except Unavailable as e:
            delay = backoff.next(e.retry_after)
            if time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)


def _settle(
    target: Target,
    outs: list[Outcome],
    parts: list[_Part],
    answers: list[tuple[int, int, str | None, str | None]],
    timeout: float,
    entity: str | None,
) -> list[Outcome]:
    acked: list[dict[str, int]] = [{} for _ in outs]
    again: set[int] = set()
    for part, (status, ack, url, why) in zip(parts, answers, strict=True):
        out = outs[part.at]
        if status == 200:
            acked[part.at][part.path.name] = ack
            out.sent += max(0, ack - part.offset)
            out.url = url or out.url
        elif status == 409 and why and "resend from" in why:
            again.add(part.at)  # a gap or other bytes: the run's own sync asks where to resume
        else:
            out.error = f"{target.base_url} answered {status}: {why}"
    for at, out in enumerate(outs):
        if at in again and out.error is None:
            outs[at] = sync_run(target, out.run_dir, timeout, entity)
        elif out.error is None:
            save_state(out.run_dir, target.base_url, acked[at])
    return outs
