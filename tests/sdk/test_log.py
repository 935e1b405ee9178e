"""log(): steps, commit, nesting, value types, bad input."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import runbase
from tests.conftest import QUIET


def new_run(**kwargs):
    return runbase.init(project="log", settings=runbase.Settings(**QUIET), **kwargs)


def history(run):
    return runbase.Api().run(run.path).history(pandas=False)


def test_steps_count_up_and_commit_false_accumulates(runbase_dir):
    run = new_run()
    run.log({"a": 1})
    run.log({"b": 2}, commit=False)
    run.log({"c": 3})
    run.log({"d": 4})
    run.finish()
    rows = history(run)
    assert [r["_step"] for r in rows] == [0, 1, 2]
    assert rows[0]["a"] == 1
    assert rows[1]["b"] == 2 and rows[1]["c"] == 3
    assert rows[2]["d"] == 4


def test_explicit_steps_merge_like_wandb(runbase_dir):
    run = new_run()
    run.log({"loss": 0.5}, step=5)
    run.log({"acc": 0.7}, step=5)
    run.log({"loss": 0.4})  # commits row 5, next is 6
    run.log({"loss": 0.3}, step=10, commit=True)
    run.log({"loss": 0.2})
    run.finish()
    rows = history(run)
    assert [(r["_step"], r.get("loss"), r.get("acc")) for r in rows] == [
        (5, 0.4, 0.7),
        (10, 0.3, None),
        (11, 0.2, None),
    ]


def test_lower_step_is_kept_and_warned_once(runbase_dir):
    run = new_run()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run.log({"loss": 0.5}, step=5)
        run.log({"loss": 0.7}, step=3)
        run.log({"loss": 0.8}, step=2)
        run.log({"loss": 0.6})
    run.finish()
    lower = [w for w in caught if "lower than the current step" in str(w.message)]
    assert len(lower) == 1
    rows = history(run)
    assert [(r["_step"], r["loss"]) for r in rows] == [(5, 0.5), (3, 0.7), (2, 0.8), (5, 0.6)]


def test_nested_dicts_are_flattened(runbase_dir):
    run = new_run()
    run.log({"train": {"loss": 1.0, "acc": {"top1": 0.5}}, "val/loss": 2.0})
    run.finish()
    (row,) = history(run)
    assert row["train.loss"] == 1.0 and row["train.acc.top1"] == 0.5 and row["val/loss"] == 2.0
    assert runbase.Api().run(run.path).summary["train.acc.top1"] == 0.5


def test_values_round_trip_exactly(runbase_dir):
    run = new_run()
    run.log(
        {
            "nan": float("nan"),
            "inf": float("inf"),
            "ninf": float("-inf"),
            "tiny": 5e-324,
            "big": 2**62,
            "flag": True,
            "text": "héllo",
            "none": None,
            "np_f32": np.float32(0.1),
            "np_i64": np.int64(7),
            "np_arr": np.arange(4, dtype=np.float64),
            "np_one": np.array([[3.5]]),
        }
    )
    run.finish()
    (row,) = history(run)
    assert math.isnan(row["nan"]) and row["inf"] == math.inf and row["ninf"] == -math.inf
    assert row["tiny"] == 5e-324 and row["big"] == 2**62 and row["flag"] is True
    assert row["text"] == "héllo" and row["none"] is None
    assert row["np_f32"] == float(np.float32(0.1)) and row["np_i64"] == 7
    assert row["np_arr"] == [0.0, 1.0, 2.0, 3.0] and row["np_one"] == 3.5


def test_torch_tensors(runbase_dir):
    torch = pytest.importorskip("torch", reason="torch is not installed in this environment")
    run = new_run()
    run.log({"t0": torch.tensor(1.5), "t1": torch.tensor([1.0, 2.0]), "ti": torch.tensor(3)})
    run.finish()
    (row,) = history(run)
    assert row["t0"] == 1.5 and row["t1"] == [1.0, 2.0] and row["ti"] == 3


def test_unsupported_value_names_key_and_type_and_logs_nothing(runbase_dir):
    run = new_run()
    run.log({"ok": 1})
    with pytest.raises(TypeError, match=r"'bad'.*object"):
        run.log({"fine": 2, "bad": object()})
    with pytest.raises(TypeError, match=r"'arr'.*1000 elements"):
        run.log({"arr": np.array(["x"] * 1000)})  # numbers would become a histogram
    with pytest.raises(TypeError, match="dictionary"):
        run.log([1, 2])
    with pytest.raises(TypeError, match="keys must be strings"):
        run.log({1: 2})
    run.log({"ok": 3})
    run.finish()
    rows = history(run)
    assert [r["ok"] for r in rows] == [1, 3]
    assert all("fine" not in r for r in rows)
    assert run.step == 2


def test_logging_to_a_finished_run_raises(runbase_dir):
    run = new_run()
    run.finish()
    run.finish()  # idempotent
    with pytest.raises(runbase.UsageError, match="finished"):
        run.log({"a": 1})


def test_huge_dict_is_stored_with_a_warning(runbase_dir):
    run = new_run()
    big = {f"k{i}": "x" * 100 for i in range(100_000)}  # ~10 MB
    with pytest.warns(RuntimeWarning, match="MB"):
        run.log({"big": big})
    run.log({"after": 1})
    run.finish()
    api_run = runbase.Api().run(run.path)
    assert api_run.summary["big.k99999"] == "x" * 100
    assert api_run.summary["after"] == 1


def test_common_wandb_calls_do_not_break_a_script(run_script, runbase_dir):
    proc = run_script(
        """
        import runbase as wandb
        assert wandb.login() is True
        run = wandb.init(project="compat")
        try:
            wandb.watch(object(), log="all", log_freq=10)  # W&B refuses a non-torch model too
        except TypeError as e:
            print(e)
        wandb.alert(title="loss spiked", text="loss went above 10", level="WARN")
        wandb.mark_preempting()
        wandb.unwatch()
        wandb.log({"loss": 1.0})
        run.finish()
        """
    )
    assert "expected a PyTorch model (a torch.nn.Module" in proc.stdout
    (run,) = runbase.Api().runs("compat")
    assert run.state == "finished" and run.summary["loss"] == 1.0
    lines = [entry["line"] for entry in run.logs()]
    assert "runbase alert [WARN] loss spiked: loss went above 10" in lines
