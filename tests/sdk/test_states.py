"""How runs end: finished, failed, crashed — decided by real processes and real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import runbase


def only_run(project: str = "st"):
    runs = list(runbase.Api().runs(project))
    assert len(runs) == 1, runs
    return runs[0]


@pytest.mark.parametrize(
    ("body", "state", "exit_code", "process_status"),
    [
        ("pass", "finished", 0, 0),
        ("raise RuntimeError('boom')", "failed", 1, 1),
        ("import sys; sys.exit(3)", "failed", 3, 3),
        ("import sys; sys.exit(0)", "finished", 0, 0),
        # Python dies by SIGINT on an uncaught KeyboardInterrupt; runbase must not change that.
        ("raise KeyboardInterrupt", "failed", 255, -signal.SIGINT),
    ],
)
def test_unfinished_run_is_finished_at_exit(
    run_script, runbase_dir, body, state, exit_code, process_status
):
    proc = run_script(
        f"""
        import runbase
        run = runbase.init(project="st")
        run.log({{"x": 1}})
        {body}
        """,
        check=False,
    )
    assert proc.returncode == process_status
    run = only_run()
    assert run.state == state
    assert run.exit_code == exit_code
    assert run.summary["x"] == 1


def test_with_block_exception_fails_the_run_and_reraises(run_script, runbase_dir):
    proc = run_script(
        """
        import runbase
        try:
            with runbase.init(project="st") as run:
                run.log({"x": 1})
                raise ValueError("inside")
        except ValueError as e:
            print("reraised", e)
        """
    )
    assert "reraised inside" in proc.stdout
    assert only_run().state == "failed"


def test_sigkill_loses_nothing_acknowledged_and_becomes_crashed(runbase_dir, tmp_path):
    script = tmp_path / "train.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys, runbase
            run = runbase.init(project="st", settings=runbase.Settings(console="off"))
            print(run.path, flush=True)
            step = 0
            while True:
                run.log({"step_value": float(step), "sq": step * step})
                if step % 1000 == 0:
                    print(step, flush=True)   # acknowledged: log() returned for <= step
                step += 1
            """
        )
    )
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, RUNBASE_DIR=str(runbase_dir)),
    )
    path = proc.stdout.readline().strip()
    acknowledged = -1
    while acknowledged < 20_000:
        acknowledged = int(proc.stdout.readline())
    run = runbase.Api().run(path)
    assert run.state == "running"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    t0 = time.time()
    run = runbase.Api().run(path)
    while run.state == "running" and time.time() - t0 < 10:
        time.sleep(0.2)
        run = runbase.Api().run(path)
    assert run.state == "crashed"
    values = [r["step_value"] for r in run.scan_history(keys=["step_value"])]
    assert len(values) > acknowledged
    assert values == [float(i) for i in range(len(values))]


def test_sigterm_marks_failed_and_keeps_the_signal_exit(runbase_dir, tmp_path):
    script = tmp_path / "t.py"
    script.write_text(
        "import time, runbase\nrun = runbase.init(project='st')\nrun.log({'a': 1})\n"
        "print('ready', flush=True)\ntime.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, RUNBASE_DIR=str(runbase_dir)),
    )
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == -signal.SIGTERM
    run = only_run()
    assert run.state == "failed" and run.exit_code == 143 and run.summary["a"] == 1


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_runs_made_in_child_processes_finish(run_script, runbase_dir, method):
    run_script(
        f"""
        import multiprocessing as mp
        import sys
        import runbase

        def work(i):
            run = runbase.init(project="st", name=f"child-{{i}}")
            run.log({{"i": i}})
            # no finish(): the child's exit must finish it
            if i == 2:
                raise RuntimeError("this child fails")
            if i == 3:
                sys.exit(4)

        if __name__ == "__main__":
            parent = runbase.init(project="st", name="parent")
            ctx = mp.get_context({method!r})
            procs = [ctx.Process(target=work, args=(i,)) for i in range(4)]
            for p in procs: p.start()
            for p in procs: p.join()
            assert [p.exitcode for p in procs] == [0, 0, 1, 4]
            parent.log({{"children": 2}})
            parent.finish()
        """
    )
    runs = {r.name: r for r in runbase.Api().runs("st")}
    assert {name: r.state for name, r in runs.items()} == {
        "parent": "finished",
        "child-0": "finished",
        "child-1": "finished",
        "child-2": "failed",
        "child-3": "failed",
    }
    assert runs["child-2"].exit_code == 1 and runs["child-3"].exit_code == 4
    assert runs["child-1"].summary["i"] == 1 and runs["parent"].summary["children"] == 2


def test_forked_child_cannot_corrupt_the_parents_run(run_script, runbase_dir):
    proc = run_script(
        """
        import os, runbase
        run = runbase.init(project="st", name="parent")
        run.log({"x": 1})
        pid = os.fork()
        if pid == 0:
            try:
                run.log({"x": 99})
                os._exit(0)
            except runbase.UsageError as e:
                print("child refused:", e, flush=True)
                os._exit(7)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 7
        run.log({"x": 2})
        run.finish()
        """
    )
    assert "forked child" in proc.stdout
    run = only_run()
    assert run.state == "finished"
    assert [r["x"] for r in run.history(pandas=False)] == [1, 2]
