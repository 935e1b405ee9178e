"""Reading an existing run back, to resume it or to refuse a clashing id."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbase.records import Kind, read_segment
from runbase.records.process import host_name, process_alive


@dataclass
class Existing:
    """What a resumed run continues from."""

    name: str | None = None
    info: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    next_step: int = 0
    live_pid: int | None = None


def load_existing(segments: Path) -> Existing | None:
    """Fold a run's segments into the state a resumed run starts from, or None if absent."""
    if not segments.is_dir():
        return None
    files = sorted(segments.glob("*.rbr"))
    if not files:
        return None
    out = Existing()
    last_step: int | None = None
    here = host_name()
    for path in files:
        exited = False
        start: dict[str, Any] = {}
        for frame in read_segment(path, final=True).frames:
            kind, p = frame.kind, frame.payload
            if kind == Kind.HISTORY:
                step, row = p
                last_step = step if last_step is None else max(last_step, step)
                out.summary.update(row)
            elif kind == Kind.START:
                start = p
                out.name = p.get("name") or out.name
                for k in ("notes", "tags", "group", "job_type"):
                    if p.get(k) is not None:
                        out.info[k] = p[k]
                out.config.update(p.get("config") or {})
            elif kind == Kind.CONFIG:
                out.config.update(p["set"])
                for k in p["del"]:
                    out.config.pop(k, None)
            elif kind == Kind.SUMMARY:
                out.summary.update(p["set"])
                for k in p["del"]:
                    out.summary.pop(k, None)
            elif kind == Kind.INFO:
                if "name" in p:
                    out.name = p["name"]
                out.info.update({k: v for k, v in p.items() if k != "name"})
            elif kind == Kind.EXIT:
                exited = True
        if (
            not exited
            and start.get("host") == here
            and process_alive(start.get("pid", -1), start.get("pid_start"))
        ):
            out.live_pid = start["pid"]
    out.next_step = 0 if last_step is None else last_step + 1
    return out


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
