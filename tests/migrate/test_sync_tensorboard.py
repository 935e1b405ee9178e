"""init(sync_tensorboard=True) and runbase.tensorboard.patch(): torch and tensorboardX writers."""

from __future__ import annotations

import numpy as np
import pytest

import runbase
from runbase.sdk import tb_sync
from tests.conftest import QUIET

torch_tb = pytest.importorskip("torch.utils.tensorboard")
tbx = pytest.importorskip("tensorboardX")


@pytest.fixture(autouse=True)
def _unpatched():
    yield
    tb_sync.unpatch()


def _write(writer, steps: int = 3) -> None:
    rng = np.random.default_rng(0)
    for step in range(steps):
        writer.add_scalar("loss", 1.0 / (step + 1), step * 10)
        writer.add_scalar("eval/acc", step * 0.25, step * 10)
        writer.add_histogram("weights", rng.normal(size=200), step * 10)
    image = np.zeros((3, 8, 6), dtype=np.float32)
    image[0] = 1.0  # red
    writer.add_image("sample", image, 20)
    writer.add_hparams({"lr": 0.01, "optimizer": "adam"}, {"hp/acc": 0.5})
    writer.close()


@pytest.mark.parametrize("writer_cls", [torch_tb.SummaryWriter, tbx.SummaryWriter])
def test_writers_reach_the_run_with_the_tb_step(runbase_dir, tmp_path, writer_cls):
    run = runbase.init(project="tb", sync_tensorboard=True, settings=QUIET)
    _write(writer_cls(str(tmp_path / "logs")))
    run.finish()
    api_run = runbase.Api().run(run.path)
    rows = api_run.history(pandas=False)
    loss = [(r["global_step"], r["loss"]) for r in rows if r.get("loss") is not None]
    assert loss == [(0, 1.0), (10, 0.5), (20, pytest.approx(1 / 3))]
    # one row per TensorBoard step: its scalars and histogram together
    at10 = next(r for r in rows if r.get("global_step") == 10)
    assert at10["eval/acc"] == 0.25
    hist = at10["weights"]
    assert hist["_type"] == "histogram" and sum(hist["values"]) == 200
    assert len(hist["bins"]) == len(hist["values"]) + 1
    image = next(r["sample"] for r in rows if r.get("sample") is not None)
    assert image["_type"] == "image-file" and (image["width"], image["height"]) == (6, 8)
    assert api_run.summary["loss"] == pytest.approx(1 / 3)
    assert api_run.config == {"lr": 0.01, "optimizer": "adam"}
    saved = [f.name for f in api_run.files()]
    assert any(name.startswith("logs/events.out.tfevents") for name in saved), saved


def test_the_setting_does_what_the_argument_does(runbase_dir, tmp_path):
    # W&B scripts also pass it as wandb.Settings(sync_tensorboard=True).
    run = runbase.init(project="tb", settings=runbase.Settings(silent=True, sync_tensorboard=True))
    writer = tbx.SummaryWriter(str(tmp_path / "logs"))
    writer.add_scalar("loss", 0.25, 5)
    writer.close()
    run.finish()
    rows = runbase.Api().run(run.path).history(pandas=False)
    assert [(r["global_step"], r["loss"]) for r in rows if r.get("loss") is not None] == [(5, 0.25)]


def test_several_log_dirs_prefix_keys_and_patch_is_explicit(runbase_dir, tmp_path):
    runbase.tensorboard.patch(root_logdir=str(tmp_path / "tb"))
    run = runbase.init(project="tb", settings=QUIET)
    train = torch_tb.SummaryWriter(str(tmp_path / "tb" / "train"))
    val = tbx.SummaryWriter(str(tmp_path / "tb" / "val"))
    for step in range(2):
        train.add_scalar("loss", 1.0 + step, step)
        val.add_scalar("loss", 2.0 + step, step)
    train.close()
    val.close()
    run.finish()
    rows = runbase.Api().run(run.path).history(pandas=False)
    assert [(r["global_step"], r["train/loss"], r["val/loss"]) for r in rows] == [
        (0, 1.0, 2.0),
        (1, 2.0, 3.0),
    ]
    assert rows[1]["train/global_step"] == 1 and rows[1]["val/global_step"] == 1


def test_namespace_rule_matches_wandb():
    assert tb_sync.namespace_for("/x/logs", ["/x/logs"]) == ""
    assert tb_sync.namespace_for("/x/train", ["/x/train"]) == "train"
    seen = ["/x/runs/a", "/x/runs/b"]
    assert tb_sync.namespace_for("/x/runs/b", seen) == "b"
    assert tb_sync.namespace_for("/r/x/y", ["/r/x/y"], "/r") == "x/y"


def test_no_run_means_no_logging_and_no_error(runbase_dir, tmp_path):
    runbase.tensorboard.patch()
    writer = tbx.SummaryWriter(str(tmp_path / "logs"))
    writer.add_scalar("loss", 1.0, 0)
    writer.close()
    assert list(runbase.Api().runs("tb")) == []


def test_without_tensorboard_the_run_still_works_and_says_what_to_install(runbase_dir):
    import subprocess
    import sys

    code = (
        "import sys, warnings\n"
        "sys.modules['tensorboard'] = sys.modules['tensorboardX'] = None\n"
        "import runbase\n"
        "with warnings.catch_warnings(record=True) as got:\n"
        "    warnings.simplefilter('always')\n"
        "    run = runbase.init(project='tb', sync_tensorboard=True, settings={'silent': True})\n"
        "run.log({'x': 1})\n"
        "run.finish()\n"
        "print([str(w.message) for w in got])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "pip install 'runbase[tensorboard]'" in proc.stdout
    (run,) = runbase.Api().runs("tb")
    assert run.summary["x"] == 1


def test_a_later_run_without_the_flag_gets_no_events(runbase_dir, tmp_path):
    with runbase.init(project="tb", sync_tensorboard=True, settings=QUIET):
        writer = tbx.SummaryWriter(str(tmp_path / "logs"))
        writer.add_scalar("loss", 1.0, 0)
    with runbase.init(project="plain", settings=QUIET) as later:
        writer.add_scalar("loss", 2.0, 1)
        later.log({"own": 1})
    writer.close()
    assert runbase.Api().runs("tb")[0].summary["loss"] == 1.0
    assert list(runbase.Api().run(later.path).summary.keys() & {"loss"}) == []
