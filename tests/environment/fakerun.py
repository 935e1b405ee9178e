"""A small run for exercising the environment package without the SDK.

It writes real records with the real segment writer, so the tests read back
exactly what a reader would. Used by the child processes the tests start.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import msgspec

from runbase.records import Kind, SegmentWriter, read_segment

_enc = msgspec.msgpack.Encoder()


class FakeRun:
    def __init__(self, root: str, **settings: Any) -> None:
        self.id = uuid.uuid4().hex[:8]
        os.makedirs(os.path.join(root, "files"), exist_ok=True)
        self.dir = os.path.join(root, "files")
        defaults = {
            "system_sample_interval": 15.0,
            "disable_system_metrics": False,
            "console": "auto",
            "disable_git": False,
            "save_requirements": True,
            "program": None,
        }
        defaults.update(settings)
        self.settings = SimpleNamespace(**defaults)
        self.segment = os.path.join(root, f"{time.time_ns():020d}-{os.getpid()}.rbr")
        self._sink = SegmentWriter(self.segment)

    def _emit(self, kind: int, payload: Any) -> None:
        self._sink.append(_enc.encode([int(kind), time.time(), payload]))

    def close(self) -> None:
        self._sink.close()


def records(segment: str) -> list[tuple[int, float, Any]]:
    got = read_segment(segment, final=True)
    assert not got.problems, got.problems
    return [(f.kind, f.time, f.payload) for f in got.frames]


@dataclass
class Result:
    proc: subprocess.CompletedProcess[bytes]
    root: Path
    records: list[tuple[int, float, Any]] = field(default_factory=list)

    @property
    def stdout(self) -> str:
        return self.proc.stdout.decode(errors="replace")

    @property
    def stderr(self) -> str:
        return self.proc.stderr.decode(errors="replace")

    def of(self, kind: Kind) -> list[Any]:
        return [p for k, _, p in self.records if k == kind]

    @property
    def metadata(self) -> dict[str, Any]:
        md: dict[str, Any] = {}
        for p in self.of(Kind.METADATA):
            md.update(p)
        return md

    @property
    def lines(self) -> list[tuple[str, str]]:
        return [(stream, line) for batch in self.of(Kind.OUTPUT) for _, stream, line in batch]


def read_run(root: Path) -> list[tuple[int, float, Any]]:
    segs = sorted(root.glob("*.rbr"))
    assert len(segs) == 1, f"expected one segment in {root}, found {segs}"
    return records(str(segs[0]))
