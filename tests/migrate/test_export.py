"""runbase export: the runs table and the history, read back with pandas."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import runbase
from runbase.cli.main import main
from tests.conftest import QUIET

pd = pytest.importorskip("pandas")


@pytest.fixture
def project(runbase_dir):
    for lr in (0.1, 0.01):
        with runbase.init(project="exp", config={"lr": lr, "opt": {"name": "sgd"}}, settings=QUIET):
            for step in range(3):
                row = {"loss": lr * (3 - step), "phase": "train" if step < 2 else "eval"}
                if step == 2:
                    row["w"] = runbase.Histogram([1, 2, 3])
                runbase.log(row)
            runbase.summary["best"] = lr
    return "exp"


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_reads_back_in_pandas(project, tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / "out"
    got = CliRunner().invoke(main, ["export", project, "--format", fmt, "--out", str(out)])
    assert got.exit_code == 0, got.output
    read = pd.read_parquet if fmt == "parquet" else pd.read_csv
    runs = read(out / f"runs.{fmt}")
    assert sorted(runs["config.lr"]) == [0.01, 0.1]
    assert set(runs["config.opt.name"]) == {"sgd"} and set(runs["state"]) == {"finished"}
    assert sorted(runs["summary.best"]) == [0.01, 0.1]
    history = read(out / f"history.{fmt}")
    assert len(history) == 6 and set(history["run_id"]) == set(runs["run_id"])
    one = history[history["run_id"] == runs["run_id"][0]].sort_values("_step")
    lr = runs["config.lr"][0]
    assert list(one["loss"]) == pytest.approx([lr * 3, lr * 2, lr])
    assert list(one["phase"]) == ["train", "train", "eval"]
    assert '"_type": "histogram"' in one["w"].iloc[2]


def test_long_layout_has_one_row_per_value(project, tmp_path):
    got = CliRunner().invoke(
        main, ["export", project, "--format", "csv", "--layout", "long", "--out", str(tmp_path)]
    )
    assert got.exit_code == 0, got.output
    history = pd.read_csv(tmp_path / "history.csv")
    assert list(history.columns) == ["run_id", "_step", "_timestamp", "key", "value"]
    assert set(history["key"]) == {"loss"} and len(history) == 6


def test_unknown_project_is_a_clear_error(runbase_dir, tmp_path):
    got = CliRunner().invoke(main, ["export", "nothing-here", "--out", str(tmp_path)])
    assert got.exit_code == 1 and "has no runs to export" in got.output


@pytest.mark.parametrize("missing", ["pandas", "pyarrow"])
def test_a_missing_package_names_the_extra(project, tmp_path, monkeypatch, missing):
    import sys

    monkeypatch.setitem(sys.modules, missing, None)
    got = CliRunner().invoke(main, ["export", project, "--out", str(tmp_path)])
    assert got.exit_code == 1
    assert f"export needs {missing}: pip install 'runbase[export]'" in got.output
