"""Forking while runbase's threads are busy: children never hang on a lock held at fork time."""

from __future__ import annotations

import runbase


def test_forked_children_make_their_own_runs_while_parent_threads_are_busy(run_script, runbase_dir):
    proc = run_script(
        """
        import os, sys, threading, time
        import runbase

        settings = runbase.Settings(system_sample_interval=0.1)
        parent = runbase.init(project="fork", name="parent", settings=settings)
        stop = threading.Event()

        def chatter():
            i = 0
            while not stop.is_set():
                print(f"parent line {i}", flush=True)
                i += 1

        threading.Thread(target=chatter, daemon=True).start()
        pids = []
        for n in range(20):
            pid = os.fork()
            if pid == 0:
                # Deadlock guard: a child stuck on an inherited lock dies here instead.
                threading.Timer(20, lambda: os._exit(99)).start()
                run = runbase.init(project="fork", name=f"child-{n}", settings=settings)
                run.log({"n": n})
                run.finish()
                os._exit(0)
            pids.append(pid)
            time.sleep(0.02)
        codes = [os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) for p in pids]
        stop.set()
        parent.finish()
        print("CODES", codes, file=sys.stderr)
        """,
        timeout=120,
    )
    assert "CODES [" + ", ".join(["0"] * 20) + "]" in proc.stderr
    runs = {r.name: r for r in runbase.Api().runs("fork")}
    assert len(runs) == 21
    assert all(r.state == "finished" for r in runs.values())
    assert sorted(runs[f"child-{n}"].summary["n"] for n in range(20)) == list(range(20))
