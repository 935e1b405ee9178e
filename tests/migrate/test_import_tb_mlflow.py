"""runbase import tensorboard / mlflow: real event files and a real MLflow store."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

import runbase
from runbase.cli.main import main


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def _write_tb(logdir) -> None:
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    tbx = pytest.importorskip("tensorboardX")
    for writer in (torch_tb.SummaryWriter(str(logdir / "a")), tbx.SummaryWriter(str(logdir / "b"))):
        for step in range(3):
            writer.add_scalar("loss", 1.0 / (step + 1), step * 5)
            writer.add_scalar("lr", 0.1, step * 5)
            writer.add_histogram("w", np.arange(10.0) + step, step * 5)
        writer.add_image("sample", np.ones((3, 4, 5), dtype=np.float32), 10)
        writer.close()
    hp = torch_tb.SummaryWriter(str(logdir / "search"))
    hp.add_hparams({"lr": 0.1, "optimizer": "adam"}, {"hp/acc": 0.9}, run_name="trial-1")
    hp.close()


def test_tensorboard_logdir_becomes_one_run_per_folder(runbase_dir, tmp_path):
    logdir = tmp_path / "tb-logs"
    _write_tb(logdir)
    got = _cli("import", "tensorboard", str(logdir))
    assert got.exit_code == 0, got.output
    # SummaryWriter("search") wrote an event file with no values: named, not a run
    assert "nothing to import in search: its event files hold no values" in got.output
    runs = {r.name: r for r in runbase.Api().runs("tb-logs")}
    assert set(runs) == {"a", "b", "search/trial-1"}
    trial = runs.pop("search/trial-1")  # add_hparams: the hyperparameters are the config
    assert trial.config == {"lr": 0.1, "optimizer": "adam"} and trial.summary[
        "hp/acc"
    ] == pytest.approx(0.9)
    for run in runs.values():
        assert run.state == "finished"
        rows = run.history(pandas=False)
        assert [(r["_step"], r["global_step"], r["lr"]) for r in rows] == [
            (0, 0, pytest.approx(0.1)),
            (5, 5, pytest.approx(0.1)),
            (10, 10, pytest.approx(0.1)),
        ]
        assert rows[1]["loss"] == 0.5
        assert rows[2]["w"]["_type"] == "histogram" and sum(rows[2]["w"]["values"]) == 10
        assert run.summary["loss"] == pytest.approx(1 / 3)
        image = rows[2]["sample"]
        assert image["_type"] == "image-file" and (image["width"], image["height"]) == (5, 4)
        assert image["path"] in [f.name for f in run.files()]
    again = _cli("import", "tensorboard", str(logdir), "--project", "tb-logs")
    assert "0 imported, 3 already there" in again.output
    assert len(runbase.Api().runs("tb-logs")) == 3


def test_tensorboard_bad_logdirs(runbase_dir, tmp_path):
    missing = _cli("import", "tensorboard", str(tmp_path / "nope"))
    assert missing.exit_code == 1 and "is not a folder" in missing.output
    empty = _cli("import", "tensorboard", str(tmp_path))
    assert empty.exit_code == 1 and "no TensorBoard event files" in empty.output


@pytest.fixture
def mlflow_store(tmp_path, monkeypatch) -> str:
    tracking = pytest.importorskip("mlflow.tracking")
    # A folder store: an SQLite one costs ~10 s of schema migrations on 2 cores. MLflow 3
    # keeps folder stores in maintenance mode, and they are what old projects hold.
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    uri = (tmp_path / "mlruns").as_uri()
    client = tracking.MlflowClient(tracking_uri=uri)
    exp = client.create_experiment("churn model")
    done = client.create_run(exp, run_name="baseline", tags={"team": "growth"})
    rid = done.info.run_id
    for step in range(3):
        client.log_metric(rid, "loss", 1.0 / (step + 1), step=step * 10)
    client.log_metric(rid, "auc", 0.8, step=20)
    client.log_param(rid, "lr", "0.01")
    client.log_param(rid, "optimizer", "adam")
    client.set_tag(rid, "mlflow.note.content", "first try")
    client.set_terminated(rid)
    failed = client.create_run(exp, run_name="broken")
    client.log_metric(failed.info.run_id, "loss", 9.0, step=0)
    client.set_terminated(failed.info.run_id, status="FAILED")
    child = client.create_run(exp, run_name="fold-1", tags={"mlflow.parentRunId": rid})
    for i, value in enumerate((0.3, 0.2, 0.1)):  # no step given: MLflow puts all at 0
        client.log_metric(child.info.run_id, "loss", value, timestamp=1_700_000_000_000 + i)
    client.set_terminated(child.info.run_id)
    return uri


def test_mlflow_runs_come_with_steps_params_and_tags(runbase_dir, mlflow_store):
    got = _cli("import", "mlflow", mlflow_store)
    assert got.exit_code == 0, got.output
    runs = {r.name: r for r in runbase.Api().runs("churn model")}
    assert set(runs) == {"baseline", "broken", "fold-1"}
    assert runs["fold-1"].group == runs["baseline"].id
    base = runs["baseline"]
    assert base.state == "finished" and runs["broken"].state == "failed"
    assert base.config == {"lr": 0.01, "optimizer": "adam"}
    assert base.tags == ["team=growth"] and base.notes == "first try"
    rows = base.history(pandas=False)
    assert [(r["_step"], r["loss"]) for r in rows] == [
        (0, 1.0),
        (10, 0.5),
        (20, pytest.approx(1 / 3)),
    ]
    assert rows[2]["auc"] == 0.8 and base.summary["auc"] == 0.8
    fold = runs["fold-1"].history(pandas=False)
    assert [(r["_step"], r["mlflow_step"], r["loss"]) for r in fold] == [
        (0, 0, 0.3),
        (1, 0, 0.2),
        (2, 0, 0.1),
    ]
    again = _cli("import", "mlflow", mlflow_store)
    assert "0 imported, 3 already there" in again.output


def test_mlflow_unreachable_or_missing_store(runbase_dir, tmp_path):
    pytest.importorskip("mlflow")
    missing = _cli("import", "mlflow", f"sqlite:///{tmp_path / 'none.db'}")
    assert missing.exit_code == 1 and "does not exist" in missing.output
    down = _cli("import", "mlflow", "http://127.0.0.1:9")
    assert down.exit_code == 1 and "cannot read the MLflow tracking store" in down.output


@pytest.mark.parametrize(
    ("source", "module", "extra"),
    [
        ("tensorboard", "tensorboard.backend.event_processing.event_file_loader", "tensorboard"),
        ("mlflow", "mlflow.tracking", "mlflow-import"),
    ],
)
def test_a_missing_package_names_the_extra(
    runbase_dir, tmp_path, monkeypatch, source, module, extra
):
    import sys

    (tmp_path / "events.out.tfevents.1").write_bytes(b"")
    monkeypatch.setitem(sys.modules, module, None)
    got = _cli("import", source, str(tmp_path))
    assert got.exit_code == 1 and f"pip install 'runbase[{extra}]'" in got.output
