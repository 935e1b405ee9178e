"""Reading an existing run back, to resume it or to refuse a clashing id."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbase.records.fold import fold_run


@dataclass
class Existing:
    """What a resumed run continues from: its records folded, edits included."""

    name: str | None = None
    info: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    next_step: int = 0
    live_pid: int | None = None


def load_existing(segments: Path, edits: Path) -> Existing | None:
    """The state a resumed run starts from, or None when the run has no records."""
    folded = fold_run(segments, edits)
    if folded is None or folded.fields.deleted:
        return None
    info = dict(folded.fields.info.values)
    return Existing(
        name=info.pop("name", None),
        info=info,
        config=dict(folded.fields.config.values),
        summary=dict(folded.fields.summary.values),
        next_step=folded.next_step,
        live_pid=folded.live_pid,
    )


def _auto_key(root: Path) -> Path:
    program = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else "<interactive>"
    digest = hashlib.sha1(f"{os.getcwd()}\0{program}".encode()).hexdigest()[:16]
    return root / "resume" / f"{digest}.json"


def auto_resume_id(root: Path) -> str | None:
    """The id of the last run of this program in this folder that did not finish cleanly."""
    try:
        run_id = json.loads(_auto_key(root).read_text())["run_id"]
        return run_id if isinstance(run_id, str) else None
    except (OSError, ValueError, KeyError):
        return None


def remember_for_auto_resume(root: Path, run_id: str) -> None:
    """resume="auto": remember the id until the run exits with code 0."""
    path = _auto_key(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"run_id": run_id}))


def forget_auto_resume(root: Path) -> None:
    """The run exited cleanly: the next start is a new run."""
    try:
        _auto_key(root).unlink()
    except OSError:
        pass
