"""The two seed documents' examples, run unchanged with `import runbase as wandb`."""

from __future__ import annotations

import re
from pathlib import Path

import runbase

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
LOCAL_SEEDS = Path(__file__).resolve().parent / "seed_examples"


def seed_blocks() -> list[str]:
    """Python code blocks of the multiple-runs seed (kept in the repo beside this test)."""
    return sorted(p.read_text() for p in LOCAL_SEEDS.glob("*.py"))


def as_runbase(code: str) -> str:
    return code.replace("import wandb", "import runbase as wandb")


def test_concurrent_processes_example(run_script, runbase_dir):
    code = (LOCAL_SEEDS / "concurrent_processes.py").read_text()
    assert "import wandb" in code
    run_script(as_runbase(code))
    api = runbase.Api()
    runs = {r.name: r for r in api.runs("my_project")}
    assert set(runs) == {"tracking_run", "training_1", "training_2"}
    assert all(r.state == "finished" for r in runs.values())
    tracking = runs["tracking_run"]
    hist = tracking.history(pandas=False)
    assert [h["eval_loss"] for h in hist] == [0.27, 0.27]
    assert [h["eval_accuracy"] for h in hist] == [0.91, 0.91]
    assert tracking.summary["eval_accuracy"] == 0.91
    for name in ("training_1", "training_2"):
        assert runs[name].summary["train_loss"] == 0.42
        # Sub-runs start and end inside the primary run's lifetime.
        assert runs[name].created_at >= tracking.created_at


def test_setup_create_new_overview(run_script, runbase_dir):
    code = (LOCAL_SEEDS / "setup_create_new.py").read_text()
    run_script(as_runbase(code))
    runs = list(runbase.Api().runs("Uncategorized"))
    parent = [r for r in runs if len(r.history(pandas=False)) == 3]
    assert len(runs) == 4 and len(parent) == 1
    assert [row["result"] for row in parent[0].history(pandas=False)] == [0, 1, 2]
    assert all(r.state == "finished" for r in runs)


def test_create_run_example_prints_name_and_url(run_script, runbase_dir):
    proc = run_script(
        """
        import runbase as wandb
        run = wandb.init(entity="wandbee", project="model_registry_example")
        print("RESULT", run.name, run.id, run.url)
        run.finish()
        """
    )
    name, run_id, url = re.search(r"RESULT (\S+) (\S+) (\S+)", proc.stdout).groups()
    assert re.fullmatch(r"[a-z]+-[a-z]+-1", name)
    assert url.endswith(f"/wandbee/model_registry_example/runs/{run_id}")
    assert name in proc.stderr and url in proc.stderr
    run = runbase.Api().run(f"wandbee/model_registry_example/{run_id}")
    assert run.name == name and run.state == "finished"


def test_default_project_is_uncategorized(run_script, runbase_dir):
    run_script("import runbase as wandb\nrun = wandb.init()\nrun.finish()\n")
    (run,) = runbase.Api().runs("Uncategorized")
    assert run.project == "Uncategorized"
