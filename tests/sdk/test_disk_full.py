"""A really full disk: a small tmpfs (or loop-mounted ext4) as RUNBASE_DIR, a real child process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import runbase

SIZE_MB = 16

# The child logs ~1 KB rows. The record file doubles its reservation up to 8 MB; past
# that, a whole growth step (8 MB more) no longer fits on the 16 MB disk.
CHILD_PRELUDE = """
import os, sys, runbase
disk = os.environ["RUNBASE_DIR"]
run = runbase.init(project="full", settings=runbase.Settings(
    console="off", disable_system_metrics=True, heartbeat_interval=3600.0))
pad = "x" * 1000
step = 0

def log(n):
    global step
    for _ in range(n):
        run.log({"i": step, "pad": pad})
        step += 1

def mark(text):
    print(text, file=sys.stderr, flush=True)
    print(text, flush=True)

def fill():
    # Take every byte left on the disk.
    try:
        with open(os.path.join(disk, "filler"), "wb") as f:
            while True:
                f.write(b"f" * 4096)
                f.flush()
    except OSError:
        pass
"""


def _mount(target: Path, tmp_path: Path) -> str | None:
    """Mount a SIZE_MB file system on ``target``; None, or why it could not be done."""
    tmpfs = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m", "tmpfs", str(target)],
        capture_output=True,
        text=True,
    )
    if tmpfs.returncode == 0:
        return None
    image = tmp_path / "disk.img"
    steps = [
        ["truncate", "-s", f"{SIZE_MB}M", str(image)],
        ["mkfs.ext4", "-q", "-m", "0", str(image)],
        ["mount", "-o", "loop", str(image), str(target)],
    ]
    for cmd in steps:
        if shutil.which(cmd[0]) is None:
            return f"tmpfs mount refused ({tmpfs.stderr.strip()}) and {cmd[0]} is missing"
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            return (
                f"tmpfs mount refused ({tmpfs.stderr.strip()}); loop device failed too: "
                f"{' '.join(cmd[:2])}: {proc.stderr.strip()}"
            )
    return None


@pytest.fixture
def small_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runbase_dir: Path
) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    target = tmp_path / "disk"
    target.mkdir()
    problem = _mount(target, tmp_path)
    if problem:
        pytest.skip(problem)
    monkeypatch.setenv("RUNBASE_DIR", str(target))
    try:
        yield target
    finally:
        if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(target)], capture_output=True)


def _run_child(run_script, disk: Path, body: str):
    return run_script(CHILD_PRELUDE + body, env={"RUNBASE_DIR": str(disk)}, timeout=120)


def _logged_steps(disk: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Steps of the run as runbase.Api reads them, from a copy off the small disk."""
    copy = disk.parent / "copy"
    shutil.copytree(disk, copy, ignore=shutil.ignore_patterns("filler", "ballast"))
    monkeypatch.setenv("RUNBASE_DIR", str(copy))
    (run,) = runbase.Api().runs("full")
    return [row["i"] for row in run.scan_history(keys=["i"])]


def test_logging_uses_the_last_megabytes_and_held_records_drain_when_a_little_frees(
    run_script, small_disk, monkeypatch
):
    proc = _run_child(
        run_script,
        small_disk,
        """
with open(os.path.join(disk, "ballast"), "wb") as f:
    f.write(b"b" * (3 << 20))  # freed later: 3 MB, less than a growth step
log(9500)                      # (a) ~9.5 MB: past 8 MB a growth step no longer fits
mark("PHASE-A-DONE")
fill()
log(1500)                      # (b) ~1.5 MB on a full disk: most of it is held
mark("HELD")
os.remove(os.path.join(disk, "ballast"))
log(200)
run.finish()
print("LOGGED", step)
""",
    )
    before_a, _, after_a = proc.stderr.partition("PHASE-A-DONE")
    assert "cannot write" not in before_a, before_a[-2000:]
    assert after_a.count("cannot write run") == 1, proc.stderr[-3000:]
    assert "lost" not in proc.stderr, proc.stderr[-3000:]
    logged = int(proc.stdout.split("LOGGED")[1])
    assert logged == 9500 + 1500 + 200
    assert _logged_steps(small_disk, monkeypatch) == list(range(logged))


def test_what_is_lost_when_space_never_returns_is_said_exactly_once(
    run_script, small_disk, monkeypatch
):
    proc = _run_child(
        run_script,
        small_disk,
        """
log(1000)
fill()
log(400)
mark("FINISHING")
run.finish()
print("LOGGED", step)
""",
    )
    assert proc.stderr.count("cannot write run") == 1, proc.stderr[-3000:]
    assert proc.stderr.count("held in memory") == 1
    finishing = proc.stderr.split("FINISHING")[1]
    m = re.search(
        r"(\d+) records? could not be written.*? lost: (.*?)\. Everything else", finishing
    )
    assert m, finishing
    parts = m[2].split(", ")  # e.g. "388 history rows (steps 1012 to 1399)", "1 file record"
    assert int(m[1]) == sum(int(p.split()[0]) for p in parts), finishing
    (rows,) = [p for p in parts if "history row" in p]
    logged = int(proc.stdout.split("LOGGED")[1])
    kept = _logged_steps(small_disk, monkeypatch)
    missing = sorted(set(range(logged)) - set(kept))
    assert kept[:1000] == list(range(1000)), "rows written before the disk filled survive"
    assert missing, finishing
    assert rows == f"{len(missing)} history rows (steps {missing[0]} to {missing[-1]})"
    assert missing == list(range(missing[0], logged)), "only the rows after the disk filled"
