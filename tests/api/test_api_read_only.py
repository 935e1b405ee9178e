"""``runbase.Api`` and ``runbase ui`` over stores that cannot be written, and over
stores that cannot be used at all, each in a real child process.

A read-only folder or ``store.db`` is made two ways (tests/rofs.py): a read-only
bind mount, and permission bits with a child that lacks the capabilities that
let root ignore them. A full disk is a small tmpfs filled to the last byte.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import httpx
import pytest
from rofs import UNPRIVILEGED, Mechanism, fill, read_only_mount, small_disk

import runbase
from runbase.errors import StoreError

LOG = textwrap.dedent(
    """
    import sys
    import runbase
    quiet = {"silent": True, "console": "off", "disable_system_metrics": True}
    for run_id in sys.argv[1:]:
        run = runbase.init(project="ro", id=run_id, settings=quiet, reinit="create_new")
        for i in range(30):
            run.log({"loss": 1.0 / (i + 1)})
        run.finish()
    """
)

READ = textwrap.dedent(
    """
    import json, sys
    import runbase
    from runbase.errors import StoreError
    api = runbase.Api(root=sys.argv[1])
    runs = api.runs("ro")
    run = api.run("ro/r1")
    print(json.dumps({
        "read_only": api.read_only,
        "ids": sorted(r.id for r in runs),
        "history": [row["loss"] for row in run.history(pandas=False)],
        "projects": [p.name for p in api.projects()],
    }))
    try:
        run.name = "renamed"
        run.update()
    except StoreError as e:
        print("EDIT:", e)
    """
)

LOSSES = [1.0 / (i + 1) for i in range(30)]


def _child(args: list[str], root: Path, prefix: list[str] | None = None) -> subprocess.Popen:
    env = dict(os.environ, RUNBASE_DIR=str(root), PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [*(prefix or []), sys.executable, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(args: list[str], root: Path, prefix: list[str] | None = None) -> tuple[int, str, str]:
    proc = _child(args, root, prefix)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def late_run_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """r1 logged and indexed; r2 logged afterwards, so only a writable store shows it."""
    root = tmp_path_factory.mktemp("late") / "rb"
    for args in (["-c", LOG, "r1"], ["-c", "import runbase; runbase.Api().projects()"]):
        rc, _, err = _run(args, root)
        assert rc == 0, err
    rc, _, err = _run(["-c", LOG, "r2"], root)
    assert rc == 0, err
    return root


def _assert_read_only_reading(root: Path, prefix: list[str], why: str) -> None:
    rc, out, err = _run(["-c", READ, str(root)], root, prefix)
    assert rc == 0 and "Traceback" not in err, err
    data = json.loads(out.splitlines()[0])
    assert data["read_only"] is True
    assert data["ids"] == ["r1"]  # r2 came later: it cannot be indexed
    assert data["history"] == pytest.approx(LOSSES)
    assert data["projects"] == ["ro"]
    # The note, once, on stderr: what happened, and what to do.
    assert err.count("read-only store:") == 1, err
    assert why in err and "new records are not indexed" in err
    assert "EDIT: cannot edit runs, the store is read-only" in out


@pytest.fixture(params=["mount", "permissions"])
def mechanism(request: pytest.FixtureRequest) -> Mechanism:
    return Mechanism(request.param)


@pytest.mark.parametrize("target", ["folder", "store.db"])
def test_api_reads_a_read_only_store(
    tmp_path: Path, late_run_store: Path, mechanism: Mechanism, target: str
) -> None:
    root = tmp_path / "rb"
    shutil.copytree(late_run_store, root)
    path = root if target == "folder" else root / "store.db"
    why = "read-only file system" if mechanism.name == "mount" else "no permission to write"
    with mechanism.read_only(path):
        _assert_read_only_reading(root, mechanism.prefix, why)
    # Nothing was lost: with write access again, the late run is indexed.
    rc, out, err = _run(["-c", READ, str(root)], root)
    assert rc == 0, err
    assert json.loads(out.splitlines()[0])["ids"] == ["r1", "r2"]


def test_api_reads_a_full_disk(tmp_path: Path, late_run_store: Path) -> None:
    with small_disk(tmp_path / "disk", 16) as root:
        shutil.copytree(late_run_store, root, dirs_exist_ok=True)
        fill(root)
        _assert_read_only_reading(root, [], "is full")


# ---- runbase ui --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Ui:
    """``runbase ui`` in a child process, on a free loopback port."""

    def __init__(self, root: Path, prefix: list[str]) -> None:
        self.url = f"http://127.0.0.1:{_free_port()}"
        port = self.url.rsplit(":", 1)[1]
        args = ["-m", "runbase.cli.main", "ui", "--port", port, "--dir", str(root)]
        self.proc = _child(args, root, prefix)
        deadline = time.monotonic() + 30
        while self.proc.poll() is None and time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/api/v1/status", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.proc.kill()
        raise AssertionError(f"runbase ui did not start: {self.proc.communicate()}")

    def stop(self) -> tuple[str, str]:
        self.proc.terminate()
        return self.proc.communicate(timeout=20)


def _assert_ui_serves_read_only(root: Path, prefix: list[str], user: str, why: str) -> None:
    ui = _Ui(root, prefix)
    try:
        api = httpx.Client(base_url=f"{ui.url}/api/v1", timeout=30)
        status = api.get("/status").json()
        assert status["read_only"] is True and why in status["read_only_reason"]
        projects = api.get("/projects").json()["projects"]
        assert [(p["project"], p["run_count"]) for p in projects] == [("ro", 1)]
        runs = api.get(f"/projects/{user}/ro/runs").json()
        assert [r["id"] for r in runs["runs"]] == ["r1"]
        rows = api.get(f"/projects/{user}/ro/runs/r1/history").json()["rows"]
        assert [r["loss"] for r in rows] == pytest.approx(LOSSES)
        edit = api.patch(f"/projects/{user}/ro/runs/r1", json={"name": "renamed"})
        assert edit.status_code == 409
        assert edit.json()["detail"].startswith("cannot edit runs, the store is read-only")
    finally:
        out, err = ui.stop()
    assert "read-only store:" in out and why in out  # said at startup
    assert "read-only store:" not in err  # ... and not again on the first request
    assert "Traceback" not in out + err


def test_ui_serves_a_read_only_folder(
    tmp_path: Path, late_run_store: Path, mechanism: Mechanism, user: str
) -> None:
    root = tmp_path / "rb"
    shutil.copytree(late_run_store, root)
    why = "read-only file system" if mechanism.name == "mount" else "no permission to write"
    with mechanism.read_only(root):
        _assert_ui_serves_read_only(root, mechanism.prefix, user, why)


def test_ui_serves_a_full_disk(tmp_path: Path, late_run_store: Path, user: str) -> None:
    with small_disk(tmp_path / "disk", 16) as root:
        shutil.copytree(late_run_store, root, dirs_exist_ok=True)
        fill(root)
        _assert_ui_serves_read_only(root, [], user, "is full")


# ---- stores that cannot be used: one line that says what to do ------------------


def _not_a_store(root: Path) -> tuple[list[str], AbstractContextManager[None], str]:
    root.mkdir(parents=True)
    (root / "store.db").write_text("not a database\n" * 100)
    return [], nullcontext(), "is not a usable runbase store"


def _unreadable(root: Path) -> tuple[list[str], AbstractContextManager[None], str]:
    root.mkdir(parents=True)
    rc, _, err = _run(["-c", LOG, "r1"], root)
    assert rc == 0, err
    (root / "store.db").touch()
    (root / "store.db").chmod(0)
    return (UNPRIVILEGED if os.geteuid() == 0 else []), nullcontext(), "permission denied"


def _uncreatable(root: Path) -> tuple[list[str], AbstractContextManager[None], str]:
    root.parent.mkdir(exist_ok=True)
    return [], read_only_mount(root.parent), "cannot create the folder"


@pytest.mark.parametrize("case", ["missing", "not a store", "unreadable", "uncreatable"])
def test_ui_refuses_an_unusable_store_in_one_line(tmp_path: Path, case: str) -> None:
    root = tmp_path / "parent" / "rb"
    prefix, context, expected = [], nullcontext(), "there is no folder"
    if case == "not a store":
        prefix, context, expected = _not_a_store(root)
    elif case == "unreadable":
        prefix, context, expected = _unreadable(root)
    elif case == "uncreatable":
        prefix, context, expected = _uncreatable(root)
    # --dir names a folder that must exist; RUNBASE_DIR (the default) is made if missing.
    where = [] if case == "uncreatable" else ["--dir", str(root)]
    with context:
        # A free port: `runbase ui` binds it first (a busy port is its first message).
        port = str(_free_port())
        rc, out, err = _run(["-m", "runbase.cli.main", "ui", "--port", port, *where], root, prefix)
    assert rc == 1, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert expected in lines[0] and "Traceback" not in err


def test_api_raises_store_errors_that_say_what_to_do(tmp_path: Path) -> None:
    _not_a_store(tmp_path / "garbage")
    with pytest.raises(StoreError, match="is not a usable runbase store.*move it away"):
        runbase.Api(root=tmp_path / "garbage").runs("ro")
    missing = tmp_path / "new" / "folder"
    # A folder no run was logged to has no runs; reading it does not make it
    # (test_api_missing_root.py).
    assert runbase.Api(root=missing).projects() == []
    assert not missing.exists()
