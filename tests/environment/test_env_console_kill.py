"""A SIGKILLed training process loses no console output: not on its terminal, not in its run.

Real scripts through the real SDK, killed with a real SIGKILL (by themselves,
or by this test once it has read their last line), then read back through
``runbase.Api`` once the run shows as crashed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import runbase
from runbase.records import Kind

LINES = 2000

SCRIPT = """
import os, signal, sys, time
import runbase
run = runbase.init(project="kill", settings=runbase.Settings(console=os.environ["CONSOLE"]))
open(os.environ["PATH_FILE"], "w").write(run.path)
print("printed half a second before the kill", flush=True)
print("an error line, as long before", file=sys.stderr, flush=True)
time.sleep(0.5)
for i in range({lines}):
    print(f"line {{i:05d}}", flush=True)
if os.environ.get("KILL_SELF"):
    os.kill(os.getpid(), signal.SIGKILL)
time.sleep(60)
"""


def _start(tmp_path: Path, runbase_dir: Path, console: str, kill_self: bool, **popen):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(SCRIPT.format(lines=LINES)))
    env = dict(
        os.environ,
        RUNBASE_DIR=str(runbase_dir),
        RUNBASE_SILENT="true",
        RUNBASE_DISABLE_SYSTEM_METRICS="true",
        CONSOLE=console,
        PATH_FILE=str(tmp_path / "path.txt"),
    )
    env.pop("PYTHONUNBUFFERED", None)
    if kill_self:
        env["KILL_SELF"] = "1"
    return subprocess.Popen([sys.executable, str(script)], env=env, cwd=tmp_path, **popen)


def _check(tmp_path: Path, terminal: str) -> None:
    want = [f"line {i:05d}" for i in range(LINES)]
    got = [ln for ln in terminal.splitlines() if ln.startswith("line ")]
    assert got == want, f"terminal got {len(got)} of {LINES} lines"
    api_run = runbase.Api().run((tmp_path / "path.txt").read_text())
    assert api_run.state == "crashed"
    logs = api_run.logs()
    lines = [(e["stream"], e["line"]) for e in logs]
    assert [ln for s, ln in lines if ln.startswith("line ")] == want
    assert ("stdout", "printed half a second before the kill") in lines
    assert ("stderr", "an error line, as long before") in lines
    assert len(lines) == LINES + 2, "no line is recorded twice"


@pytest.mark.parametrize("console", ["auto", "auto", "auto", "wrap"])
def test_sigkill_right_after_the_last_print(tmp_path, runbase_dir, console):
    proc = _start(tmp_path, runbase_dir, console, True, stdout=subprocess.PIPE)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    _check(tmp_path, out.decode())


@pytest.mark.parametrize("attempt", range(2))
def test_sigkill_from_outside_once_the_last_line_is_seen(tmp_path, runbase_dir, attempt):
    proc = _start(tmp_path, runbase_dir, "auto", False, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    seen = []
    for raw in proc.stdout:
        seen.append(raw.decode())
        if raw.startswith(f"line {LINES - 1:05d}".encode()):
            proc.send_signal(signal.SIGKILL)
            break
    rest = proc.stdout.read()  # the end comes once nothing holds the pipe any more
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    _check(tmp_path, "".join(seen) + rest.decode())


def test_sigkill_with_a_terminal_for_stdout(tmp_path, runbase_dir):
    # The capture uses a pseudo-terminal then; its buffer must survive the kill too.
    master, slave = os.openpty()
    got = bytearray()

    def pump() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            got.extend(data)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        proc = _start(tmp_path, runbase_dir, "auto", True, stdout=slave)
        os.close(slave)
        proc.wait(timeout=60)
        reader.join(timeout=30)
    finally:
        os.close(master)
    assert proc.returncode == -signal.SIGKILL
    _check(tmp_path, got.decode(errors="replace").replace("\r\n", "\n"))


def test_sigkill_gives_every_attached_run_its_lines(child):
    res = child(
        """
import signal
a = new_run("a"); ta = attach(a)
print("only a", flush=True)
b = new_run("b"); tb = attach(b)
for i in range(500):
    print(f"both {i}", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
""",
        prelude=False,
        check=False,
    )
    from fakerun import read_run

    assert res.proc.returncode == -signal.SIGKILL
    both = [f"both {i}" for i in range(500)]
    for sub, first in (("a", ["only a"]), ("b", [])):
        lines = [ln for k, _, p in read_run(res.root / sub) if k == Kind.OUTPUT for _, _, ln in p]
        assert lines == first + both, sub
    assert res.stdout.splitlines() == ["only a"] + both


LAST_WORDS = """
import os, time
import runbase
for _ in range(int(os.environ["RUNS"])):  # the second joins the running console helper
    settings = runbase.Settings(console="auto")
    run = runbase.init(project="kill", reinit="create_new", settings=settings)
open(os.environ["PATH_FILE"], "w").write(run.path)
print("the last words", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("runs", [1, 2])
def test_a_reader_syncing_from_the_kill_on_still_gets_the_last_line(tmp_path, runbase_dir, runs):
    # The helper appends the line a few milliseconds after the kill (it has
    # not even loaded the code for that yet: the run is young). A reader
    # that looks in between must not close the run's file without it.
    api = runbase.Api()
    api.projects()  # the store exists before the run: each sync below takes milliseconds
    script = tmp_path / "train.py"
    script.write_text(LAST_WORDS)
    env = dict(os.environ, RUNBASE_SILENT="true", RUNBASE_DISABLE_SYSTEM_METRICS="true")
    env.update(PATH_FILE=str(tmp_path / "path.txt"), RUNS=str(runs))
    env.pop("PYTHONUNBUFFERED", None)
    proc = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline() == b"the last words\n"
        path = (tmp_path / "path.txt").read_text()
        proc.send_signal(signal.SIGKILL)
        run = api.run(path)
        deadline = time.monotonic() + 30
        while run.state == "running" and time.monotonic() < deadline:
            run = api.run(path)
    finally:
        proc.kill()
        proc.communicate(timeout=30)
    assert run.state == "crashed"
    assert [(e["stream"], e["line"]) for e in run.logs()] == [("stdout", "the last words")]


FORKED_WORKER = """
import os, signal, time
import runbase
run = runbase.init(project="kill", settings=runbase.Settings(console="auto"))
open(os.environ["PATH_FILE"], "w").write(run.path)
worker = os.fork()
if worker == 0:
    time.sleep(60)  # outlives the training process, holding its stdout
    os._exit(0)
print(f"worker {worker}", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_forked_worker_that_lives_on_does_not_keep_the_run_running(tmp_path, runbase_dir):
    script = tmp_path / "train.py"
    script.write_text(FORKED_WORKER)
    env = dict(os.environ, RUNBASE_SILENT="true", RUNBASE_DISABLE_SYSTEM_METRICS="true")
    env.update(PATH_FILE=str(tmp_path / "path.txt"))
    proc = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    worker = int(line.split()[1])
    try:
        proc.wait(timeout=30)
        path = (tmp_path / "path.txt").read_text()
        deadline = time.monotonic() + 15
        run = runbase.Api().run(path)
        while run.state == "running" and time.monotonic() < deadline:
            time.sleep(0.05)
            run = runbase.Api().run(path)
        assert run.state == "crashed"
        assert [e["line"] for e in run.logs()] == [line.strip()]
    finally:
        os.kill(worker, signal.SIGKILL)
        proc.stdout.close()
