"""The first read after logging, in a fresh process: ``Api().run(p)`` and its history come
straight from the record files (no SQLAlchemy, no store made), complete and exactly what
the store gives once it has indexed them; for a finished run and for one still written."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import msgspec

import runbase
from runbase.records.appendlog import append_edits
from runbase.records.kinds import Kind
from runbase.store import open_store
from runbase.store import queries as q
from tests.store.recordkit import Records

LOGGER = textwrap.dedent(
    """
    import math, os, sys, time
    import runbase

    steps, pause = int(sys.argv[1]), int(sys.argv[2])
    settings = runbase.Settings(silent=True, console="off", disable_system_metrics=True)
    run = runbase.init(project="first", id="r1", config={"lr": 0.1}, tags=["a"],
                       settings=settings)
    run.define_metric("loss", summary="min,mean")
    for i in range(steps):
        if i == pause:
            open(os.path.join(os.environ["RUNBASE_DIR"], "ready"), "w").close()
            while not os.path.exists(os.path.join(os.environ["RUNBASE_DIR"], "go")):
                time.sleep(0.01)
        row = {"loss": 1.0 / (i + 1), "epoch": i // 50, "big": 2**40 + i}
        if i % 97 == 0:
            # (not -0.0: SQLite keeps the min of a key as 0.0 between passes)
            row["loss"] = [math.nan, math.inf, 0.0][i % 3]
        if i % 40 == 0:
            run.log({"phase": "eval", "val": i * 0.5}, commit=False)
        run.log(row)
    run.summary["best"] = 7
    run.finish()
    """
)

READER = textwrap.dedent(
    """
    import sys
    import msgspec, runbase

    run = runbase.Api().run("first/r1")
    rows = run.history(pandas=False)
    answer = [run.state, run.name, run.tags, run.config, dict(run.summary), rows]
    loaded = sorted({m.split(".")[0] for m in sys.modules} & {"sqlalchemy", "alembic"})
    sys.stdout.buffer.write(msgspec.msgpack.encode([answer, loaded]))
    """
)


def _env(root: Path) -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, RUNBASE_DIR=str(root), PYTHONPATH=f"{src}:{path}" if path else src)


def _read(root: Path) -> tuple[list[Any], list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", READER], env=_env(root), capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    answer, loaded = msgspec.msgpack.decode(done.stdout)
    return answer, loaded


def _indexed(root: Path, user: str) -> list[Any]:
    """The same answer from the store, after indexing the files."""
    with open_store(root) as store:
        store.sync()
        run = q.get_run(store, user, "first", "r1", exact=True)
        rows = q.history(store, f"{user}/first/r1", exact=True)
    assert run is not None
    summary = dict(run.summary)
    return [run.state, run.name, run.tags, run.config, summary, rows]


def _exact(value: Any) -> bytes:
    """Bytes that tell NaN, -0.0, ints and floats apart. Dict keys are sorted: a store
    indexed while the run was written may hold summary keys in another order."""
    return msgspec.msgpack.encode(_sorted(value))


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def test_first_read_after_logging_is_complete_and_exact(tmp_path: Path, user: str):
    logged = subprocess.run(
        [sys.executable, "-c", LOGGER, "300", "-1"],
        env=_env(tmp_path),
        capture_output=True,
        timeout=120,
    )
    assert logged.returncode == 0, logged.stderr.decode()
    answer, loaded = _read(tmp_path)
    # Read from the files: no database library loaded, no store made.
    assert loaded == [] and not (tmp_path / "store.db").exists()
    state, _, tags, config, summary, rows = answer
    assert (state, tags, config["lr"]) == ("finished", ["a"], 0.1)
    assert len(rows) == 300 and [r["_step"] for r in rows] == list(range(300))
    assert rows[1]["loss"] == 0.5 and rows[299]["big"] == 2**40 + 299
    assert rows[40]["phase"] == "eval" and "phase" not in rows[41]
    assert summary["best"] == 7 and set(summary["loss"]) == {"min", "mean"}
    assert _exact(answer) == _exact(_indexed(tmp_path, user))


def test_first_read_of_a_run_still_being_written(tmp_path: Path, user: str):
    writer = subprocess.Popen(
        [sys.executable, "-c", LOGGER, "300", "200"],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "ready").exists():
            assert writer.poll() is None and time.monotonic() < deadline, writer.stderr
            time.sleep(0.01)
        answer, loaded = _read(tmp_path)
        assert loaded == []
        rows = answer[-1]
        assert answer[0] == "running" and [r["_step"] for r in rows] == list(range(200))
        # What the store gives at the same moment (the writer waits).
        assert _exact(answer) == _exact(_indexed(tmp_path, user))
        (tmp_path / "go").touch()
        assert writer.wait(timeout=60) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    answer, _ = _read(tmp_path)
    assert answer[0] == "finished" and len(answer[-1]) == 300
    assert _exact(answer) == _exact(_indexed(tmp_path, user))


def test_reads_from_the_files_see_later_edits_and_give_new_objects(tmp_path: Path):
    seg = Records(tmp_path).start("r", project="p", entity="e", config={"opt": {"b": [1]}})
    for step in range(40):
        seg.log(step, {"loss": 1.0 / (step + 1), "shape": [step, 2]})
    seg.add(Kind.EXIT, {"exit_code": 0})
    seg.close()
    api = runbase.Api(root=tmp_path)
    run = api.run("e/p/r")
    rows = run.history(pandas=False)
    rows[3]["shape"].append("changed")
    run.config["opt"]["b"].append("changed")
    again = api.run("e/p/r")
    assert again.history(pandas=False)[3]["shape"] == [3, 2]
    assert again.config["opt"] == {"b": [1]}
    append_edits(tmp_path, "e", "p", "r", [(Kind.INFO, {"name": "renamed"})])
    assert api.run("e/p/r").name == "renamed"
    assert not (tmp_path / "store.db").exists()  # all of it from the files
