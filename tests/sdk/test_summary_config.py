"""summary, define_metric and config behave like W&B's."""

from __future__ import annotations

import argparse

import pytest

import runbase
from tests.conftest import QUIET


def new_run(**kwargs):
    return runbase.init(project="sc", settings=runbase.Settings(**QUIET), **kwargs)


def test_summary_is_last_value_and_explicit_sets_stick(runbase_dir):
    run = new_run()
    for v in (3.0, 1.0, 2.0):
        run.log({"loss": v, "acc": v / 10})
    run.summary["best_acc"] = 0.99
    run.summary.update({"note": "ok"})
    run.summary["acc"] = 42  # explicit set wins until acc is logged again
    run.finish()
    s = runbase.Api().run(run.path).summary
    assert s["loss"] == 2.0 and s["acc"] == 42 and s["best_acc"] == 0.99 and s["note"] == "ok"
    assert run.summary["loss"] == 2.0


def test_define_metric_summaries_and_globs(runbase_dir):
    run = new_run()
    run.define_metric("loss", summary="min")
    run.define_metric("val/*", summary="max,mean")
    run.define_metric("acc", summary="none")
    for v in (3.0, 1.0, 2.0):
        run.log({"loss": v, "val/acc": v, "acc": v, "other": v})
    run.finish()
    s = runbase.Api().run(run.path).summary
    assert s["loss"] == {"min": 1.0}
    assert s["val/acc"] == {"max": 3.0, "mean": 2.0}
    assert "acc" not in s
    assert s["other"] == 2.0
    assert run.summary["loss"] == {"min": 1.0}


def test_define_metric_step_metric_syncs(runbase_dir):
    run = new_run()
    run.define_metric("epoch")
    run.define_metric("val_loss", step_metric="epoch")
    run.log({"epoch": 1})
    run.log({"val_loss": 0.5})
    run.finish()
    rows = runbase.Api().run(run.path).history(pandas=False)
    assert rows[1]["epoch"] == 1 and rows[1]["val_loss"] == 0.5


def test_define_metric_rejects_bad_arguments(runbase_dir):
    run = new_run()
    with pytest.raises(ValueError, match="summary"):
        run.define_metric("x", summary="best")
    with pytest.raises(ValueError, match="trailing"):
        run.define_metric("a*b")


def test_store_keeps_min_max_last_of_every_numeric_key(runbase_dir):
    run = new_run()
    for v in (3.0, float("nan"), 1.0, 2.0):
        run.log({"loss": v})
    run.finish()
    api_run = runbase.Api().run(run.path)
    assert api_run.summary["loss"] == 2.0
    stats = api_run.metric_stats["loss"]
    assert stats["min"] == 1.0 and stats["max"] == 3.0 and stats["last"] == 2.0


def test_config_access_update_and_change_protection(runbase_dir):
    ns = argparse.Namespace(lr=0.1, batch_size=32)
    run = new_run(config=ns)
    run.config.update({"model": {"layers": 4, "act": "relu"}})
    run.config.dropout = 0.5
    assert run.config.lr == 0.1 and run.config["batch_size"] == 32
    assert run.config.model["layers"] == 4
    with pytest.raises(runbase.ConfigError, match="allow_val_change"):
        run.config.lr = 0.2
    run.config.lr = 0.1  # same value: fine
    run.config.update({"lr": 0.3}, allow_val_change=True)
    run.finish()
    cfg = runbase.Api().run(run.path).config
    assert cfg == {
        "lr": 0.3,
        "batch_size": 32,
        "model": {"layers": 4, "act": "relu"},
        "dropout": 0.5,
    }


def test_init_allow_val_change(runbase_dir):
    run = new_run(config={"lr": 1}, allow_val_change=True)
    run.config.lr = 2
    run.finish()
    assert runbase.Api().run(run.path).config["lr"] == 2


def test_top_level_objects_before_init_say_what_to_do():
    with pytest.raises(runbase.UsageError, match=r"runbase.init\(\)"):
        runbase.config.lr = 1
    with pytest.raises(runbase.UsageError, match=r"runbase.init\(\)"):
        runbase.summary["x"]
    with pytest.raises(runbase.UsageError, match=r"runbase.init\(\)"):
        runbase.log({"a": 1})
