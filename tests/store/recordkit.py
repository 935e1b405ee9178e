"""Test helpers: record files written as the SDK writes them, and stores on each backend.

PostgreSQL stores need RUNBASE_TEST_POSTGRES_URL pointing at a reachable server
(each store gets a schema of its own); without it those tests are skipped.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa

from runbase.records import Kind, SegmentWriter
from runbase.records.appendlog import append_records
from runbase.records.layout import journal_path, segments_dir
from runbase.records.process import host_name, process_start_ticks
from runbase.store import open_store
from tests.pgscratch import scratch_schema

_enc = msgspec.msgpack.Encoder()


class Segment:
    """One segment file of a run, appended record by record."""

    def __init__(self, root: Path, entity: str, project: str, run_id: str, name: str) -> None:
        d = segments_dir(root, entity, project, run_id)
        d.mkdir(parents=True, exist_ok=True)
        self.path = d / name
        self.writer = SegmentWriter(str(self.path))
        self.t = time.time() - 1000.0

    def add(self, kind: int, payload: Any, t: float | None = None) -> Segment:
        if t is None:
            self.t += 1.0
            t = self.t
        self.writer.append(_enc.encode([int(kind), t, payload]))
        return self

    def log(self, step: int, values: dict[str, Any], t: float | None = None) -> Segment:
        return self.add(Kind.HISTORY, [step, values], t)

    def close(self) -> None:
        self.writer.close()


class Records:
    """Writes runs under a RUNBASE_DIR the way the SDK does (segments + journal)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.counter = 0

    def start(
        self,
        run_id: str,
        project: str = "proj",
        entity: str = "me",
        live: bool = False,
        journal: bool = True,
        host: str | None = None,
        pid: int | None = None,
        t: float | None = None,
        **fields: Any,
    ) -> Segment:
        """A new segment beginning with START. ``live``: this process is its writer."""
        self.counter += 1
        name = f"{self.counter:020d}-{os.getpid()}.rbr"
        seg = Segment(self.root, entity, project, run_id, name)
        if t is not None:
            seg.t = t
        if live:
            pid, pid_start, host = os.getpid(), process_start_ticks(os.getpid()), host_name()
        else:
            # A pid that cannot be alive: the writer is gone.
            pid, pid_start = pid or 2**22 + 7, 1
            host = host or host_name()
        payload = {
            "id": run_id,
            "name": fields.pop("name", f"name-{run_id}"),
            "project": project,
            "entity": entity,
            "notes": fields.pop("notes", None),
            "tags": fields.pop("tags", []),
            "group": fields.pop("group", None),
            "job_type": fields.pop("job_type", None),
            "config": fields.pop("config", {}),
            "user": "me",
            "host": host,
            "pid": pid,
            "pid_start": pid_start,
            "start_time": seg.t + 1.0,
            "resumed": False,
            "runbase_version": "0.1.0",
            "mode": "offline",
        }
        payload.update(fields)
        seg.add(Kind.START, payload)
        if journal:
            append_records(
                journal_path(self.root),
                [
                    (
                        Kind.JOURNAL,
                        {"entity": entity, "project": project, "run_id": run_id, "segment": name},
                    )
                ],
            )
        return seg

    def finished(self, run_id: str, rows: int = 3, exit_code: int = 0, **kw: Any) -> Segment:
        seg = self.start(run_id, **kw)
        for i in range(rows):
            seg.log(i, {"loss": 1.0 / (i + 1), "acc": i / 10})
        seg.add(Kind.EXIT, {"exit_code": exit_code})
        seg.close()
        return seg


def _postgres_url() -> str:
    url = os.environ.get("RUNBASE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("RUNBASE_TEST_POSTGRES_URL is not set: no PostgreSQL to test against")
    try:
        engine = sa.create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as e:  # any failure to connect means: skip, saying why
        pytest.skip(f"PostgreSQL at RUNBASE_TEST_POSTGRES_URL is unreachable: {e}")
    return url


@contextmanager
def private_schema() -> Iterator[str]:
    """A PostgreSQL URL whose connections use a fresh schema, dropped afterwards."""
    with scratch_schema(_postgres_url()) as url:
        yield url


@contextmanager
def backend_store(kind: str, root: Path) -> Iterator[Any]:
    """A store of the given kind ("sqlite" or "postgresql") over ``root``."""
    if kind == "sqlite":
        s = open_store(root)
        try:
            yield s
        finally:
            s.close()
        return
    with private_schema() as url:
        s = open_store(url, root=root)
        try:
            yield s
        finally:
            s.close()
