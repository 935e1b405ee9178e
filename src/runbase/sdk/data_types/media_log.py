"""A run's side of media logging: prepare on the caller's thread, record on the media thread.

``Run.log`` calls :meth:`MediaLog.log_row` for a row holding data types (see
``writer.py`` for the ordering and what a SIGKILL can lose). Media set in the
summary (``run.summary["best"] = runbase.Image(x)``) are rare and written at
once, on the caller's thread, as W&B names them (``<key>_summary_<h>.png``).
"""

from __future__ import annotations

import itertools
import json
import time
from typing import TYPE_CHECKING, Any

import msgspec

from runbase.records import Kind
from runbase.sdk.data_types.base import find_media
from runbase.sdk.data_types.rows import merge_wandb_config, prepare_row
from runbase.sdk.data_types.writer import MediaContext, MediaWriter, RowJob
from runbase.sdk.values import encode_problem

if TYPE_CHECKING:
    from runbase.sdk.run import Run

_ENCODE_ERRORS = (OverflowError, TypeError, RecursionError)


class MediaLog:
    """The media thread of one run and the calls ``Run`` makes into it."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._encode = msgspec.msgpack.Encoder().encode
        ctx = MediaContext(run._files_dir, self._append, run._root)
        self._writer = MediaWriter(ctx, run._write, run.id)
        self.drain = self._writer.drain
        self._tokens = itertools.count()

    def _append(self, kind: int, payload: Any) -> None:
        """A FILE record, ahead of the MEDIA_DONE (or SUMMARY) that points to the file."""
        self._run._write(self._encode((kind, time.time(), payload)))

    def log_row(self, row: int, next_step: int, data: dict[str, Any], keys: list[str]) -> None:
        """``Run.log`` of a row holding data types ``keys``: check, queue, move the step on."""
        run = self._run
        t = run._now()
        plain, pending, config = prepare_row(data, keys, run._warned)
        token = next(self._tokens)
        try:
            if pending:
                places = {k: {"_type": _log_type(p)} for k, p in pending.items()}
                body = self._encode((Kind.MEDIA_ROW, t, (row, plain, token, places)))
            else:
                body = self._encode((Kind.HISTORY, t, (row, plain)))
        except _ENCODE_ERRORS as e:
            for p in pending.values():
                if getattr(p, "undo", None) is not None:
                    p.undo()
            raise encode_problem(plain, "log", e) from None
        if config:
            self._set_config(config)
        run._write(body)  # now, in order: nothing logged after it waits for the files
        if pending:
            self._writer.submit(RowJob(row, token, pending, self._update_summary))
        run._step = next_step
        self._update_summary(plain)  # the pointers follow once the media thread has them

    def _update_summary(self, values: dict[str, Any]) -> None:
        run = self._run
        if run._plain_summary:
            run._summary_state.values.update(values)
        else:
            run._summary_state.observe(values)

    def resolve_summary(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Summary changes with their media written now and replaced by pointer dicts."""
        keys = find_media(changes) or []
        plain, pending, config = prepare_row(changes, keys, self._run._warned)
        ctx = MediaContext(self._run._files_dir, self._append, self._run._root)
        for key, p in pending.items():
            plain[key] = p.write(ctx, key, "summary")
        if config:
            self._set_config(config)
        return plain

    def _set_config(self, items: list[tuple[str, str, Any]]) -> None:
        """Set entries of ``config["_wandb"]``: chart specs, class labels (W&B's places).

        Written as the JSON they are (str keys), past Config's checks, which are for
        user values and refuse the lists of dicts a chart spec holds.
        """
        config = self._run.config
        merged = json.loads(json.dumps(merge_wandb_config(config.get("_wandb"), items)))
        if merged != config.get("_wandb"):
            self._run._emit_config({"_wandb": merged}, [])
            config._items["_wandb"] = merged


def _log_type(pending: Any) -> str:
    """The ``_type`` a pending value's pointer will have (for its placeholder)."""
    items = getattr(pending, "items", None)
    first = items[0] if isinstance(items, list) and items else pending
    return str(getattr(first, "_log_type", "") or "file")
