"""The dir= and config-file examples of docs/sdk.md, run as written."""

from __future__ import annotations

import re
from pathlib import Path

import runbase

DOC = (Path(__file__).resolve().parents[2] / "docs" / "sdk.md").read_text()


def block(containing: str) -> str:
    for body in re.findall(r"```python\n(.*?)```", DOC, flags=re.S):
        if containing in body:
            return body
    raise AssertionError(f"no python block with {containing!r} in docs/sdk.md")


def test_the_dir_example_runs_as_documented(run_script, tmp_path):
    proc = run_script(block('dir="scratch"'), env={"RUNBASE_SILENT": "true"})
    run_dir, files = proc.stdout.strip().splitlines()[-2:]
    assert Path(run_dir).parent.parent == tmp_path / "scratch" / "wandb"
    assert "'notes.txt'" in files
    (run,) = list(runbase.Api().runs("dir-demo"))
    assert run.state == "finished"


def test_the_config_example_runs_as_documented(run_script, tmp_path, runbase_dir):
    (tmp_path / "config.yaml").write_text("lr:\n  desc: learning rate\n  value: 0.01\n")
    run_script(block("config_exclude_keys"), env={"RUNBASE_SILENT": "true"})
    runs = list(runbase.Api().runs("cfg-demo", order="+created_at"))
    assert [dict(r.config) for r in runs] == [{"lr": 0.01}] * 3
    stored = [p.read_bytes() for p in runbase_dir.rglob("*") if p.is_file()]
    assert not [data for data in stored if b"do-not-store" in data]
