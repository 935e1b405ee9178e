"""``runbase.agent``: take runs from a sweep's controller and run them, one at a time.

A run is started the way W&B's agent starts one: its id is preassigned and its
parameters are in a file named by ``RUNBASE_SWEEP_PARAM_PATH`` (``{key: {"value": v}}``),
with ``RUNBASE_SWEEP_ID``; ``init()`` reads them and locks those config keys. With
``function=`` the function is called in this process; otherwise the sweep's
``command`` (or ``${env} ${interpreter} ${program} ${args}``) runs as a child process.

While a run goes, the agent follows its metric in its record files and reports it
to the controller; when the controller says stop (Hyperband, a canceled sweep), the
agent writes the reason to the run's stop file and interrupts it: SIGINT in this
process for a function, SIGTERM for a child. The run then records the reason in its
metadata (``sweep_stop_reason``) and ends killed, as W&B's stopped runs do (its EXIT
says ``stopped``; exit code 0: it was not broken); the sweep's own record of it says
``stopped``, and its metric still counts for the best run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runbase.sweeps import macros
from runbase.sweeps.control import WAIT, Claim, Controller
from runbase.sweeps.metrics import MetricReader

POLL_S = float(os.environ.get("RUNBASE_SWEEP_POLL_S", "2"))
STOP_GRACE_S = 30.0
# As W&B's agent: this many runs in a row that fail this fast end the agent.
MAX_QUICK_FAILURES = 3
QUICK_FAILURE_S = 60.0


def _print(msg: str) -> None:
    print(f"runbase agent: {msg}", file=sys.stderr, flush=True)


class Agent:
    def __init__(self, root: Path, ctl: Controller, function: Callable[[], Any] | None) -> None:
        self.root = root
        self.ctl = ctl
        self.function = function
        self.agent_id = ctl.register_agent()

    def loop(self, count: int | None) -> int:
        """Run until the sweep hands out no more runs or ``count`` runs are done."""
        done = quick_failures = 0
        while count is None or done < count:
            claim = self.ctl.claim(self.agent_id)
            if claim == WAIT:
                time.sleep(POLL_S)
                continue
            if not isinstance(claim, Claim):
                _print(f"sweep {self.ctl.id} is {self.ctl.state}: no more runs")
                break
            _print(f"starting run {claim.run_id} with {json.dumps(claim.params)}")
            t0 = time.monotonic()
            state, reader = self._run(claim)
            self.ctl.end_run(claim.run_id, state, reader.value(), reader.history)
            done += 1
            quick = state == "failed" and time.monotonic() - t0 < QUICK_FAILURE_S
            quick_failures = quick_failures + 1 if quick else 0
            if quick_failures >= MAX_QUICK_FAILURES:
                # A broken program or function would burn through the whole sweep.
                _print(f"{quick_failures} runs in a row failed within {QUICK_FAILURE_S:.0f} s: "
                       "stopping this agent; fix the program and start it again")  # fmt: skip
                break
        return done

    def _env(self, claim: Claim) -> dict[str, str]:
        folder = self.ctl.folder / "runs"
        folder.mkdir(exist_ok=True)
        params_path = folder / f"{claim.run_id}.json"
        params_path.write_text(json.dumps({k: {"value": v} for k, v in claim.params.items()}))
        env = {
            "RUNBASE_SWEEP_ID": self.ctl.id,
            "RUNBASE_RUN_ID": claim.run_id,
            "RUNBASE_SWEEP_PARAM_PATH": str(params_path),
            "RUNBASE_SWEEP_STOP_PATH": str(folder / f"{claim.run_id}.stop"),
            "RUNBASE_ENTITY": self.ctl.entity,
            "RUNBASE_PROJECT": self.ctl.project,
            "RUNBASE_DIR": str(self.root),
        }
        # W&B's names too, for code that reads them itself.
        env.update({"WANDB_" + k[8:]: v for k, v in env.items() if k != "RUNBASE_DIR"})
        return env

    def _reader(self, claim: Claim) -> MetricReader:
        metric = self.ctl.cfg.metric
        name = metric["name"] if metric else ""
        return MetricReader(self.root, self.ctl.entity, self.ctl.project, claim.run_id, name)

    def _run(self, claim: Claim) -> tuple[str, MetricReader]:
        env = self._env(claim)
        reader = self._reader(claim)
        stop_path = Path(env["RUNBASE_SWEEP_STOP_PATH"])
        if self.function is not None:
            state = self._run_function(claim, env, reader, stop_path)
        else:
            state = self._run_command(claim, env, reader, stop_path)
        reader.poll(final=True)
        return state, reader

    def _check(self, monitor: Controller, claim: Claim, reader: MetricReader) -> str | None:
        if not self.ctl.cfg.metric and self.ctl.cfg.hyperband is None:
            return monitor.report(claim.run_id, [])
        return monitor.report(claim.run_id, reader.poll())

    def _run_command(
        self, claim: Claim, env: dict[str, str], reader: MetricReader, stop_path: Path
    ) -> str:
        argv = macros.expand(self.ctl.cfg, claim.params, self.ctl.folder / "runs", claim.run_id)
        _print("command: " + " ".join(argv))
        proc = subprocess.Popen(argv, env={**os.environ, **env})
        monitor = Controller(self.ctl.folder)
        stopped = None
        try:
            while True:
                try:
                    code = proc.wait(timeout=POLL_S)
                    break
                except subprocess.TimeoutExpired:
                    pass
                why = self._check(monitor, claim, reader)
                if why and stopped is None:
                    stopped = why
                    stop_path.write_text(why)
                    _print(f"stopping run {claim.run_id}: {why}")
                    proc.terminate()
                    _kill_later(proc)
        except KeyboardInterrupt:
            proc.terminate()
            proc.wait()
            raise
        finally:
            monitor.close()
        if stopped is not None:
            return "stopped"
        return "finished" if code == 0 else "failed"

    def _run_function(
        self, claim: Claim, env: dict[str, str], reader: MetricReader, stop_path: Path
    ) -> str:
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        stopping: list[str] = []
        ended = threading.Event()
        main = threading.current_thread() is threading.main_thread()
        watcher = threading.Thread(
            target=self._watch, args=(claim, reader, stop_path, stopping, ended, main), daemon=True
        )
        watcher.start()
        state = "finished"
        # The stop is a SIGINT to this thread: an agent started in the background
        # (`nohup ... &`) inherits SIGINT ignored, so Python's handler is put back for
        # the function's duration.
        ignored = main and not callable(signal.getsignal(signal.SIGINT))
        if ignored:
            old_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            self.function()  # type: ignore[misc]
        except KeyboardInterrupt:
            if not stopping:
                raise
            state = "stopped"
        except Exception:
            traceback.print_exc()
            state = "failed"
        finally:
            ended.set()
            watcher.join()
            if ignored:
                signal.signal(signal.SIGINT, old_handler)
            _finish_function_run(claim.run_id, stopping, state)
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return "stopped" if stopping else state

    def _watch(
        self, claim: Claim, reader: MetricReader, stop_path: Path, stopping: list[str],
        ended: threading.Event, main: bool,
    ) -> None:  # fmt: skip
        monitor = Controller(self.ctl.folder)
        try:
            while not ended.wait(POLL_S):
                why = self._check(monitor, claim, reader)
                if why:
                    stopping.append(why)
                    stop_path.write_text(why)
                    _print(f"stopping run {claim.run_id}: {why}")
                    if main and not ended.is_set():
                        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
                    return
        finally:
            monitor.close()


def _kill_later(proc: subprocess.Popen[bytes]) -> None:
    def kill() -> None:
        try:
            proc.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()

    threading.Thread(target=kill, daemon=True).start()


def _finish_function_run(run_id: str, stopping: list[str], state: str) -> None:
    """End the run the function started, if it left it open (as W&B's agent does)."""
    from runbase.sdk import process

    for run in list(process.STATE.active):
        if run.id != run_id:
            continue
        if stopping:
            process.mark_stopped(run, stopping[0])
        run.finish(exit_code=1 if state == "failed" else 0)
