"""Write one imported run as records, with the source's own times and steps.

Imports write records directly (not through ``runbase.init``): the run keeps the
start time, row timestamps, host and exit code it had where it came from, and no
capture threads start. The run id is derived from the source's id, so a second
import of the same run finds it and adds nothing. The run is written in a staging
folder and moved into ``runs/`` whole, so an import that fails or is killed leaves
no half run for readers (or for the next import, which would take it as done).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import msgspec

from runbase.records.appendlog import append_records
from runbase.records.fold import fold_run
from runbase.records.kinds import Kind
from runbase.records.layout import default_entity, id_problem, journal_path, run_dir
from runbase.records.writer import SegmentWriter
from runbase.version import __version__


class SourceError(Exception):
    """Bad input for an import: the message says what to do."""


class EmptySource(SourceError):
    """A source run with nothing in it to import (reported, not an error)."""


def stable_id(prefix: str, source_key: str) -> str:
    """A run id for a source without usable ids of its own (a TensorBoard run folder)."""
    return f"{prefix}-{hashlib.sha1(source_key.encode()).hexdigest()[:12]}"


def usable_id(source_id: str, prefix: str) -> str:
    """The source's id when runbase accepts it as is, else a stable one derived from it."""
    return source_id if id_problem(source_id) is None else stable_id(prefix, source_id)


def project_name(name: str) -> str:
    """A source's name (an MLflow experiment, a folder) as a project name runbase accepts:
    ``/Users/me/exp`` -> ``Users-me-exp``."""
    cleaned = re.sub(r"[/\\#?%:]+", "-", name).strip("- ")
    return cleaned[:128] or "imported"


class RunWriter:
    """The records of one run; ``exists()`` first, then ``start`` ... ``finish``."""

    def __init__(
        self,
        root: Path,
        project: str,
        run_id: str,
        entity: str | None = None,
        session: str | None = None,
    ) -> None:
        """``session``: a name for one source session of a run (a W&B run folder), so a
        run resumed in several folders is imported as one run, each folder once."""
        self.root = root
        self.entity = entity or default_entity()
        self.project = project
        self.run_id = run_id
        self._final = run_dir(root, self.entity, project, run_id)
        self._session = session
        self._segment = f"{session}.rbr" if session else f"{time.time_ns():020d}-import.rbr"
        self.resuming = self._final.exists() and not self.exists()
        self._dir = self._final if self.resuming else root / "tmp" / f"import-{time.time_ns()}"
        self._sink: SegmentWriter | None = None
        self._encode = msgspec.msgpack.Encoder().encode
        self.last_time = 0.0

    def exists(self) -> bool:
        """Imported before: the run (and, for a session, that session's segment) is there."""
        if not self._final.exists():
            return False
        return self._session is None or (self._final / "segments" / self._segment).exists()

    def next_step(self) -> int:
        """The step after the last one of the run this session continues (0 for a new run)."""
        if not self.resuming:
            return 0
        folded = fold_run(self._final / "segments", self._final / "edits.rbr")
        return folded.next_step if folded is not None else 0

    @property
    def files(self) -> Path:
        """The run's files folder (in the staging folder until the run is in place)."""
        return self._dir / "files"

    def _partial(self) -> Path:
        # Readers take only *.rbr files: a resumed session is written under another name.
        name = f".{self._segment}.importing" if self.resuming else self._segment
        return self._dir / "segments" / name

    def start(self, start_time: float, source: dict[str, Any], **fields: Any) -> None:
        """Open the run. ``fields``: name, notes, tags, group, job_type, config, host, user."""
        self._partial().parent.mkdir(parents=True, exist_ok=True)
        self.files.mkdir(parents=True, exist_ok=True)
        self._sink = SegmentWriter(str(self._partial()))
        payload = {
            "id": self.run_id,
            "project": self.project,
            "entity": self.entity,
            "name": fields.pop("name", None) or self.run_id,
            "tags": list(fields.pop("tags", None) or ()),
            "config": fields.pop("config", None) or {},
            "user": fields.pop("user", None) or self.entity,
            "host": fields.pop("host", None),
            "pid": None,
            "start_time": start_time,
            "resumed": self.resuming,
            "runbase_version": __version__,
            "mode": "online",
            **fields,
        }
        self.emit(Kind.START, start_time, payload)
        self.emit(Kind.METADATA, start_time, {"imported_from": source})

    def emit(self, kind: int, t: float, payload: Any) -> None:
        assert self._sink is not None, "start() first"
        self._sink.append(self._encode((int(kind), t, payload)))
        self.last_time = max(self.last_time, t)

    def row(self, step: int, t: float, values: dict[str, Any]) -> None:
        self.emit(Kind.HISTORY, t, [step, values])

    def config(self, t: float, values: dict[str, Any]) -> None:
        if values:
            self.emit(Kind.CONFIG, t, {"set": values, "del": []})

    def summary(self, t: float, values: dict[str, Any]) -> None:
        if values:
            self.emit(Kind.SUMMARY, t, {"set": values, "del": []})

    def output(self, lines: list[tuple[float, str, str]]) -> None:
        """Console lines: ``(unix time, "stdout" | "stderr", text)``."""
        for i in range(0, len(lines), 1000):
            chunk = lines[i : i + 1000]
            self.emit(Kind.OUTPUT, chunk[-1][0], [list(line) for line in chunk])

    def media(self) -> Any:
        """Where media files go, as the SDK writes them (``MediaContext.store``)."""
        from runbase.sdk.data_types.writer import MediaContext

        return MediaContext(
            self.files, lambda kind, payload: self.emit(kind, self.last_time, payload), self.root
        )

    def copy_file(self, src: Path, rel: str, t: float) -> None:
        dest = self.files / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        self.emit(Kind.FILE, t, {"path": rel, "size": dest.stat().st_size, "policy": "now"})

    def finish(self, exit_code: int, t: float | None = None) -> None:
        self.emit(Kind.EXIT, t or self.last_time, {"exit_code": int(exit_code)})
        self._publish()

    def close_crashed(self) -> None:
        """End a run whose source has no exit: without EXIT it reads as crashed, as there."""
        self._publish()

    def _publish(self) -> None:
        """Move the finished run into ``runs/`` and tell readers (the journal)."""
        assert self._sink is not None, "start() first"
        self._sink.close()
        self._sink = None
        self._final.parent.mkdir(parents=True, exist_ok=True)
        try:
            if self.resuming:
                os.rename(self._partial(), self._final / "segments" / self._segment)
            else:
                os.rename(self._dir, self._final)
        except OSError:
            raise SourceError(
                f"run {self.project}/{self.run_id} appeared while it was being imported "
                "(another import at the same time?); it was left as it is"
            ) from None
        record = {"entity": self.entity, "project": self.project, "run_id": self.run_id}
        record["segment"] = self._segment
        append_records(journal_path(self.root), [(Kind.JOURNAL, record)])

    def abort(self) -> None:
        """A failed import leaves nothing behind, so the next try starts clean."""
        if self._sink is not None:
            self._sink.close(sync=False)
            self._sink = None
        if self.resuming:  # the run was there before: only this session's file goes
            self._partial().unlink(missing_ok=True)
        else:
            shutil.rmtree(self._dir, True)
