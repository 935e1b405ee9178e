"""runbase's own background work can be slow or broken; the training process never waits long."""

from __future__ import annotations

import os
import time

import runbase


def test_a_hanging_git_never_delays_init_finish_or_exit(run_script, runbase_dir, tmp_path):
    # A real executable named git, first on PATH, that never answers.
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    git = fake_bin / "git"
    git.write_text("#!/bin/sh\nsleep 60\n")
    git.chmod(0o755)
    t0 = time.monotonic()
    proc = run_script(
        """
        import time, runbase
        t0 = time.perf_counter()
        run = runbase.init(project="slow")
        t_init = time.perf_counter() - t0
        run.log({"x": 1})
        t0 = time.perf_counter()
        run.finish()
        print("TIMES", t_init, time.perf_counter() - t0)
        """,
        env={"PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"},
    )
    elapsed = time.monotonic() - t0
    t_init, t_finish = map(float, proc.stdout.split("TIMES")[1].split())
    assert t_init < 1.0 and t_finish < 5.0 and elapsed < 20
    (run,) = runbase.Api().runs("slow")
    assert run.state == "finished" and run.summary["x"] == 1
    assert "git" not in run.metadata  # the probe gave up; its field is left out


def test_exit_does_not_hang_on_a_thread_that_logs_forever(run_script, runbase_dir):
    proc = run_script(
        """
        import threading, runbase
        run = runbase.init(project="busy")
        def spam():
            i = 0
            while True:
                try:
                    run.log({"i": i})
                except runbase.UsageError:
                    return  # the run finished at exit: the thread stops
                i += 1
        threading.Thread(target=spam, daemon=True).start()
        import time; time.sleep(0.5)
        print("leaving")
        """,
        timeout=30,
    )
    assert "leaving" in proc.stdout
    (run,) = runbase.Api().runs("busy")
    assert run.state == "finished"
    assert len(list(run.scan_history(keys=["i"]))) > 100


def test_a_long_runs_record_file_does_not_grow_the_training_process(run_script, runbase_dir):
    """~50 MB of rows (500 keys a step): the process's resident file pages stay bounded,
    and every row is still there after a SIGKILL (released pages stay in the page cache)."""
    proc = run_script(
        """
        import os, signal, runbase

        def rss_file_mb():
            for line in open("/proc/self/status"):
                if line.startswith("RssFile:"):
                    return int(line.split()[1]) / 1024

        run = runbase.init(project="long", settings=runbase.Settings(
            console="off", disable_system_metrics=True, silent=True))
        row = {f"metric_{i}": 0.0 for i in range(500)}
        before = rss_file_mb()
        for step in range(5000):
            row["metric_0"] = float(step)
            run.log(row)
        print("GREW", rss_file_mb() - before, "SEGMENT", run._sink.size, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """,
        check=False,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stderr
    words = proc.stdout.split()
    grew, segment = float(words[1]), int(words[3])
    assert segment > 40 << 20
    assert grew < 12, f"resident record-file pages grew by {grew:.0f} MB"
    (run,) = runbase.Api(root=runbase_dir).runs("long")
    assert [r["metric_0"] for r in run.scan_history(keys=["metric_0"])] == [
        float(s) for s in range(5000)
    ]
