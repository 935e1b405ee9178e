"""Writing runs straight into record files (docs/records.md), for tests and the bench.

The end-to-end tests use real SDK runs where they can; this writer covers what
the SDK cannot do quickly (10,000 runs, a million steps) or at all (a run with a
chosen start time, a crashed run), using the same SegmentWriter the SDK uses.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import msgspec

from runbase.records import Kind, SegmentWriter
from runbase.records.appendlog import append_records
from runbase.records.layout import files_dir, journal_path, segments_dir
from runbase.records.process import host_name, process_start_ticks

_enc = msgspec.msgpack.Encoder()


class RunWriter:
    """One run's segment, written record by record."""

    def __init__(
        self,
        root: Path,
        entity: str,
        project: str,
        run_id: str,
        *,
        name: str | None = None,
        config: dict[str, Any] | None = None,
        tags: list[str] | None = None,
        group: str | None = None,
        job_type: str | None = None,
        notes: str | None = None,
        start_time: float | None = None,
        journal: bool = True,
        live: bool = False,
        sweep: str | None = None,
    ) -> None:
        self.root = root
        self.entity, self.project, self.run_id = entity, project, run_id
        self.t = start_time if start_time is not None else time.time()
        seg_dir = segments_dir(root, entity, project, run_id)
        seg_dir.mkdir(parents=True, exist_ok=True)
        segment = f"{int(self.t * 1e9):020d}-{os.getpid()}.rbr"
        self.writer = SegmentWriter(str(seg_dir / segment))
        self.emit(
            Kind.START,
            {
                "id": run_id,
                "name": name or run_id,
                "project": project,
                "entity": entity,
                "notes": notes,
                "tags": tags or [],
                "group": group,
                "job_type": job_type,
                "config": config or {},
                "user": "tester",
                # This host, so readers judge liveness by pid: live means this
                # process is the writer; otherwise a pid that cannot exist.
                "host": host_name(),
                "pid": os.getpid() if live else 999_999_999,
                "pid_start": process_start_ticks(os.getpid()) if live else 0,
                "start_time": self.t,
                "resumed": False,
                "runbase_version": "0.1.0",
                "mode": "offline",
                **({"sweep": sweep} if sweep else {}),
            },
        )
        if journal:
            append_records(
                journal_path(root),
                [
                    (
                        Kind.JOURNAL,
                        {
                            "entity": entity,
                            "project": project,
                            "run_id": run_id,
                            "segment": segment,
                        },
                    )
                ],
            )

    def emit(self, kind: int, payload: Any, t: float | None = None) -> None:
        self.writer.append(_enc.encode([int(kind), self.t if t is None else t, payload]))

    def log(self, step: int, values: dict[str, Any], dt: float = 1.0) -> None:
        self.t += dt
        self.emit(Kind.HISTORY, [step, values])

    def history(self, rows: Iterable[tuple[int, dict[str, Any]]], dt: float = 1.0) -> None:
        for step, values in rows:
            self.log(step, values, dt)

    def file(self, path: str, content: bytes) -> None:
        target = files_dir(self.root, self.entity, self.project, self.run_id) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        self.emit(Kind.FILE, {"path": path, "size": len(content), "policy": "now"})

    def finish(self, exit_code: int | None = 0) -> None:
        if exit_code is not None:
            self.emit(Kind.EXIT, {"exit_code": exit_code})
        self.writer.close(sync=False)
