"""Media tests: a W&B script (``import runbase as wandb``) runs in a child process,
then what it logged is read back through ``runbase.Api`` and checked byte for byte."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

HEADER = """
import numpy as np
import runbase as wandb
run = wandb.init(project="media", settings={"silent": True, "console": "off",
                                             "disable_system_metrics": True})
"""


class Logged:
    """A finished child run, read through ``runbase.Api(root=...)``."""

    def __init__(self, root: Path, proc: subprocess.CompletedProcess[str]) -> None:
        import runbase

        self.root = root
        self.proc = proc
        self.api = runbase.Api(root=root)
        (self.run,) = list(self.api.runs("media"))
        self.rows = list(self.run.history(pandas=False))
        self._downloads = root.parent / f"{root.name}-downloads"

    def value(self, key: str) -> Any:
        found = [r[key] for r in self.rows if key in r]
        assert found, f"{key!r} is in no history row: {self.rows}"
        return found[-1]

    def step_of(self, key: str) -> int:
        return next(r["_step"] for r in self.rows if key in r)

    def file_bytes(self, path: str) -> bytes:
        """Download a run file through the Api and return its bytes."""
        self.run.file(path).download(root=str(self._downloads), replace=True).close()
        return (self._downloads / path).read_bytes()

    def check_file(self, pointer: dict[str, Any], subdir: str, key: str, ext: str) -> bytes:
        """The file a pointer names exists, is named as W&B names it, and matches its hash."""
        data = self.file_bytes(pointer["path"])
        sha = hashlib.sha256(data).hexdigest()
        assert pointer["sha256"] == sha and pointer["size"] == len(data)
        step = self.step_of(key)
        assert pointer["path"] == f"{subdir}/{key}_{step}_{sha[:20]}{ext}"
        return data


def run_logged(
    tmp: Path, body: str, check: bool = True, env: dict[str, str] | None = None
) -> Logged:
    root = tmp / "runbase"
    script = tmp / "script.py"
    script.write_text(HEADER + textwrap.dedent(body) + "\nrun.finish()\n")
    full_env = dict(os.environ, RUNBASE_DIR=str(root), PYTHONUNBUFFERED="1", **(env or {}))
    proc = subprocess.run(
        [sys.executable, str(script)],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"script failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return Logged(root, proc)


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Logged:
    """The module's SCRIPT, logged once for all its tests."""
    return run_logged(tmp_path_factory.mktemp("media"), request.module.SCRIPT)


def png_pixels(data: bytes) -> Any:
    import io

    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "PNG"
        return np.asarray(im)


SHA_PATH = re.compile(r"^[0-9a-f]{64}$")
