"""Process-wide SDK state: active runs, the global run, exit hooks, fork handling.

There is one of these per process (keyed implicitly by pid: a forked child
resets it), like W&B's setup singleton.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any, NoReturn

from runbase.records.kinds import Kind
from runbase.sdk import stop_watch, sweeprun, threads
from runbase.sdk.settings import Settings

if TYPE_CHECKING:
    from runbase.sdk.run import Run


class ProcessState:
    """Everything the SDK knows about this process."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.active: list[Run] = []
        self.global_run: Run | None = None
        self.setup_settings: Settings | None = None
        self.exit_code: int | None = None
        self.hooks_installed = False
        self.lock = threading.RLock()
        self.heartbeat: threading.Thread | None = None
        self.heartbeat_stop = threading.Event()


STATE = ProcessState()

# What init() rebinds at runbase's top level: the global run's objects, or (with no
# global run) the placeholders in sdk/preinit.py that say to call init().
_GLOBAL_NAMES = (
    "log",
    "config",
    "summary",
    "define_metric",
    "save",
    "watch",
    "unwatch",
    "alert",
    "mark_preempting",
    "log_artifact",
    "use_artifact",
    "log_model",
    "use_model",
    "link_model",
)


def _bind_globals(run: Any, source: Any) -> None:
    mod = sys.modules["runbase"]
    STATE.global_run = run
    setattr(mod, "run", run)  # noqa: B010 - the module is runbase's, seen as a plain ModuleType
    for name in _GLOBAL_NAMES:
        setattr(mod, name, getattr(source, name))


def set_globals(run: Any) -> None:
    """Point ``runbase.run/log/config/summary/...`` at ``run``."""
    _bind_globals(run, run)


def unset_globals() -> None:
    """Back to the placeholders that say to call init()."""
    from runbase.sdk import preinit

    _bind_globals(None, preinit)


def register(run: Run, make_global: bool) -> None:
    """Track a new run; install the exit hooks on first use."""
    with STATE.lock:
        STATE.active.append(run)
        install_hooks()
        _ensure_heartbeat(run.settings.heartbeat_interval)
    stop_watch.watch(run)
    if make_global:
        set_globals(run)


def forget(run: Run) -> None:
    """A run finished: stop tracking it and unset the globals if it was global."""
    stop_watch.unwatch(run)
    with STATE.lock:
        if run in STATE.active:
            STATE.active.remove(run)
        if STATE.global_run is run:
            unset_globals()


def most_recent_active() -> Run | None:
    """The most recently created unfinished run."""
    with STATE.lock:
        return STATE.active[-1] if STATE.active else None


def finish_all(exit_code: int) -> None:
    """Finish every active run, oldest first."""
    with STATE.lock:
        runs = list(STATE.active)
    for run in runs:
        try:
            run.finish(exit_code=exit_code)
        except Exception as e:  # finishing one run must not stop the others
            print(f"runbase: could not finish run {run.id}: {e}", file=sys.stderr)


# --- exit code capture ---------------------------------------------------------------------


def exit_code_of(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    return 1  # sys.exit("message") prints the message and exits with 1


def install_hooks() -> None:
    """Capture how the process ends, and finish every run at exit."""
    if STATE.hooks_installed:
        return
    STATE.hooks_installed = True
    previous_hook = sys.excepthook

    def excepthook(tp: type[BaseException], value: BaseException, tb: Any) -> None:
        STATE.exit_code = 255 if issubclass(tp, KeyboardInterrupt) else 1
        previous_hook(tp, value, tb)

    sys.excepthook = excepthook
    original_exit = sys.exit

    def exit(code: str | int | None = None) -> NoReturn:  # noqa: A001 - mirrors sys.exit
        STATE.exit_code = exit_code_of(code)
        original_exit(code)

    sys.exit = exit
    atexit.register(_at_exit)
    child = _in_multiprocessing_child()
    if threading.current_thread() is threading.main_thread() and not child:
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_sigterm)
    if child:
        _register_multiprocessing_finalizer()


def _in_multiprocessing_child() -> bool:
    """True in a process that multiprocessing started (a Pool worker, a Process).

    Its parent ends it with SIGTERM (``pool.terminate()``, ``Process.terminate()``) and
    then waits for it, so SIGTERM must end it at once, as its default action does. A
    Python handler cannot promise that: it runs only when the main thread next runs
    Python code. An idle Pool worker's main thread waits in a semaphore that its
    sibling holds; a SIGTERM that arrives just before that wait begins, or that the
    kernel hands to another thread (a library's, OpenMP's), is only flagged, and once
    the sibling has died holding the semaphore the wait never ends: the worker lived on
    and ``pool.terminate()`` waited for it forever. So no handler here: a run such a
    child leaves open when it is killed is read as crashed, as any killed process's is.
    """
    mp = sys.modules.get("multiprocessing")
    if mp is None:
        return False
    return bool(mp.current_process().name != "MainProcess" or mp.parent_process() is not None)


def _at_exit() -> None:
    code = STATE.exit_code if STATE.exit_code is not None else 0
    finish_all(code)
    _keep_sigint_exit()


def _keep_sigint_exit() -> None:
    # A script whose main module dies of an uncaught KeyboardInterrupt ends by SIGINT
    # (status 130): after finalization CPython checks a process-wide flag that it set
    # when the main module's code raised it. But every exec()/eval() of source text, on
    # any thread, clears that flag first thing -- and collections.namedtuple and
    # dataclasses do exactly that, so any first import (psutil, shutil, importlib.metadata)
    # on our metadata or sampler thread, or during finish(), while the interpreter is
    # shutting down turns the exit into status 1. The runs are finished and their probe
    # threads joined by now, so set the flag again the only way Python code can: source text run
    # through exec() that ends in a KeyboardInterrupt. sys.last_value is what the
    # interpreter printed as the main module's uncaught error; the flag checks the exact
    # type, and an interactive session decides its own status.
    if type(getattr(sys, "last_value", None)) is not KeyboardInterrupt:
        return
    if sys.flags.interactive or hasattr(sys, "ps1"):
        return
    try:
        exec("raise KeyboardInterrupt", {})
    except KeyboardInterrupt:
        pass


def mark_stopped(
    run: Run, reason: str | None = None, metadata_key: str = "sweep_stop_reason"
) -> bool:
    """If the run was asked to stop (``reason``, else the sweep agent's stop file), it ends
    killed as W&B's do: its EXIT says ``stopped``, the reason goes in its metadata as
    ``metadata_key``. False when nobody asked it to stop."""
    reason = reason if reason is not None else sweeprun.stop_reason()
    if reason is None or run._finished:
        return False
    if run._stopped is not None:
        return True  # already marked (the web app's Stop, then the KeyboardInterrupt)
    run._emit(Kind.METADATA, {metadata_key: reason})
    run._stopped = reason
    return True


def _on_sigterm(signum: int, frame: Any) -> None:
    reason = sweeprun.stop_reason()
    if reason is not None:
        # A sweep's agent stopped the run (Hyperband, a canceled sweep): it ends killed,
        # with the reason in its metadata; the process exits 0 (it was not broken).
        with STATE.lock:
            runs = list(STATE.active)
        for run in runs:
            mark_stopped(run, reason)
        finish_all(0)
        sys.exit(0)
    # Record the ending (exit code 128+15, state failed), then die by SIGTERM as the
    # default disposition would have, so parents see the same exit status.
    finish_all(128 + signum)
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _register_multiprocessing_finalizer() -> None:
    # multiprocessing's fork and forkserver children leave through os._exit, which skips
    # atexit; its own finalizers still run, so hook in there as well.
    import multiprocessing.util

    multiprocessing.util.Finalize(None, _at_multiprocessing_exit, exitpriority=100)


def _at_multiprocessing_exit() -> None:
    # multiprocessing calls its finalizers from the `finally` around the child's run(),
    # so an exception leaving the target is still the exception being handled here.
    exc = sys.exc_info()[1]
    if isinstance(exc, SystemExit):
        code = exit_code_of(exc.code)
    elif isinstance(exc, KeyboardInterrupt):
        code = 255
    elif exc is not None:
        code = 1
    else:
        code = STATE.exit_code if STATE.exit_code is not None else 0
    finish_all(code)


# --- heartbeat -----------------------------------------------------------------------------


def _ensure_heartbeat(interval: float) -> None:
    if STATE.heartbeat is not None and STATE.heartbeat.is_alive():
        return
    STATE.heartbeat_stop.clear()
    t = threading.Thread(target=_beat, args=(interval,), name="runbase-heartbeat", daemon=True)
    STATE.heartbeat = t
    threads.start(t)


def _beat(interval: float) -> None:
    from runbase.records import Kind

    while not STATE.heartbeat_stop.wait(interval):
        with STATE.lock:
            runs = list(STATE.active)
        if not runs:
            return
        for run in runs:
            try:
                run._emit(Kind.HEARTBEAT, None)
                run._check_reserved()
            except Exception:  # a heartbeat is best effort; the next one may work
                pass


# --- fork ----------------------------------------------------------------------------------


def _after_fork_in_child() -> None:
    global STATE
    inherited = STATE.active
    setup = STATE.setup_settings
    STATE = ProcessState()
    STATE.setup_settings = setup
    for run in inherited:
        run._orphan()
    if "runbase" in sys.modules and hasattr(sys.modules["runbase"], "run"):
        unset_globals()


os.register_at_fork(after_in_child=_after_fork_in_child)
