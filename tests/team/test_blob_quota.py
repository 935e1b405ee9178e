"""The storage quota per entity (``runbase server --blob-quota``): an online run whose
files would take its entity over it is refused with 413, and the SDK says why once
while the run goes on locally; what the entity holds already does not count twice."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from runbase.server.team.quota import parse_size, show
from tests.pgscratch import scratch_schema

from .conftest import TeamServer, bootstrap, login_key, postgres_url

SCRIPT = textwrap.dedent(
    """
    import os, sys, runbase
    settings = runbase.Settings(console="off", disable_system_metrics=True)
    run = runbase.init(entity="alice", project="big", id=sys.argv[1], settings=settings)
    with open("weights.bin", "wb") as f:
        f.write(os.urandom(int(sys.argv[2])))
    run.save("weights.bin", policy="now")
    run.log({"loss": 0.5})
    run.finish()
    """
)


def test_sizes_read_as_people_write_them() -> None:
    assert parse_size("1024") == 1024 and parse_size("2K") == 2048
    assert parse_size("1.5G") == 3 << 29 and parse_size("50gb") == 50 << 30
    with pytest.raises(ValueError, match="not a size"):
        parse_size("lots")
    assert show(3 << 29) == "1.5 GiB" and show(12) == "12 bytes"


def test_a_run_over_its_entitys_quota_is_refused_and_says_why(tmp_path: Path) -> None:
    with scratch_schema(postgres_url()) as db_url:
        args = ("--blob-quota", "100K", "--blobs", str(tmp_path / "bucket"))
        server = TeamServer(db_url, tmp_path / "records", args=args).wait()
        try:
            bootstrap(server, ["alice"])
            key = login_key(server, "alice")
            env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNBASE_", "WANDB_"))}
            env |= {"RUNBASE_DIR": str(tmp_path / "laptop"), "HOME": str(tmp_path),
                    "RUNBASE_BASE_URL": server.url, "RUNBASE_API_KEY": key}  # fmt: skip

            def log(run_id: str, size: int) -> subprocess.CompletedProcess[str]:
                cmd = [sys.executable, "-c", SCRIPT, run_id, str(size)]
                return subprocess.run(
                    cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
                )

            small = log("small", 60_000)
            assert small.returncode == 0 and "quota" not in small.stderr, small.stderr
            big = log("big", 60_000)  # 120 kB in all: over the 100 KiB quota
            assert big.returncode == 0, big.stderr
            assert big.stderr.count("is not being sent to") == 1, big.stderr
            assert "413" in big.stderr and "its quota is 100.0 KiB" in big.stderr
            assert "ask the server's admin to raise --blob-quota" in big.stderr
            with server.client(key) as alice:
                r = alice.get("/api/v1/projects/alice/big/runs/small/files/weights.bin")
                assert r.status_code == 200 and len(r.content) == 60_000
                # Announcing blobs asks before any byte travels.
                wanted = {"blobs": [{"sha256": "a" * 64, "size": 50_000}]}
                r = alice.post("/api/v1/blobs/alice/big/uploads", json=wanted)
                detail = r.json()["detail"]  # the run's other files (metadata) count too
                assert r.status_code == 413 and "this 1 file (48.8 KiB) would go over" in detail
        finally:
            server.stop()
