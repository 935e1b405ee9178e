"""``runbase import tensorboard``: each folder of event files under a logdir as one run.

Events are read with tensorboard's own loader. The TensorBoard step becomes the
run's step (and ``global_step``, the key ``sync_tensorboard`` writes); values of
one step share a row. Scalars, histograms and images come along, and the
hyperparameters of ``add_hparams`` become the config.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from runbase.importers.writer import EmptySource, RunWriter, SourceError, stable_id

INSTALL_HINT = "pip install 'runbase[tensorboard]'"
_PATTERN = "*tfevents*"


def find_runs(logdir: Path) -> list[Path]:
    """The folders under ``logdir`` (itself included) that hold event files."""
    if not logdir.is_dir():
        raise SourceError(f"{logdir} is not a folder: pass the --logdir you gave TensorBoard")
    found = sorted({p.parent for p in logdir.rglob(_PATTERN) if p.is_file()})
    if not found:
        raise SourceError(f"{logdir} holds no TensorBoard event files (events.out.tfevents.*)")
    return found


def run_name(logdir: Path, run_dir: Path) -> str:
    rel = os.path.relpath(run_dir, logdir)
    return logdir.resolve().name if rel == "." else Path(rel).as_posix()


def require_tensorboard() -> Any:
    """tensorboard's event file loader, or a SourceError naming the extra to install."""
    try:
        from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    except ImportError:
        raise SourceError(f"reading event files needs tensorboard: {INSTALL_HINT}") from None
    return EventFileLoader


def _events(run_dir: Path) -> list[Any]:
    loader = require_tensorboard()
    files = sorted(p for p in run_dir.glob(_PATTERN) if p.is_file())
    return [event for f in files for event in loader(str(f)).Load()]


def _rows(events: list[Any], media: Any) -> tuple[dict[int, dict[str, Any]], dict[int, float]]:
    from runbase.sdk.tb_events import encoded_images, summary_values

    rows: dict[int, dict[str, Any]] = {}
    times: dict[int, float] = {}
    for event in events:
        if not event.HasField("summary"):
            continue
        values = summary_values(event.summary, images=False)
        step = int(event.step)
        for tag, data in encoded_images(event.summary):
            values[tag] = _image_pointer(media, tag, step, data)
        if values:
            row = rows.setdefault(step, {"global_step": step})
            row.update((k, v.to_json() if hasattr(v, "to_json") else v) for k, v in values.items())
            times[step] = max(times.get(step, 0.0), float(event.wall_time))
    return rows, times


def _hparams(events: list[Any]) -> dict[str, Any]:
    """``add_hparams``' hyperparameters (torch writes them in a folder of their own)."""
    from runbase.sdk.tb_events import hparams

    out: dict[str, Any] = {}
    for event in events:
        if event.HasField("summary"):
            out.update(hparams(event.summary))
    return out


def _image_pointer(media: Any, tag: str, step: int, data: bytes) -> dict[str, Any] | None:
    """The image's file in the run, and the pointer runbase.Image would have logged."""
    import io

    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as img:
            width, height, fmt = img.width, img.height, (img.format or "png").lower()
    except OSError:
        return None  # not an image PIL reads: left out like other unknown values
    ext = "jpg" if fmt == "jpeg" else fmt
    pointer = media.store("media/images", tag, step, data, f".{ext}")
    return {"_type": "image-file", **pointer, "width": width, "height": height, "format": ext}


def import_run(logdir: Path, run_dir: Path, make_writer: Any) -> RunWriter | None:
    """Import one folder of event files; None when it was imported before."""
    writer: RunWriter = make_writer(None, stable_id("tb", str(run_dir.resolve())))
    if writer.exists():
        return None
    events = _events(run_dir)
    if not any(e.HasField("summary") and e.summary.value for e in events):
        raise EmptySource("its event files hold no values")
    t0 = min(float(e.wall_time) for e in events)
    source = {"source": "tensorboard", "path": str(run_dir.resolve())}
    try:
        writer.start(t0, source, name=run_name(logdir, run_dir))
        rows, times = _rows(events, writer.media())
        writer.config(t0, _hparams(events))
        last: dict[str, Any] = {}
        for step in sorted(rows):
            writer.row(step, times[step], rows[step])
            last.update(rows[step])
        writer.summary(writer.last_time, last)
        writer.finish(0)
    except BaseException:
        writer.abort()
        raise
    return writer
