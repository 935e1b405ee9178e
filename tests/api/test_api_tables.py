"""Reading logged tables back: ``run.table``, ``run.use_table`` and the docs' example."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import runbase

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("api-media")
    env = {**os.environ, "RUNBASE_DIR": str(root), "PYTHONPATH": str(REPO / "src")}
    script = REPO / "tests" / "web" / "make_media_runs.py"
    subprocess.run([sys.executable, str(script)], env=env, check=True, capture_output=True)
    return root


@pytest.fixture(scope="module")
def run(media_root: Path) -> runbase.api.Run:
    return runbase.Api(root=media_root).run("team/media/tab1")


def test_use_table_gives_a_dataframe_of_the_latest_table(run):
    df = run.use_table("big")
    assert df.shape == (100_000, 4) and list(df.columns) == ["id", "name", "score", "label"]
    assert df["score"].max() == pytest.approx(0.99999)
    cm = run.use_table("cm_table")
    assert int(cm["nPredictions"].sum()) == 200


def test_table_without_pandas_and_its_media_files(run, tmp_path):
    table = run.table("samples")
    assert isinstance(table, runbase.Table) and table.step == 50
    assert table.columns == ["idx", "image", "pred"] and len(table.data) == 6
    cell = table.get_column("image")[2]
    assert cell["_type"] == "image-file" and cell["caption"] == "sample 2"
    with run.file(cell["path"]).download(root=str(tmp_path)) as f:
        assert Path(f.name).read_bytes().startswith(b"\x89PNG")
    assert table.get_dataframe().shape == (6, 3)


def test_use_table_without_pandas_says_what_to_install(run, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"runbase\[pandas\].*run\.table\(key\)"):
        run.use_table("samples")


def test_missing_tables_and_other_values_are_clear_errors(run):
    with pytest.raises(KeyError, match="no table logged under 'nope'"):
        run.table("nope")
    with pytest.raises(KeyError, match="at step 3; its steps: 50"):
        run.table("samples", step=3)
    with pytest.raises(ValueError, match="'weights' holds a histogram, not a table"):
        run.use_table("weights")
    with pytest.raises(ValueError, match="step must be"):
        run.table("samples", step=-1)


def test_the_docs_example_runs(media_root, tmp_path, monkeypatch):
    text = (REPO / "docs" / "api.md").read_text()
    block = re.search(r"test_api_tables\.py runs this block -->\n```python\n(.*?)```", text, re.S)
    assert block is not None
    monkeypatch.chdir(tmp_path)
    exec(block.group(1), {"api": runbase.Api(root=media_root)})  # noqa: S102 - our own docs
    assert list((tmp_path / "out" / "media" / "images").glob("*.png"))


def test_the_web_docs_example_logs_what_the_panels_show(tmp_path):
    text = (REPO / "docs" / "web.md").read_text()
    block = re.search(r"### Tables, histograms and charts.*?```python\n(.*?)```", text, re.S)
    assert block is not None
    env = {**os.environ, "RUNBASE_DIR": str(tmp_path), "PYTHONPATH": str(REPO / "src")}
    subprocess.run([sys.executable, "-c", block.group(1)], env=env, check=True, capture_output=True)
    (run,) = runbase.Api(root=tmp_path).runs("demo")
    assert len(run.table("preds").data) == 10
    assert run.table("roc_table").columns == ["class", "fpr", "tpr"]
    assert "roc" in run.config["_wandb"]["visualize"]
