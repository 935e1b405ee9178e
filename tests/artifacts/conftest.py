"""Artifacts tests: a fresh RUNBASE_DIR, the current directory in tmp_path, and a run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

QUIET = {"silent": True, "console": "off", "disable_system_metrics": True}


@pytest.fixture
def here(runbase_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def run(here: Path):
    import runbase

    r = runbase.init(project="p", settings=QUIET)
    yield r
    r.finish()


def write_tree(base: Path, files: dict[str, bytes | str]) -> Path:
    for name, data in files.items():
        p = base / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)
    return base


def blob_count(root: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(root / "blobs" / "sha256"))
