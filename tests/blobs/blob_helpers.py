"""Helpers of the blob tests: children that open the store under test, test data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

CHILD_PRELUDE = """
import json, os, resource, sys, time
from runbase.blobs import open_blob_store
store = open_blob_store(sys.argv[1])

def report(info, **extra):
    print(json.dumps({"sha256": info.sha256, "size": info.size, "created": info.created,
                      **extra}), flush=True)
"""


def child_factory(backend: Any, tmp_path: Path) -> Callable[..., subprocess.Popen[str]]:
    def start(source: str, *args: str) -> subprocess.Popen[str]:
        script = tmp_path / f"child_{uuid.uuid4().hex[:8]}.py"
        script.write_text(CHILD_PRELUDE + textwrap.dedent(source))
        env = dict(os.environ, **backend.env)
        return subprocess.Popen(
            [sys.executable, str(script), backend.url, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    return start


def finish(proc: subprocess.Popen[str], timeout: float = 240) -> dict:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"child failed ({proc.returncode}):\n{err}"
    return json.loads(out.strip().splitlines()[-1])


def pattern_chunks(n_mib: int, seed: int = 0) -> Iterator[bytes]:
    """``n_mib`` distinct MiB chunks, cheap to make (no RNG), same for the same seed."""
    for i in range(n_mib):
        yield (seed * 1_000_003 + i).to_bytes(8, "little") * (1 << 17)
