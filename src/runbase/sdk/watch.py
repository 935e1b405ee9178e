"""``run.watch(model)``: gradient and parameter histograms of torch models, as W&B logs them.

Parameters: a forward hook on the model histograms every parameter each ``log_freq``-th
forward call, as ``parameters/<prefix><name>``. Gradients: a hook on each parameter that
requires grad histograms its gradient each ``log_freq``-th backward pass, as
``gradients/<prefix><name>``. The prefix is W&B's: none for a run's first watched model,
``graph_<idx>`` (no separator, as W&B writes it) for the next ones or an explicit
``idx``. Each histogram is logged with ``commit=False``, so it joins the script's next
``log()`` row. torch is never imported here: a model can only be a torch module if the
script already imported torch.

Where runbase differs from W&B on purpose: the index counts per run, not per process;
watching a model this run already watches replaces its hooks (W&B adds a second set
under a new name); ``finish()`` removes the hooks (W&B's keep logging to whatever run
is global); a hook never raises into the training step (a failure warns once).
"""

from __future__ import annotations

import sys
import threading
import warnings
import weakref
from typing import TYPE_CHECKING, Any

from runbase.sdk import tensor_hist

if TYPE_CHECKING:
    from runbase.sdk.run import Run

LOG_CHOICES = ("gradients", "parameters", "all")


class _Watched:
    """One watched model: its name prefix and the hook handles to remove."""

    __slots__ = ("handles", "idx", "prefix")

    def __init__(self, idx: int) -> None:
        self.idx = idx
        self.prefix = f"graph_{idx}" if idx > 0 else ""
        self.handles: list[Any] = []


class _Every:
    """True on every ``n``-th call (W&B's count: the first time on call ``n``)."""

    __slots__ = ("count", "n")

    def __init__(self, n: int) -> None:
        self.n = n
        self.count = 0

    def due(self) -> bool:
        self.count += 1
        if self.count < self.n:
            return False
        self.count = 0
        return True


def torch_models(models: Any) -> tuple[Any, list[Any]]:
    """(torch, the models as a list), or a TypeError naming what to pass."""
    items = list(models) if isinstance(models, (list, tuple)) else [models]
    torch = sys.modules.get("torch")
    module_type = getattr(getattr(torch, "nn", None), "Module", None)
    for model in items or [None]:
        if module_type is None or not isinstance(model, module_type):
            raise TypeError(
                f"watch(): expected a PyTorch model (a torch.nn.Module, or a list of them), "
                f"got {type(model).__module__}.{type(model).__qualname__}. runbase records "
                "gradients and parameters of torch models only; for anything else log "
                "runbase.Histogram(values) with run.log()"
            )
    return torch, items


def check_log(log: Any, log_freq: Any) -> None:
    """ValueError/TypeError for a ``log`` or ``log_freq`` that W&B would not take either."""
    if log is not None and log not in LOG_CHOICES:
        raise ValueError(
            f"watch(): log={log!r}; use 'gradients' (the default), 'parameters', 'all' or None"
        )
    if isinstance(log_freq, bool) or not isinstance(log_freq, int) or log_freq < 0:
        raise ValueError(
            f"watch(): log_freq={log_freq!r}; use a whole number of batches, e.g. 100 "
            "(0 logs every batch, as in W&B)"
        )


class Watcher:
    """The watched models of one run, made at its first ``watch()``."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._models: weakref.WeakKeyDictionary[Any, _Watched] = weakref.WeakKeyDictionary()
        self._next_idx = 0
        self._lock = threading.Lock()  # DataParallel runs a forward hook in several threads
        self._failed = False

    def watch(self, models: Any, log: str | None, log_freq: int, idx: int | None) -> None:
        """Hook ``models`` (replacing this run's earlier hooks on any of them)."""
        check_log(log, log_freq)
        torch, items = torch_models(models)
        every = max(log_freq, 1)
        plan = [(model, self._index_of(model, idx, i)) for i, model in enumerate(items)]
        for model, n in plan:
            self._check_free(model, n)  # before any hook changes: a refused call changes nothing
        for model, n in plan:
            old = self._models.get(model)
            if old is not None:
                self._remove(old)
            watched = _Watched(n)
            self._models[model] = watched
            if log in ("parameters", "all"):
                self._hook_parameters(torch, model, watched, every)
            if log in ("gradients", "all"):
                self._hook_gradients(torch, model, watched, every)

    def _index_of(self, model: Any, idx: int | None, i: int) -> int:
        """W&B's ``idx``: given, else the model's earlier one, else the run's next."""
        if idx is not None:
            return idx + i
        old = self._models.get(model)
        if old is not None:
            return old.idx
        n = self._next_idx
        self._next_idx += 1
        return n

    def _check_free(self, model: Any, n: int) -> None:
        for other, w in list(self._models.items()):
            if other is not model and w.idx == n and w.handles:
                raise ValueError(
                    f"watch(): idx={n} names another model this run watches, and their "
                    "histograms would mix; pass a different idx, or unwatch() that model first"
                )

    def unwatch(self, models: Any) -> None:
        """Remove the hooks of ``models`` (all watched models when None)."""
        if models is None:
            self.close()
            return
        for model in models if isinstance(models, (list, tuple)) else [models]:
            watched = self._pop(model)
            if watched is None:
                warnings.warn(
                    f"runbase: unwatch(): {type(model).__qualname__} model was not watched by "
                    "this run; nothing to remove",
                    RuntimeWarning,
                    stacklevel=3,
                )
            else:
                self._remove(watched)

    def _pop(self, model: Any) -> _Watched | None:
        try:
            return self._models.pop(model, None)
        except TypeError:  # not weak-referenceable, so never watched
            return None

    def close(self) -> None:
        """Remove every hook (``unwatch()`` with no model, and ``finish()``)."""
        for watched in list(self._models.values()):
            self._remove(watched)
        self._models.clear()

    @staticmethod
    def _remove(watched: _Watched) -> None:
        for handle in watched.handles:
            handle.remove()
        watched.handles.clear()

    def _hook_parameters(self, torch: Any, model: Any, watched: _Watched, every: int) -> None:
        counter = _Every(every)
        prefix = "parameters/" + watched.prefix

        def after_forward(module: Any, inputs: Any, output: Any) -> None:
            with self._lock:
                if counter.due():
                    named = list(module.named_parameters())
                    self._log(torch, [(prefix + name, p) for name, p in named])

        watched.handles.append(model.register_forward_hook(after_forward))

    def _hook_gradients(self, torch: Any, model: Any, watched: _Watched, every: int) -> None:
        for name, param in model.named_parameters():
            if param.requires_grad:
                hook = self._gradient_hook(torch, "gradients/" + watched.prefix + name, every)
                watched.handles.append(param.register_hook(hook))

    def _gradient_hook(self, torch: Any, key: str, every: int) -> Any:
        counter = _Every(every)

        def on_gradient(grad: Any) -> None:
            with self._lock:
                if counter.due():
                    self._log(torch, [(key, grad)])

        return on_gradient

    def _log(self, torch: Any, named: list[tuple[str, Any]]) -> None:
        """Histogram ``named`` tensors into the run's next row; never raise into training."""
        run = self._run
        if run._finished or run._orphaned:  # a forked child's copy of the hooks: not its run
            return
        try:
            with torch.no_grad():
                results = tensor_hist.histograms(torch, [t for _, t in named])
            from runbase.sdk.data_types.histogram import Histogram

            row = {
                key: Histogram(np_histogram=h)
                for (key, _), h in zip(named, results, strict=True)
                if h is not None
            }
            if row:
                run.log(row, commit=False)
        except Exception as e:  # monitoring must never stop a training step
            if not self._failed:
                self._failed = True
                warnings.warn(
                    f"runbase: watch(): could not record {named[0][0]}: {e}; training goes "
                    "on, and later histograms are still attempted",
                    RuntimeWarning,
                    stacklevel=2,
                )
