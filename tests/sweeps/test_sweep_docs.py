"""Every example of docs/sweeps.md runs: the Python example, then the shell
commands over the page's train.py and sweep.yaml."""

from __future__ import annotations

import shlex
import subprocess
import sys

import runbase
from tests import docs

from .conftest import REPO

DOC = docs.page("sweeps.md")


def blocks(header: str) -> list[str]:
    return docs.blocks(DOC, header)


def test_the_python_example_runs(sweep_env, tmp_path):
    (example,) = blocks("python")
    proc = subprocess.run(
        [sys.executable, "-c", example], env=sweep_env, cwd=tmp_path,
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    state, count, lr = proc.stdout.split()[-3:]
    assert (state, count) == ("running", "4") and 1e-4 <= float(lr) <= 1e-1


def test_the_shell_commands_run(sweep_env, tmp_path, runbase_dir):
    (tmp_path / "train.py").write_text(blocks('python title="train.py"')[0])
    (tmp_path / "sweep.yaml").write_text(blocks('yaml title="sweep.yaml"')[0])
    # The Hugging Face example's command runs in tests/integration (it needs the opt-in).
    (commands,) = [b for b in blocks("sh") if "runbase run" not in b]
    sweep_id = None
    for line in commands.splitlines():
        args = shlex.split(line.replace("SWEEP_ID", sweep_id or "SWEEP_ID"))
        assert args[0] == "runbase"
        proc = subprocess.run(
            [sys.executable, "-m", "runbase.cli.main", *args[1:]], env=sweep_env,
            cwd=tmp_path, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert proc.returncode == 0, f"{line}\n{proc.stdout}\n{proc.stderr}"
        if sweep_id is None:
            sweep_id = proc.stdout.split("created sweep ")[1].split()[0]
    sweep = runbase.Api(root=runbase_dir).sweep(f"sweep-demo/{sweep_id}")
    assert sweep.state == "stopped" and len(sweep.runs) == 3
    lrs = sorted((r.config["lr"], r.config["batch_size"]) for r in sweep.runs)
    assert lrs == [(0.01, 16), (0.1, 16), (0.1, 64)]


def test_the_demo_sweep_example_runs(sweep_env, tmp_path, runbase_dir):
    proc = subprocess.run(
        [sys.executable, str(REPO / "examples" / "sweep.py"), "--count", "6"],
        env=sweep_env, cwd=tmp_path, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert ": 6 runs, best " in proc.stdout
    (sweep,) = [s for s in (runbase_dir / "sweeps").glob("*/demo-sweep/*")]
    assert runbase.Api(root=runbase_dir).sweep(f"demo-sweep/{sweep.name}").state == "running"
