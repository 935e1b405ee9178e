"""A run stopped on request ends killed: its EXIT record says ``stopped`` (docs/records.md).

The rule itself (``segment_state``), then what every reader makes of real record
files on SQLite and PostgreSQL: the runs table, its state filter and groups, and a
run read straight from its files. EXIT records without the field (every older
writer's) read as they always did.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from recordkit import Records

from runbase.records import Kind
from runbase.records.process import host_name, segment_state
from runbase.store import fromfiles
from runbase.store import queries as q

HERE = host_name()


@pytest.mark.parametrize(
    ("exit_code", "stopped", "state"),
    [
        (0, None, "finished"),
        (1, None, "failed"),
        (0, "hyperband: loss fell behind", "killed"),
        (143, "sweep canceled", "killed"),  # the exit code stays the process's
    ],
)
def test_exit_decides_and_stopped_means_killed(exit_code, stopped, state):
    got = segment_state(exit_code, True, HERE, None, None, None, HERE, stopped)
    assert got == (state, exit_code)


def test_without_an_exit_stopped_is_not_asked():
    # No EXIT: running or crashed as before (a dead writer's segment, read to its end).
    assert segment_state(None, True, HERE, 2**22 + 7, 1, None, HERE) == ("crashed", None)


def _write(records: Records) -> None:
    records.finished("old-ok")  # an EXIT as every older writer wrote it
    records.finished("old-bad", exit_code=1)
    for run_id, code, why in [("hb", 0, "hyperband: loss"), ("term", 143, "sweep canceled")]:
        seg = records.start(run_id)
        seg.log(0, {"loss": 2.0}).log(1, {"loss": 1.5})
        seg.add(Kind.EXIT, {"exit_code": code, "stopped": why})
        seg.close()
    odd = records.start("odd")  # a reason that is not text: still a stop
    odd.add(Kind.EXIT, {"exit_code": 0, "stopped": 7})
    odd.close()
    # Killed, then resumed: the new segment decides (its writer is gone: crashed).
    first = records.start("again")
    first.add(Kind.EXIT, {"exit_code": 0, "stopped": "hyperband: loss"})
    first.close()
    records.start("again", resumed=True).close()


WANT = {
    "old-ok": ("finished", 0),
    "old-bad": ("failed", 1),
    "hb": ("killed", 0),
    "term": ("killed", 143),
    "odd": ("killed", 0),
    "again": ("crashed", None),
}


def test_the_store_and_the_files_read_killed_runs(store, records: Records, root: Path):
    _write(records)
    store.sync()
    for run_id, want in WANT.items():
        run = q.get_run(store, "me", "proj", run_id, exact=True)
        assert run is not None and (run.state, run.exit_code) == want, run_id
        found = fromfiles.read_run(root, "me", "proj", run_id)
        assert found is not None and (found.run.state, found.run.exit_code) == want, run_id
    hb = q.get_run(store, "me", "proj", "hb", exact=True)
    assert hb is not None and hb.summary["loss"] == 1.5  # history and summary survive
    killed = q.query_runs(store, "me", "proj", {"state": "killed"}, "name").runs
    assert [r.id for r in killed] == ["hb", "odd", "term"]
    groups = q.group_counts(store, "me", "proj", "state")
    counts = {g.value: g.count for g in groups.groups}
    assert counts == {"finished": 1, "failed": 1, "killed": 3, "crashed": 1}
