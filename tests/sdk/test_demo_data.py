"""`make demo`'s example runs look like real training: losses start near chance and
fall smoothly, with noise, never below zero; accuracies stay in [0, 1] and rise."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

import runbase

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _example(runbase_dir: Path, *args: str) -> None:
    env = {**os.environ, "RUNBASE_DIR": str(runbase_dir)}
    subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True, timeout=300)


def _column(rows: list[dict], key: str) -> list[float]:
    return [r[key] for r in rows if r.get(key) is not None]


def _falls_smoothly_with_noise(values: list[float]) -> None:
    assert min(values) > 0, "a loss below zero"
    tenth = len(values) // 10
    # Medians: the example logs an occasional spike on purpose.
    means = [statistics.median(values[i : i + tenth]) for i in range(0, tenth * 10, tenth)]
    # Smoothly: no tenth of the run is higher than the one before (but for the noise
    # left in a median of 40 values, once the curve is flat near its floor)...
    assert all(b < a * 1.03 for a, b in zip(means, means[1:], strict=False)), means
    assert means[0] > 3 * means[-1], means
    # ...with noise: consecutive values do not simply fall step after step.
    rises = sum(b > a for a, b in zip(values, values[1:], strict=False))
    assert rises > len(values) // 5, rises


def test_train_example_logs_a_plausible_learning_curve(runbase_dir: Path) -> None:
    for lr, opt in (("0.003", "sgd"), ("0.1", "adam")):
        _example(
            runbase_dir, str(EXAMPLES / "train.py"), "--lr", lr, "--optimizer", opt,
            "--epochs", "4", "--steps-per-epoch", "100", "--project", "demo-check",
        )  # fmt: skip
    runs = list(runbase.Api().runs("demo-check"))
    assert len(runs) == 2
    for run in runs:
        rows = list(run.scan_history())
        loss, acc = _column(rows, "train/loss"), _column(rows, "train/accuracy")
        assert len(loss) == 400
        _falls_smoothly_with_noise(loss)
        assert (
            0.7 < statistics.median(loss[:5]) < 1.6
        )  # a 3-class cross-entropy starts near ln 3 = 1.1
        assert all(0 <= a <= 1 for a in acc)
        assert statistics.mean(acc[:10]) < 0.5 < statistics.mean(acc[-40:])  # from chance up
        val_acc = _column(rows, "val/accuracy")
        val_loss = _column(rows, "val/loss")
        assert len(val_acc) == 4 and all(0 <= a <= 1 for a in val_acc)
        assert val_acc[-1] > val_acc[0] and val_loss[-1] < val_loss[0]


def test_sweep_example_logs_positive_losses_and_accuracies_in_range(runbase_dir: Path) -> None:
    _example(runbase_dir, str(EXAMPLES / "sweep.py"), "--count", "3", "--project", "sw")
    runs = list(runbase.Api().runs("sw"))
    assert runs
    for run in runs:
        rows = list(run.scan_history())
        assert all(v > 0 for v in _column(rows, "val_loss"))
        assert all(0 <= a <= 1 for a in _column(rows, "val_accuracy"))
