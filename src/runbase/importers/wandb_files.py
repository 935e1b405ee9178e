"""``runbase import wandb``: W&B run folders (``offline-run-*``, ``run-*``) as runbase runs.

A ``.wandb`` file is W&B's transaction log: LevelDB's log framing (32 KiB blocks
of checksummed chunks) after a 7-byte W&B header, each record a protobuf
``Record``. The framing is read here; the records are decoded with the
installed ``wandb`` package's own protobuf classes (the ``wandb-import`` extra).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from runbase.importers.writer import EmptySource, RunWriter, SourceError, usable_id
from runbase.records.kinds import Kind

_MAGIC = b":W&B"
_HEADER = 7
_BLOCK = 32768
_CHUNK = struct.Struct("<IHB")  # crc32c, length, type
_FULL, _FIRST, _MIDDLE, _LAST = 1, 2, 3, 4
_DERIVED = ("_step", "_timestamp", "_runtime")
_NOT_METADATA = {"writer_id", "_info", "started_at"}
INSTALL_HINT = "pip install 'runbase[wandb-import]'"


def find_runs(path: Path) -> list[Path]:
    """The ``.wandb`` files under ``path``: a wandb/ folder, its parent, a run folder or a file."""
    if not path.exists():
        raise SourceError(f"{path} does not exist: pass the wandb/ folder your W&B script wrote")
    if path.is_file():
        if path.suffix != ".wandb":
            raise SourceError(f"{path} is not a .wandb file")
        return [path]
    found: set[Path] = set()
    for pattern in ("run-*.wandb", "*run-*/run-*.wandb", "wandb/*run-*/run-*.wandb"):
        found.update(p.resolve() for p in path.glob(pattern) if not p.parent.is_symlink())
    if not found:
        raise SourceError(
            f"{path} holds no W&B runs (no offline-run-*/run-*.wandb files): pass the "
            "wandb/ folder your W&B script wrote, or one run folder in it"
        )
    # Oldest first (folders are named <mode>-<YYYYMMDD_HHMMSS>-<id>): a run resumed in
    # several folders gets its sessions in order.
    return sorted(found, key=lambda p: (p.parent.name.split("run-", 1)[-1], str(p)))


def require_wandb() -> Any:
    """wandb's protobuf module, or a SourceError naming the extra to install."""
    try:
        from wandb.proto import wandb_internal_pb2
    except ImportError:
        raise SourceError(f"reading .wandb files needs the wandb package: {INSTALL_HINT}") from None
    return wandb_internal_pb2


def _chunks(data: bytes) -> Iterator[tuple[int, bytes]]:
    pos = _HEADER
    while pos + _CHUNK.size <= len(data):
        left = _BLOCK - pos % _BLOCK
        if left < _CHUNK.size:  # a block's tail too short for a header is padding
            pos += left
            continue
        _crc, length, kind = _CHUNK.unpack_from(data, pos)
        pos += _CHUNK.size
        if kind == 0 and length == 0:
            return  # zero-filled rest of a preallocated file
        yield kind, data[pos : pos + length]
        pos += length


def read_records(path: Path) -> Iterator[Any]:
    """The protobuf ``Record``s of a ``.wandb`` file; a torn last record ends the file."""
    pb = require_wandb()
    data = path.read_bytes()
    if data[:4] != _MAGIC:
        raise SourceError(f"{path} is not a W&B transaction log (it does not start with :W&B)")
    parts: list[bytes] = []
    for kind, chunk in _chunks(data):
        if kind in (_FULL, _FIRST):
            parts = [chunk]
        elif kind in (_MIDDLE, _LAST) and parts:
            parts.append(chunk)
        if kind in (_FULL, _LAST) and parts:
            record = pb.Record()
            try:
                record.ParseFromString(b"".join(parts))
            except Exception:  # a crash mid-write: what came before is still the run
                return
            parts = []
            yield record


def _key(item: Any) -> str:
    nested = getattr(item, "nested_key", ())
    return ".".join(nested) if nested else str(item.key)


def _items(items: Any) -> dict[str, Any]:
    """Flat ``{dotted key: value}``; W&B's media and histogram dicts, which it splits
    into one item per field (``img``/``_type``, ``img``/``path``...), put back whole."""
    paths: dict[tuple[str, ...], Any] = {}
    for item in items:
        try:
            paths[tuple(getattr(item, "nested_key", ())) or (item.key,)] = json.loads(
                item.value_json
            )
        except ValueError:
            continue
    typed = {p[:-1] for p in paths if len(p) > 1 and p[-1] == "_type"}
    out: dict[str, Any] = {}
    for path, value in paths.items():
        owner = next((path[:i] for i in range(1, len(path)) if path[:i] in typed), None)
        if owner is None:
            out[".".join(path)] = value
            continue
        node = out.setdefault(".".join(owner), {})
        for part in path[len(owner) : -1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return out


def _ts(stamp: Any, default: float) -> float:
    t = stamp.seconds + stamp.nanos / 1e9
    return t if t > 0 else default


class _Converter:
    """Streams one ``.wandb`` file's records into a ``RunWriter``."""

    def __init__(self, writer: RunWriter) -> None:
        self.w = writer
        self.t = 0.0
        self.exit_code: int | None = None
        self.console: dict[str, str] = {}  # stream -> text not yet ended by a newline
        self.lines: list[tuple[float, str, str]] = []
        # A later session of a run: W&B offline ignores resume and counts from 0 again,
        # so its steps go after the run's; an online resume already continues them.
        self.base = writer.next_step()
        self.offset: int | None = None

    def record(self, r: Any) -> None:
        kind = r.WhichOneof("record_type")
        handler = getattr(self, f"_on_{kind}", None)
        if handler is not None:
            handler(getattr(r, kind))

    def _on_history(self, h: Any) -> None:
        row = _items(h.item)
        step = int(row.get("_step", h.step.num))
        if self.offset is None:
            self.offset = self.base if step < self.base else 0
        step += self.offset
        self.t = float(row.get("_timestamp") or self.t)
        values = {k: v for k, v in row.items() if k not in _DERIVED and not k.startswith("_wandb")}
        self.w.row(step, self.t, values)

    def _on_summary(self, s: Any) -> None:
        values = _items(s.update)
        keep = {k: v for k, v in values.items() if k not in _DERIVED and not k.startswith("_wandb")}
        self.w.summary(self.t, keep)
        removed = [_key(item) for item in s.remove]
        if removed:
            self.w.emit(Kind.SUMMARY, self.t, {"set": {}, "del": removed})

    def _on_config(self, c: Any) -> None:
        values = {k: v for k, v in _items(c.update).items() if not k.startswith("_wandb")}
        self.w.config(self.t, values)

    def _on_metric(self, m: Any) -> None:
        if m.name and m.step_metric:
            payload = {"name": m.name, "step_metric": m.step_metric, "summary": None}
            self.w.emit(
                Kind.METRIC, self.t, {**payload, "goal": None, "hidden": None, "step_sync": False}
            )

    def _on_output_raw(self, o: Any) -> None:
        stream = "stderr" if o.output_type == 0 else "stdout"
        t = _ts(o.timestamp, self.t)
        text = self.console.get(stream, "") + o.line
        *done, rest = text.split("\n")
        self.lines.extend((t, stream, line) for line in done)
        self.console[stream] = rest

    _on_output = _on_output_raw

    def _on_environment(self, e: Any) -> None:
        # W&B's metadata names (os, python, program, args, git, gpu...) are runbase's too.
        from google.protobuf.json_format import MessageToDict

        found = MessageToDict(e, preserving_proto_field_name=True)
        meta = {k: v for k, v in found.items() if k not in _NOT_METADATA}
        if meta:
            self.w.emit(Kind.METADATA, self.t, meta)

    def _on_stats(self, s: Any) -> None:
        values = {k: v for k, v in _items(s.item).items() if isinstance(v, int | float)}
        if values:
            self.w.emit(Kind.SYSTEM, _ts(s.timestamp, self.t), values)

    def _on_exit(self, e: Any) -> None:
        self.exit_code = int(e.exit_code)
        self.t = max(self.t, self.w.last_time)

    def end(self) -> None:
        self.lines.extend((self.t, s, rest) for s, rest in self.console.items() if rest)
        self.w.output(self.lines)


def _start(writer: RunWriter, run: Any, path: Path) -> float:
    t0 = _ts(run.start_time, path.stat().st_mtime)
    config = {k: v for k, v in _items(run.config.update).items() if not k.startswith("_wandb")}
    writer.start(
        t0,
        {"source": "wandb", "id": run.run_id, "path": str(path.parent)},
        name=run.display_name or run.run_id,
        notes=run.notes or None,
        tags=list(run.tags),
        group=run.run_group or None,
        job_type=run.job_type or None,
        config=config,
        host=run.host or None,
    )
    return t0


def source_id(path: Path) -> str:
    """The W&B run id of a ``.wandb`` file (its name is ``run-<id>.wandb``)."""
    return path.stem.removeprefix("run-")


def import_run(path: Path, make_writer: Any) -> RunWriter | None:
    """Import one ``.wandb`` file; None when it was imported before (nothing is written)."""
    records = read_records(path)
    first = next((r for r in records if r.WhichOneof("record_type") == "run"), None)
    if first is None:
        raise EmptySource(
            f"{path} holds no run yet: W&B writes a run's records every 15 s and when it "
            "finishes, so a process killed before that leaves nothing to import"
        )
    session = f"{int(_ts(first.run.start_time, 0) * 1e9):020d}-wandb"
    writer: RunWriter = make_writer(
        first.run.project or "uncategorized", usable_id(first.run.run_id, "wandb"), session
    )
    if writer.exists():
        return None
    try:
        conv = _Converter(writer)
        conv.t = _start(writer, first.run, path)
        for r in records:
            conv.record(r)
        conv.end()
        files = path.parent / "files"
        for f in sorted(files.rglob("*")) if files.is_dir() else []:
            if f.is_file():
                writer.copy_file(f, f.relative_to(files).as_posix(), conv.t)
        if conv.exit_code is None:
            writer.close_crashed()
        else:
            writer.finish(conv.exit_code, conv.t)
    except BaseException:
        writer.abort()
        raise
    return writer
