"""``init(sync_tensorboard=True)`` and ``runbase.tensorboard.patch()``.

The event writers of torch (tensorboard's ``EventFileWriter``) and tensorboardX
get a wrapped ``add_event``: each event is written to its file as before, then
its scalars, histograms and images are logged to the active run in the same
call. No thread tails the files, so nothing lags and nothing is missed at exit.

Like W&B: every row carries the TensorBoard step as ``global_step`` (the x axis
of the synced keys), values of one step share a row, and when several log
directories are written their keys are prefixed with the directory relative to
their common root (or to ``root_logdir``), e.g. ``train/loss``. The
hyperparameters of ``add_hparams`` update the run's config.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from runbase.sdk.tb_events import hparams, summary_values

_WRITERS = {
    "pytorch": "tensorboard.summary.writer.event_file_writer",
    "tensorboard_x": "tensorboardX.event_file_writer",
}
_INSTALL_HINT = "install tensorboard or tensorboardX (pip install 'runbase[tensorboard]')"


class _State:
    def __init__(self) -> None:
        self.patched: list[tuple[type, Any]] = []
        self.root_logdir = ""
        self.save = True
        # The run init(sync_tensorboard=True) was called for: only it gets events, so
        # a later run started without the flag does not. None after patch(): any run.
        self.owner: Any = None
        self.logdirs: list[str] = []
        self.defined: set[str] = set()
        self.open_run: Any = None
        self.open_step = 0
        self.open_row = -1
        self.warned = False
        self.lock = threading.Lock()


_STATE = _State()


def patch(
    save: bool = True,
    tensorboard_x: bool | None = None,
    pytorch: bool | None = None,
    root_logdir: str = "",
) -> None:
    """Send what TensorBoard writers write to the active run (W&B's ``tensorboard.patch``).

    ``pytorch``/``tensorboard_x`` pick the writers (default: both that are installed).
    With ``save`` the event files are copied into the run's files when it finishes.
    Calling it again only updates ``save`` and ``root_logdir``.
    """
    import importlib

    _STATE.root_logdir = os.path.abspath(root_logdir) if root_logdir else ""
    _STATE.save = save
    _STATE.owner = None
    wanted = [
        name for name, on in (("pytorch", pytorch), ("tensorboard_x", tensorboard_x)) if on
    ] or list(_WRITERS)
    found = []
    for name in wanted:
        try:
            found.append(importlib.import_module(_WRITERS[name]).EventFileWriter)
        except ImportError:
            continue
    if not found:
        raise ImportError(
            f"runbase.tensorboard.patch: no TensorBoard writer found; {_INSTALL_HINT}"
        )
    done = {cls for cls, _ in _STATE.patched}
    for cls in found:
        if cls not in done:
            _wrap(cls)


def sync_run(run: Any) -> None:
    """``init(sync_tensorboard=True)``: send events to ``run`` alone (a ``patch()``
    made before, e.g. with ``root_logdir``, keeps its options)."""
    if not _STATE.patched:
        patch()
    _STATE.owner = run


def unpatch() -> None:
    """Give the writers back their own ``add_event``."""
    for cls, original in _STATE.patched:
        cls.add_event = original  # type: ignore[attr-defined]
    _STATE.patched.clear()
    _STATE.logdirs.clear()
    _STATE.defined.clear()
    _STATE.open_run = _STATE.owner = None


def patched() -> bool:
    return bool(_STATE.patched)


def _wrap(cls: type) -> None:
    original = cls.add_event  # type: ignore[attr-defined]

    def add_event(self: Any, event: Any) -> None:
        original(self, event)
        if event.HasField("summary"):
            _forward(self, event)

    cls.add_event = add_event  # type: ignore[attr-defined]
    _STATE.patched.append((cls, original))


def _forward(writer: Any, event: Any) -> None:
    run = _STATE.owner or sys.modules["runbase"].run
    if run is None or getattr(run, "_finished", True):
        return
    try:
        values = summary_values(event.summary)
        if values:
            with _STATE.lock:
                _log(run, _namespace(writer, run), int(event.step), values)
        elif params := hparams(event.summary):  # add_hparams: the run's config
            run.config.update(params, allow_val_change=True)
    except Exception as e:  # the training loop must never fail because of the sync
        if not _STATE.warned:
            _STATE.warned = True
            print(f"runbase: sync_tensorboard: an event was not logged: {e!r}", file=sys.stderr)


def _namespace(writer: Any, run: Any) -> str:
    # Kept on the writer itself: an attribute read is the cheapest lookup per event.
    ns: str | None = getattr(writer, "_runbase_namespace", None)
    if ns is None:
        logdir = os.path.abspath(str(writer.get_logdir()))
        if logdir not in _STATE.logdirs:
            _STATE.logdirs.append(logdir)
        ns = namespace_for(logdir, _STATE.logdirs, _STATE.root_logdir)
        writer._runbase_namespace = ns
        if _STATE.save:  # as W&B keeps them: <logdir's name>/events.out.tfevents...
            pattern = os.path.join(logdir, "*tfevents*")
            run.save(pattern, base_path=os.path.dirname(logdir), policy="end")
    return ns


def namespace_for(logdir: str, seen: list[str], root_logdir: str = "") -> str:
    """The key prefix of a log directory: its path under the root, "" for a lone one.

    Without ``root_logdir`` the root is the parent of what all the directories seen
    share; a lone directory gets no prefix unless it is called train or validation
    (W&B's rule, so keys match between the two tools).
    """
    if root_logdir:
        rel = os.path.relpath(logdir, root_logdir)
        return "" if rel == "." or rel.startswith("..") else rel.replace(os.sep, "/")
    root = os.path.dirname(os.path.commonprefix(seen))
    rel = os.path.relpath(logdir, root).replace(os.sep, "/") if root else ""
    if len(seen) == 1 and rel not in ("train", "validation"):
        return ""
    return "" if rel == "." else rel


def _log(run: Any, ns: str, step: int, values: dict[str, Any]) -> None:
    step_key = f"{ns}/global_step" if ns else "global_step"
    if _STATE.open_run is not run:  # a new run: its metrics are not defined yet
        _STATE.defined.clear()
        _STATE.open_run, _STATE.open_row = run, -1
    # The row stays open (commit=False) while the step stays the same, so the
    # values a step logs under several tags land in one row, as in W&B.
    if run.step == _STATE.open_row and step != _STATE.open_step:
        run.log({"global_step": _STATE.open_step})
    row = {f"{ns}/{tag}" if ns else tag: v for tag, v in values.items()}
    defined = _STATE.defined
    for key in row:
        if key not in defined:
            run.define_metric(key, step_metric=step_key, step_sync=False)
            defined.add(key)
    row["global_step"] = step
    row[step_key] = step
    run.log(row, commit=False)
    _STATE.open_run, _STATE.open_step, _STATE.open_row = run, step, run.step
