"""A call runbase refuses says why, changes nothing, and the run keeps logging."""

from __future__ import annotations

import warnings

import pytest

import runbase
from tests.conftest import QUIET


def new_run(**kwargs):
    return runbase.init(project="rej", settings=runbase.Settings(**QUIET), **kwargs)


def deep(levels: int) -> dict:
    root: dict = {}
    cur = root
    for _ in range(levels):
        cur["a"] = {}
        cur = cur["a"]
    cur["v"] = 1
    return root


def cyclic() -> dict:
    d: dict = {"x": 1}
    d["me"] = d
    return d


def history(run) -> list[dict]:
    return runbase.Api().run(run.path).history(pandas=False)


def test_a_step_too_large_names_step_and_leaves_the_run_logging(runbase_dir):
    run = new_run()
    run.log({"x": 0})
    with pytest.raises(ValueError, match=r"run\.log\(step=1180591620717411303424\) is too large"):
        run.log({"x": 1}, step=2**70)
    with pytest.raises(ValueError, match=r"step=.*too large"):
        run.log({"x": 1}, step=2**63 - 1)
    assert run.step == 1
    run.log({"x": 2})
    run.log({"x": 3}, step=2**62)  # large but storable
    run.finish()
    rows = history(run)
    assert [(r["_step"], r["x"]) for r in rows] == [(0, 0), (1, 2), (2**62, 3)]


BAD_ROWS = [
    ({"big": 2**70}, ValueError, r"log: 'big' is 1180591620717411303424, outside the range"),
    ({"n": {"big": -(2**64)}}, ValueError, r"log: 'n.big' is .*outside the range"),
    ({"xs": [1, 2**80]}, ValueError, r"log: 'xs\[1\]' is .*outside the range"),
    (deep(1000), TypeError, r"log: the dict under 'a\.a\.a.*nested more than 100 levels"),
    (cyclic(), TypeError, r"log: the dict under 'me' contains itself"),
    ({"a": {"b": 1}, "a.b": 2}, ValueError, r"log: two values for the key 'a\.b'"),
    ({"a.b": 2, "a": {"b": 1}}, ValueError, r"log: two values for the key 'a\.b'"),
]


@pytest.mark.parametrize(("row", "error", "says"), BAD_ROWS, ids=range(len(BAD_ROWS)))
def test_a_rejected_row_changes_nothing(runbase_dir, row, error, says):
    run = new_run()
    run.log({"x": 0, "y": 0})
    with pytest.raises(error, match=says):
        run.log(row)
    assert run.step == 1 and dict(run.summary) == {"x": 0, "y": 0}
    run.log({"x": 1})
    run.finish()
    rows = history(run)
    assert [(r["_step"], r["x"]) for r in rows] == [(0, 0), (1, 1)]
    assert all(set(r) <= {"_step", "_timestamp", "_runtime", "x", "y"} for r in rows)


def test_values_under_the_names_readers_derive_are_reported_once(run_script, runbase_dir):
    # W&B drops a logged _step and _runtime without a word. Here the row is kept and
    # the run says, once per name, that those values are not.
    proc = run_script(
        """
        import runbase
        run = runbase.init(project="rej", settings=runbase.Settings(
            console="off", disable_system_metrics=True))
        for i in range(3):
            run.log({"_step": 100 + i, "_timestamp": 5.0, "_runtime": 1.0, "y": i})
        run.log({"nested": {"ok": 1}, "_step": 7})
        run.finish()
        """
    )
    for key, fix in (("_step", "Pass step= to log()"), ("_timestamp", "Log the value")):
        assert proc.stderr.count(f"logged values under '{key}'") == 1, proc.stderr
        assert fix in proc.stderr
    assert proc.stderr.count("logged values under '_runtime'") == 1
    (run,) = runbase.Api().runs("rej")
    rows = run.history(pandas=False)
    assert [(r["_step"], r.get("y")) for r in rows] == [(0, 0), (1, 1), (2, 2), (3, None)]
    assert rows[3]["nested.ok"] == 1 and rows[0]["_timestamp"] > 1e9
    assert "_runtime" not in run.summary or run.summary["_runtime"] != 1.0


@pytest.mark.parametrize(
    ("value", "error", "says"),
    [
        (2**70, ValueError, r"config: 'k' is .*outside the range"),
        ({"inner": 2**70}, ValueError, r"config: 'k.inner' is .*outside the range"),
        (cyclic(), TypeError, r"config: the value of 'k.me' contains itself"),
        (deep(1000), TypeError, r"config: the value of 'k\.a\.a.*nested more than 100"),
    ],
    ids=["huge-int", "nested-huge-int", "cyclic", "deep"],
)
def test_a_rejected_config_change_changes_nothing(runbase_dir, value, error, says):
    run = new_run(config={"lr": 0.1})
    with pytest.raises(error, match=says):
        run.config.update({"k": value, "other": 1})
    with pytest.raises(error, match=says):
        run.config["k"] = value
    assert dict(run.config.items()) == {"lr": 0.1}
    run.config.update({"k": 3})
    run.log({"x": 1})
    run.finish()
    got = runbase.Api().run(run.path)
    assert got.config == {"lr": 0.1, "k": 3}
    assert got.summary["x"] == 1


@pytest.mark.parametrize(
    ("value", "error", "says"),
    [
        (2**70, ValueError, r"summary: 'best' is .*outside the range"),
        (cyclic(), TypeError, r"summary: the dict under 'best.me' contains itself"),
        (deep(1000), TypeError, r"summary: the dict under 'best\.a\.a.*nested more than 100"),
    ],
    ids=["huge-int", "cyclic", "deep"],
)
def test_a_rejected_summary_change_changes_nothing(runbase_dir, value, error, says):
    run = new_run()
    run.log({"best": 1.0})
    with pytest.raises(error, match=says):
        run.summary["best"] = value
    with pytest.raises(error, match=says):
        run.summary.update({"best": value})
    assert run.summary["best"] == 1.0
    run.summary["best"] = 2.0
    run.finish()
    assert runbase.Api().run(run.path).summary["best"] == 2.0


def test_everything_logged_before_survives_a_string_of_rejected_calls(runbase_dir):
    run = new_run()
    expected = []
    for i in range(5):
        run.log({"x": i})
        expected.append((i, i))
        for bad in (
            lambda: run.log({"x": 2**70}),
            lambda: run.log({"x": 1}, step=2**70),
            lambda: run.log(deep(500)),
            lambda: run.config.update({"c": cyclic()}),
            lambda: run.summary.update({"s": 2**70}),
        ):
            with pytest.raises((TypeError, ValueError)):
                bad()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no stray warnings from the rejected calls
        run.log({"x": 5})
    expected.append((5, 5))
    run.finish()
    assert [(r["_step"], r["x"]) for r in history(run)] == expected
