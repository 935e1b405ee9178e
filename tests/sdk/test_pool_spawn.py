"""A spawn ``multiprocessing.Pool`` with a run open in the parent shuts down, every time.

The hang this guards against: runbase put a Python SIGTERM handler in a Pool worker
that opened a run. ``pool.terminate()`` SIGTERMs the workers and waits for them; an
idle worker waits for its next task in a semaphore, where a Python handler may never
run (the signal lands just before the wait, or on another thread), while the worker
that held that semaphore is already dead. The worker lived on and the parent waited
forever. Now multiprocessing children keep SIGTERM's default action, and runbase's
threads block the signals Python handles.
"""

from __future__ import annotations

import json
import os

import runbase

# The old hang came about once in some 40 terminated pools: RUNBASE_POOL_STRESS=200 to
# hunt longer (read here: the runbase_dir fixture clears RUNBASE_* variables).
ITERATIONS = int(os.environ.get("RUNBASE_POOL_STRESS", "24"))

WORKERS = """
import os


def plain(x):
    return x * 2


def imports_runbase(x):
    import runbase  # noqa: F401

    return x + 1


def opens_run(x):
    import runbase

    # Default settings: the system-metrics and console threads are part of the pattern.
    run = runbase.init(project="pool-worker", reinit="create_new", settings={"silent": True})
    run.log({"x": x})
    return os.getpid()  # the run is left open: the worker's exit (or kill) ends it
"""

STRESS = """
import json, multiprocessing as mp, os, signal, sys, threading, time
import workers

ITERATIONS, LIMIT = {iterations}, {limit}
# The hang needs a worker with a run open when it is terminated: half the iterations.
PATTERNS = [("opens_run", "terminate"), ("plain", "terminate"), ("opens_run", "terminate"),
            ("opens_run", "close"), ("opens_run", "terminate"), ("imports_runbase", "close")]


def watchdog(pool, done, i):
    if not done.wait(LIMIT):
        print(json.dumps({{"hung": i, "pattern": PATTERNS[i % len(PATTERNS)]}}), flush=True)
        for p in list(pool._pool):  # leave no worker behind
            try:
                os.kill(p.pid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(3)


if __name__ == "__main__":
    import runbase

    ctx = mp.get_context("spawn")
    for i in range(ITERATIONS):
        fn, end = PATTERNS[i % len(PATTERNS)]
        run = runbase.init(project="pool", settings={{"silent": True}})
        pool = ctx.Pool(2)
        done = threading.Event()
        threading.Thread(target=watchdog, args=(pool, done, i), daemon=True).start()
        out = pool.map(getattr(workers, fn), range(4))
        getattr(pool, end)()
        pool.join()
        done.set()
        run.log({{"n": len(out)}})
        runbase.finish()
    print(json.dumps({{"iterations": ITERATIONS}}), flush=True)
"""


def test_spawn_pool_workers_never_hang_at_shutdown(run_script, tmp_path):
    (tmp_path / "workers.py").write_text(WORKERS)
    iterations = ITERATIONS
    proc = run_script(
        STRESS.format(iterations=iterations, limit=30), check=False, timeout=iterations * 30 + 60
    )
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "{}"
    assert proc.returncode == 0, f"{last}\nstderr:\n{proc.stderr[-3000:]}"
    assert json.loads(last) == {"iterations": iterations}
    api = runbase.Api()
    parents = list(api.runs("pool"))
    assert len(parents) == iterations and {r.state for r in parents} == {"finished"}
    # Workers that opened a run: closed pools finish it; terminated ones read as killed.
    workers = list(api.runs("pool-worker"))
    assert workers and {r.state for r in workers} <= {"finished", "crashed", "failed"}
