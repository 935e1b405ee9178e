"""docs/server.md, run as written: its first block starts the server (on a
scratch schema and a free port), the others run in order in one shell."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.docs import blocks, page, run_shell
from tests.pgscratch import scratch_schema

from .conftest import TeamServer, postgres_url

DOC_DB = "postgresql+psycopg://runbase@127.0.0.1:5432/runbase"


def test_server_doc_runs_as_written(tmp_path: Path) -> None:
    start, *rest = blocks(page("server.md"), "bash")
    assert "runbase server --host 127.0.0.1 --port 8080" in start
    with scratch_schema(postgres_url()) as url:
        secret = subprocess.run(
            ["bash", "-c", start.split("\n")[1] + ' && echo "$RUNBASE_ADMIN_SECRET"'],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert len(secret) == 64
        server = TeamServer(url, tmp_path, env={"RUNBASE_ADMIN_SECRET": secret}).wait()
        try:
            # The python of these tests is the one that has runbase (Sending runs).
            path = f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"
            env = {**os.environ, "RUNBASE_ADMIN_SECRET": secret, "PATH": path}
            swap = {"http://127.0.0.1:8080": server.url}
            res = run_shell("\n".join(rest), swap, cwd=tmp_path, env=env, timeout=600)
            assert res.returncode == 0, res.stdout + res.stderr
            assert (
                '"members":[{"user":"ada","role":"member"},{"user":"root","role":"admin"}]'
                in res.stdout
            )
            assert "}401\n" in res.stdout
            # The web app: who is signed in (no one, then root), a project's visibility.
            assert '{"team":true,"user":null,' in res.stdout
            assert '"project":"cats","visibility":"public"}' in res.stdout
            # Sending runs: the offline run, shipped, reads back finished, by its sender.
            assert f'"url":"{server.url}/vision/cats/runs/first"' in res.stdout
            assert '["finished","root"]\n' in res.stdout
            # Many runs in one post: the same run again, and a project the key may not write.
            assert "[200, 404]\n" in res.stdout
            # A saved view (kept in the database) and the admin overview.
            assert 'best runs\n["ada","root","vision"]\n' in res.stdout
            # Files and media: a blob uploaded through the server, served as the run's file.
            assert res.stdout.rstrip().endswith("true\nhello from the blob store")
            assert secret not in server.output()
            with httpx.Client(base_url=server.url) as c:
                assert c.get("/api/v1/auth/me").status_code == 401
        finally:
            server.stop()
