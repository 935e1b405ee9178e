"""Faults with real processes: SIGKILL mid-log, two writers at once, a full disk."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from runbase.records.layout import blob_path
from runbase.sdk.artifacts import storage
from runbase.sdk.artifacts.manifest import entries_from_json, manifest_digest

LOGGER = """
import os, sys, runbase
run = runbase.init(project="p", settings={"silent": True, "console": "off"})
tag = sys.argv[1]
os.makedirs(f"data-{tag}", exist_ok=True)
for i in range(int(sys.argv[2])):
    for j in range(40):
        with open(f"data-{tag}/f{j}.bin", "wb") as f:
            f.write(os.urandom(64 << 10))
    art = runbase.Artifact("data", type="dataset")
    art.add_dir(f"data-{tag}")
    run.log_artifact(art)
    print(art.version, flush=True)
run.finish()
"""


def _start(tmp_path: Path, runbase_dir: Path, tag: str, count: int) -> subprocess.Popen[str]:
    script = tmp_path / "logger.py"
    script.write_text(LOGGER)
    env = dict(os.environ, RUNBASE_DIR=str(runbase_dir))
    return subprocess.Popen(
        [sys.executable, str(script), tag, str(count)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _check_whole(runbase_dir: Path) -> list[int]:
    """Every visible version is complete: manifest, info and every blob; numbers dense."""
    coll = next(storage.artifacts_root(runbase_dir).glob("*/p/data"))
    numbers = storage.version_numbers(coll)
    assert numbers == list(range(len(numbers)))
    for n in numbers:
        info = storage.read_json(coll / f"v{n}" / "version.json")
        entries = entries_from_json(storage.read_json(coll / f"v{n}" / "manifest.json"))
        assert manifest_digest(entries) == info["digest"] and len(entries) == 40
        assert all(blob_path(runbase_dir, e.sha256).is_file() for e in entries.values())
    return numbers


@pytest.mark.parametrize("delay", [0.4, 0.9, 1.7])
def test_sigkill_mid_log_leaves_no_half_version(
    runbase_dir: Path, tmp_path: Path, delay: float
) -> None:
    proc = _start(tmp_path, runbase_dir, "k", 1000)
    assert proc.stdout is not None
    proc.stdout.readline()  # v0 is logged: the loop is running
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    before = _check_whole(runbase_dir)
    after = _start(tmp_path, runbase_dir, "k", 1)  # the lock died with the process
    out, err = after.communicate(timeout=60)
    assert after.returncode == 0, err
    assert out.strip() == f"v{before[-1] + 1}"
    _check_whole(runbase_dir)


def test_two_processes_logging_at_once_get_distinct_versions(
    runbase_dir: Path, tmp_path: Path
) -> None:
    procs = [_start(tmp_path, runbase_dir, tag, 4) for tag in ("a", "b")]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    versions = sorted(v for out, _ in outs for v in out.split())
    assert versions == sorted(f"v{i}" for i in range(8))
    assert _check_whole(runbase_dir) == list(range(8))


def _on_small_disk(tmp_path: Path, mount: Path, code: str, runbase_dir: Path) -> dict:
    """Run ``code`` in a child with a 2 MiB tmpfs at ``mount`` (its own mount namespace);
    its last line of output, as JSON."""
    mount.mkdir()
    probe = ["unshare", "-Urm", "sh", "-c", f"mount -t tmpfs -o size=2m tmpfs {mount}"]
    if not shutil.which("unshare") or subprocess.run(probe, capture_output=True).returncode:
        pytest.skip("cannot make a small disk here (unshare -Urm + mount tmpfs not allowed)")
    script = f'mount -t tmpfs -o size=2m tmpfs {mount} && exec {sys.executable} -c "$0"'
    proc = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", script, textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=dict(os.environ, RUNBASE_DIR=str(runbase_dir)),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_full_disk_during_download_leaves_nothing_partial(
    runbase_dir: Path, tmp_path: Path
) -> None:
    mount = tmp_path / "small"
    code = f"""
        import json, os, runbase
        from runbase.sdk.artifacts import ArtifactDownloadError
        run = runbase.init(project="p", settings={{"silent": True, "console": "off"}})
        with open("big.bin", "wb") as f:
            f.write(os.urandom(3 << 20))
        art = runbase.Artifact("big", "model")
        art.add_file("big.bin")
        run.log_artifact(art)
        try:
            art.download({str(mount / "out")!r})
            print(json.dumps({{"error": None}}))
        except ArtifactDownloadError as e:
            left = os.listdir({str(mount / "out")!r})
            print(json.dumps({{"error": str(e), "left": left}}))
        run.finish()
    """
    result = _on_small_disk(tmp_path, mount, code, runbase_dir)
    assert "disk is full" in result["error"] and "big:v0" in result["error"]
    assert result["left"] == []


def test_a_full_disk_while_adding_says_so_and_leaves_no_part(tmp_path: Path) -> None:
    store = tmp_path / "small"  # RUNBASE_DIR itself
    code = f"""
        import json, os, runbase
        from runbase.sdk.artifacts import ArtifactError
        with open("big.bin", "wb") as f:
            f.write(os.urandom(3 << 20))
        art = runbase.Artifact("big", "model")
        try:
            art.add_file("big.bin")
            error = None
        except ArtifactError as e:
            error = str(e)
        tmp = os.path.join({str(store)!r}, "blobs", "tmp")
        left, files = os.listdir(tmp), len(art.files())
        # The blobs fit, then the disk fills before the version is written.
        run = runbase.init(project="p", settings={{"silent": True, "console": "off"}})
        with open("small.bin", "wb") as f:
            f.write(b"s" * 1000)
        art.add_file("small.bin")
        filler = os.path.join({str(store)!r}, "filler")
        with open(filler, "wb", buffering=0) as f:
            try:
                while f.write(b"x" * 4096):
                    pass
            except OSError:
                pass
        try:
            run.log_artifact(art)
            logged = None
        except ArtifactError as e:
            logged = str(e)
        os.unlink(filler)
        coll = os.path.join({str(store)!r}, "artifacts", run.entity, "p", "big")
        versions = os.listdir(coll) if os.path.isdir(coll) else []
        run.finish()
        print(json.dumps({{"error": error, "left": left, "files": files, "logged": logged,
                          "versions": [v for v in versions if v.startswith("v")]}}))
    """
    result = _on_small_disk(tmp_path, store, code, store)
    assert "is full while adding" in result["error"] and "big.bin" in result["error"]
    assert result["left"] == [] and result["files"] == 0
    assert "is full writing" in result["logged"] and "nothing was changed" in result["logged"]
    assert result["versions"] == []
