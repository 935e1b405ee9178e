"""``runbase._attach(attach_id)``: a second process writes to a run another one opened.

Lightning's ``WandbLogger`` under ``strategy="ddp_spawn"`` makes the run in the
launching process, pickles ``run._attach_id`` to the spawned workers, and rank 0
calls ``wandb._attach(attach_id)`` there to log into the same run (W&B routes both
through its service process). In runbase each process of a run writes its own
segment (docs/records.md), so attaching opens a new segment of the run, as a
resume does, but without refusing because the opener still lives. The attached
process continues from what the run holds on disk: step, config, summary and the
``define_metric`` definitions (so ``step_sync`` x axes keep working). It records no
console output and no system metrics of its own: the opening process records those
for the machine and for the output its workers share with it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from runbase.errors import UsageError
from runbase.records import Kind
from runbase.records.fold import fold_run
from runbase.records.layout import edits_path, segments_dir
from runbase.sdk import process
from runbase.sdk.init import (
    _announce,
    _attach_environment,
    _open_segment,
    _start_record,
    _start_shipping,
    _target,
    resolve_settings,
)
from runbase.sdk.run import Run
from runbase.sdk.settings import Settings
from runbase.sdk.summary import Metric


def attach_id(run: Run) -> str:
    """The id another process passes to ``attach()``: the store and the run's path."""
    return json.dumps([str(run._root), run.entity, run.project, run.id])


def attach(attach_id: str | None = None, run_id: str | None = None, *, run: Any = None) -> Run:
    """Write to the run ``attach_id`` names (``run._attach_id`` in the process that
    opened it); returns the run that is already open here when it is the same one."""
    if run is not None:
        return cast(Run, run)
    try:
        root, entity, project, rid = json.loads(str(attach_id))
    except (TypeError, ValueError):
        raise UsageError(
            f"runbase._attach: {attach_id!r} is not an attach id; pass run._attach_id "
            "from the process that opened the run"
        ) from None
    path = (entity, project, rid)
    for active in process.STATE.active:
        if active.path == "/".join(path) and str(active._root) == root:
            return active
    where = Path(root)
    folded = fold_run(segments_dir(where, *path), edits_path(where, *path))
    if folded is None or folded.fields.deleted:
        raise UsageError(f"runbase._attach: there is no run {entity}/{project}/{rid} in {root}")
    return _open_attached(where, path, folded)


def _open_attached(root: Path, path: tuple[str, str, str], folded: Any) -> Run:
    entity, project, rid = path
    # The opener captures the console and samples the machine: a spawned worker writes to
    # the same stdout and runs on the same host, so doing it here too would double both.
    quiet = Settings(console="off", disable_system_metrics=True)
    s = resolve_settings(quiet, {"project": project, "entity": entity, "id": rid})
    sink, fdir, segment_name = _open_segment(root, path, s, _target(s))
    info = dict(folded.fields.info.values)
    name = info.pop("name", None) or rid
    run = Run(
        settings=s,
        root=root,
        entity=entity,
        project=project,
        run_id=rid,
        name=name,
        sink=sink,
        files_dir=fdir,
        start_time=folded.fields.created_at or 0.0,
        step=folded.next_step,
        config=dict(folded.fields.config.values),
        summary=dict(folded.fields.summary.values),
        info=info,
        allow_val_change=True,
        resumed=True,
    )
    _restore_metrics(run, folded.fields.metrics.values())
    run._emit(Kind.START, _start_record(run, s, {}))
    _announce(root, path, segment_name)
    _start_shipping(run)  # a worker's records of an online run go to the server too
    process.register(run, make_global=process.STATE.global_run is None)
    _attach_environment(run)
    return run


def _restore_metrics(run: Run, definitions: Any) -> None:
    """The run's ``define_metric`` definitions, in force here without writing them again."""
    state = run._summary_state
    for d in definitions:
        state.define(
            Metric(
                d["name"],
                d.get("step_metric"),
                d.get("step_sync"),
                d.get("hidden"),
                d.get("summary"),
                d.get("goal"),
            )
        )
    run._plain_summary = not any(m.summary is not None for m in state.metrics)
    run._step_sync = [m for m in state.metrics if m.step_sync and m.step_metric]


_attach = attach  # the name W&B (and Lightning) call
