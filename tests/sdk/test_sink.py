"""The sink seam: a Run writes every record to the sink it is given, and nowhere else.

``init()`` gives a run its segment file; the next sink (the segment file plus a
shipper to a server) must need no change to ``Run``. These tests give a Run a small
in-memory sink and check it receives exactly what the segment file receives.
"""

from __future__ import annotations

import time
from pathlib import Path

import msgspec
import pytest

import runbase
from runbase.records import Kind, StorageError, read_segment
from runbase.sdk.environment.link import RunLink
from runbase.sdk.run import Run
from tests.conftest import QUIET

# The kinds a run's own calls write; init() and the environment add START, METADATA...
RUN_KINDS = {Kind.HISTORY, Kind.CONFIG, Kind.SUMMARY, Kind.METRIC, Kind.INFO, Kind.EXIT}


class MemorySink:
    """Keeps each record in a list: a sink with no file at all."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.closed = False
        self.path: str | None = None
        self.size = 0
        self.full = False  # while True, append refuses like a full disk

    def append(self, body: bytes) -> None:
        if self.closed:
            raise StorageError(0, "closed")
        if self.full:
            raise StorageError(28, "No space left on device")
        self.bodies.append(body)

    def close(self) -> None:
        self.closed = True

    def abandon(self) -> None:
        self.closed = True

    def records(self) -> list[tuple[int, object]]:
        return [tuple(msgspec.msgpack.decode(b)[::2]) for b in self.bodies]


def memory_run(root: Path, sink: MemorySink) -> Run:
    files = root / "files"
    files.mkdir(parents=True)
    return Run(
        settings=runbase.Settings(**QUIET),
        root=root,
        entity="me",
        project="sink",
        run_id="mem1",
        name="mem",
        sink=sink,
        files_dir=files,
        start_time=time.time(),
    )


def exercise(run) -> None:
    run.config.update({"lr": 0.1, "layers": [64, 64]})
    run.define_metric("acc", summary="max")
    run.log({"loss": 1.0, "nested": {"a": 1}})
    run.log({"acc": 0.5}, commit=False)
    run.log({"loss": 0.5, "acc": 0.7})
    run.log({"late": True}, step=10)
    run.summary["best"] = 3
    run.name = "renamed"
    run.tags = ["t1", "t2"]
    run.finish(exit_code=0)


def segment_records(runbase_dir: Path) -> list[tuple[int, object]]:
    (segment,) = runbase_dir.glob("runs/**/segments/*.rbr")
    got = read_segment(str(segment), final=True)
    assert not got.problems
    return [(f.kind, f.payload) for f in got.frames]


def test_a_run_writes_the_same_records_to_any_sink(runbase_dir, tmp_path):
    on_disk = runbase.init(project="sink", settings=runbase.Settings(**QUIET))
    assert RunLink(on_disk).segment()[0].endswith(".rbr")
    exercise(on_disk)
    expected = [r for r in segment_records(runbase_dir) if r[0] in RUN_KINDS]

    sink = MemorySink()
    run = memory_run(tmp_path / "mem", sink)
    assert RunLink(run).segment() == (None, 0)  # no file for the console helper to append to
    exercise(run)

    assert sink.records() == expected
    assert [k for k, _ in expected].count(Kind.HISTORY) == 4
    assert sink.closed
    assert [p.name for p in (tmp_path / "mem").rglob("*")] == ["files"], "nothing on disk"


def test_records_a_sink_refuses_are_held_and_delivered_in_order(tmp_path):
    sink = MemorySink()
    run = memory_run(tmp_path / "mem", sink)
    run.log({"x": 0})
    sink.full = True
    with pytest.warns(RuntimeWarning, match="held in memory"):
        run.log({"x": 1})
    run.log({"x": 2})
    assert [p for k, p in sink.records() if k == Kind.HISTORY] == [[0, {"x": 0}]]
    sink.full = False
    run.log({"x": 3})
    run.finish()
    history = [p for k, p in sink.records() if k == Kind.HISTORY]
    assert history == [[step, {"x": step}] for step in range(4)]
    assert sink.records()[-1] == (Kind.EXIT, {"exit_code": 0})


def test_a_forked_child_leaves_the_sink_alone(tmp_path):
    sink = MemorySink()
    run = memory_run(tmp_path / "mem", sink)
    run.log({"x": 0})
    run._orphan()  # what os.register_at_fork does in the child
    assert sink.closed
    with pytest.raises(runbase.UsageError, match="forked child"):
        run.log({"x": 1})
    run.finish()
    assert len(sink.bodies) == 1
