"""The sweep metric of one run, read from the run's record files as they grow.

The agent reads each segment from where its last pass stopped, so following a
run costs what it logged since. Every HISTORY record holding the metric counts
as one iteration (Hyperband's unit, as W&B counts them); an explicit
``run.summary[name] = v`` overrides the last logged value as the run's result.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from runbase.records import Kind, read_segment
from runbase.records.layout import segments_dir


def _number(v: Any) -> float | None:
    if type(v) in (int, float) and math.isfinite(v):
        return float(v)
    return None


class MetricReader:
    def __init__(self, root: Path, entity: str, project: str, run_id: str, name: str) -> None:
        self.folder = segments_dir(root, entity, project, run_id)
        self.name = name
        self.offsets: dict[str, int] = {}
        self.history: list[float] = []
        self.summary: float | None = None

    def poll(self, final: bool = False) -> list[float]:
        """Read what the run logged since the last call; the metric's values so far."""
        try:
            paths = sorted(self.folder.glob("*.rbr"))
        except OSError:
            return self.history
        for path in paths:
            key = str(path)
            got = read_segment(path, self.offsets.get(key, 0), final=final)
            self.offsets[key] = got.next_offset
            for f in got.frames:
                if f.kind == Kind.HISTORY and isinstance(f.payload, list | tuple):
                    values = f.payload[1] if len(f.payload) == 2 else None
                    if isinstance(values, dict) and self.name in values:
                        x = _number(values[self.name])
                        if x is not None:
                            self.history.append(x)
                elif f.kind == Kind.SUMMARY and isinstance(f.payload, dict):
                    changed = f.payload.get("set") or {}
                    if self.name in changed:
                        self.summary = _number(changed[self.name])
        return self.history

    def value(self) -> float | None:
        """The run's result: an explicit summary value, else the last logged one."""
        if self.summary is not None:
            return self.summary
        return self.history[-1] if self.history else None
