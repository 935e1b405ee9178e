"""Console capture in real child processes: what is printed reaches the run once
and the terminal unchanged, in every capture mode."""

from __future__ import annotations

import json
import os
import threading

from runbase.records import Kind
from runbase.sdk.environment.terminal import MAX_LINE, TRUNCATED

SCENARIO = """
import subprocess
from runbase.sdk.environment import console
print("mode", console.HUB.mode, file=sys.stderr)
print("plain line")
sys.stdout.flush()
os.write(1, b"raw fd line\\n")
print("to stderr", file=sys.stderr)
CHILD = "import sys; print('child says hi'); print('child err', file=sys.stderr)"
subprocess.run([sys.executable, "-c", CHILD])
from tqdm import tqdm
for i in tqdm(range(300), mininterval=0, desc="bar"):
    pass
print("after bar")
finish()
print("not captured")
"""


MANUAL = """
print("before attach is not captured")
run = new_run()
att = attach(run)
def finish():
    att.detach()
    run.close()
"""


def test_redirect_captures_once_and_tees(child):
    res = child(MANUAL + SCENARIO, prelude=False)
    from fakerun import read_run

    res.records = read_run(res.root / "run")
    assert "mode redirect" in res.stderr
    lines = res.lines
    for want in [
        ("stdout", "plain line"),
        ("stdout", "raw fd line"),
        ("stdout", "child says hi"),
        ("stdout", "after bar"),
        ("stderr", "to stderr"),
        ("stderr", "child err"),
    ]:
        assert lines.count(want) == 1, (want, lines)
    bars = [line for s, line in lines if "bar:" in line]
    assert len(bars) == 1 and "300/300" in bars[0], bars
    assert ("stdout", "not captured") not in lines
    assert ("stdout", "before attach is not captured") not in lines
    # The terminal (our pipe) got everything, byte for byte in order.
    out = res.stdout.splitlines()
    assert out == [
        "before attach is not captured",
        "plain line",
        "raw fd line",
        "child says hi",
        "after bar",
        "not captured",
    ]
    assert "\r" in res.stderr and "300/300" in res.stderr
    assert all(isinstance(t, float) for batch in res.of(Kind.OUTPUT) for t, _, _ in batch)


def test_wrap_mode(child):
    res = child(SCENARIO, settings={"console": "wrap"})
    assert "mode wrap" in res.stderr
    lines = res.lines
    for want in [("stdout", "plain line"), ("stdout", "after bar"), ("stderr", "to stderr")]:
        assert lines.count(want) == 1, (want, lines)
    assert ("stdout", "raw fd line") not in lines  # below Python: only redirect sees it
    assert len([line for s, line in lines if "bar:" in line]) == 1
    assert "raw fd line" in res.stdout and "not captured" in res.stdout


def test_console_off(child):
    res = child(SCENARIO, settings={"console": "off"})
    assert res.of(Kind.OUTPUT) == []
    assert "plain line" in res.stdout


def test_binary_garbage_and_very_long_lines(child):
    res = child(
        """
sys.stdout.buffer.write(b"bin \\xff\\xfe\\x00\\x07 \\x1b[31mred\\x1b[0m end\\n")
sys.stdout.buffer.write("split \\u00e9".encode()[:-1])  # a UTF-8 character cut in two writes
sys.stdout.flush()
sys.stdout.buffer.write("\\u00e9".encode()[-1:] + b"\\n")
print("x" * 200_000)
print("after long")
finish()
"""
    )
    lines = [line for s, line in res.lines if s == "stdout"]
    assert lines[0] == "bin \ufffd\ufffd \x1b[31mred\x1b[0m end"
    assert lines[1] == "split \u00e9"
    assert lines[2] == "x" * MAX_LINE + TRUNCATED
    assert lines[3] == "after long"
    assert res.stdout.count("x") >= 200_000  # the terminal still got it all


def test_each_line_goes_to_the_runs_attached_when_printed(child):
    res = child(
        """
a = new_run("a"); ta = attach(a)
print("only a")
b = new_run("b"); tb = attach(b)
print("both")
ta.detach(); a.close()
print("only b")
tb.detach(); b.close()
print("nobody")
""",
        prelude=False,
    )
    from fakerun import read_run

    def lines(sub):
        return [ln for k, _, p in read_run(res.root / sub) if k == Kind.OUTPUT for _, _, ln in p]

    assert lines("a") == ["only a", "both"]
    assert lines("b") == ["both", "only b"]
    assert res.stdout.splitlines() == ["only a", "both", "only b", "nobody"]


def test_detach_restores_streams_and_is_bounded(child):
    res = child(
        """
import subprocess, threading
before = (os.fstat(1).st_ino, os.fstat(2).st_ino, id(sys.stdout), id(sys.stderr))
run = new_run()
att = attach(run)
def finish():
    att.detach()
    run.close()
# A child that outlives the run and still holds the captured stdout.
LATE = "import time; time.sleep(1); print('late child', flush=True)"
late = subprocess.Popen([sys.executable, "-c", LATE])
print("in run")
t = time.perf_counter()
finish()
took = time.perf_counter() - t
after = (os.fstat(1).st_ino, os.fstat(2).st_ino, id(sys.stdout), id(sys.stderr))
late.wait()
time.sleep(0.2)
names = [t.name for t in threading.enumerate() if t.name.startswith("runbase")]
print(json.dumps({"took": took, "same": before == after, "threads": names}))
""",
        prelude=False,
    )
    from fakerun import read_run

    res.records = read_run(res.root / "run")
    info = json.loads(res.stdout.strip().splitlines()[-1])
    assert info["same"] and info["took"] < 1.5, info
    assert info["threads"] == [], info  # the reader ends once the late child is gone
    assert "late child" in res.stdout  # forwarded to the terminal after detach
    assert ("stdout", "late child") not in res.lines and ("stdout", "in run") in res.lines


def test_nothing_printed_means_no_output_records(child):
    res = child("time.sleep(1.3)\nfinish()\n", settings={"disable_system_metrics": True})
    assert res.of(Kind.OUTPUT) == []


def test_terminal_stays_a_terminal(child, tmp_path, monkeypatch):
    import fcntl
    import struct
    import termios

    # shutil.get_terminal_size() reads COLUMNS first; some runners (pytest-xdist) set it.
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    master, slave = os.openpty()
    # A real terminal has a size (tqdm draws nothing on a 0-column one); the
    # capture's own pty must inherit it.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    got = bytearray()

    def pump():
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
        res = child(
            """
import shutil
print("isatty", os.isatty(1), sys.stdout.isatty(), shutil.get_terminal_size().columns)
from tqdm import tqdm
for i in tqdm(range(50), mininterval=0, file=sys.stdout, desc="ttybar"):
    pass
print("done")
finish()
""",
            stdout=slave,
        )
    finally:
        os.close(slave)
        reader.join(timeout=5)
        os.close(master)
    lines = [ln for s, ln in res.lines if s == "stdout"]
    assert lines[0] == "isatty True True 100"
    assert len([ln for ln in lines if "ttybar" in ln]) == 1 and lines[-1] == "done"
    text = got.decode(errors="replace")
    assert "isatty True True 100" in text and "done" in text and "50/50" in text


def test_no_capture_cost_when_idle(child):
    # While nothing is printed, capture must burn no CPU: the reader blocks in
    # select() and the flusher wakes once a second. Process CPU time is immune
    # to other load on the machine, unlike wall-clock loop timings.
    res = child(
        """
# Git and the package list are slow probes on a busy machine: not what is measured.
r = new_run(system_sample_interval=60, disable_git=True, save_requirements=False)
a = attach(r)
time.sleep(0.5)  # let the background probes finish
c = time.process_time()
time.sleep(2.0)
idle_cpu = time.process_time() - c
a.detach(); r.close()
print(json.dumps(idle_cpu))
""",
        prelude=False,
    )
    idle_cpu = json.loads(res.stdout.strip().splitlines()[-1])
    assert idle_cpu < 0.02, idle_cpu


def test_a_dead_helper_costs_the_program_nothing(child):
    # If the console helper process disappears, the program keeps printing to its
    # terminal (no hang, no EPIPE), and finishing stays bounded.
    res = child(
        """
import signal
from runbase.sdk.environment import console
client = console.HUB._capture.client
deadline = time.time() + 20
while client.helper_pid is None and time.time() < deadline:
    time.sleep(0.01)
os.kill(client.helper_pid, signal.SIGKILL)
time.sleep(0.2)
for i in range(3000):
    print(f"after {i}", flush=True)
t = time.perf_counter()
finish()
print(json.dumps(time.perf_counter() - t))
"""
    )
    out = res.stdout.splitlines()
    assert out[:-1] == [f"after {i}" for i in range(3000)]
    assert json.loads(out[-1]) < 3.0


def test_without_a_helper_process_a_thread_does_the_work(child):
    # Where no interpreter can be started (a frozen app), the same loop runs on a thread.
    res = child(
        """
from runbase.sdk.environment import teeclient
teeclient.TeeClient._spawn = staticmethod(lambda *args: None)
run = new_run()
att = attach(run)
print("on a thread")
print("err on a thread", file=sys.stderr)
att.detach()
run.close()
print("after")
""",
        prelude=False,
    )
    from fakerun import read_run

    res.records = read_run(res.root / "run")
    # (stdout reaches the pipe at detach, when Python flushes its buffer: after stderr)
    assert sorted(res.lines) == [("stderr", "err on a thread"), ("stdout", "on a thread")]
    assert res.stdout.splitlines() == ["on a thread", "after"]
