"""Fixtures for the framework tests: a Python where runbase is installed as ``pip`` does it.

The opt-in reaches a fresh interpreter through ``runbase_as_wandb.pth`` in
site-packages, so these tests need an environment where runbase is installed
with it. The session builds this checkout's editable wheel with the project's own
build backend and ``pip install``s it into a new venv that also sees the test
venv's packages (torch, transformers, lightning, keras, the real wandb) through a
``.pth`` that adds its site-packages. That venv's Python is the one the tests, and
the processes the frameworks spawn, run.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def opt_in_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``python`` of a venv with this checkout installed (editable), hook file included."""
    tmp = tmp_path_factory.mktemp("opt-in-venv")
    # The project's build backend, run as pip runs it: in the project folder.
    build = (
        "import sys; sys.path.insert(0, 'build_backend'); import runbase_build; "
        "print(runbase_build.build_editable(sys.argv[1]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", build, str(tmp / "wheels")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    wheel = tmp / "wheels" / out.strip().splitlines()[-1]
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
    subprocess.run([*pip, "--no-deps", "--no-index", str(wheel)], check=True)
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # After runbase's own .pth files (alphabetical order): the test venv's packages.
    shared = sysconfig.get_paths()["purelib"]
    Path(purelib, "zz-test-venv.pth").write_text(f"import site; site.addsitedir({shared!r})\n")
    # torchrun as pip would have installed it here (the docs run it), on this venv's Python.
    torchrun = venv / "bin" / "torchrun"
    torchrun.write_text(
        f"#!{python}\nimport sys\nfrom torch.distributed.run import main\nsys.exit(main())\n"
    )
    torchrun.chmod(0o755)
    return python
