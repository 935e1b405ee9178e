"""Folding a run's non-history records into its fields, config, summary and metadata.

Records reach the indexer out of order across streams: a live segment is read in
pieces, and ``edits.rbr`` (written later by the Api or the web app) is read
after them. docs/records.md settles conflicts by time: for each field (an INFO
field, a config key, a summary key) the record with the latest time wins,
whichever stream it is in. Each field therefore carries the time it was last
set (or deleted, so an older set cannot bring it back), which also makes the
result independent of the order the streams are read in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from runbase.store.db.values import is_number

INFO_FIELDS = ("name", "notes", "tags", "group", "job_type")
_AGGREGATES = ("min", "max", "mean", "first", "last")


@dataclass
class Stamped:
    """A map whose keys each keep the time of their last change (last writer wins)."""

    values: dict[str, Any] = field(default_factory=dict)
    times: dict[str, float] = field(default_factory=dict)

    def set(self, key: str, value: Any, t: float) -> bool:
        if t < self.times.get(key, -math.inf):
            return False
        self.values[key] = value
        self.times[key] = t
        return True

    def delete(self, key: str, t: float) -> bool:
        if t < self.times.get(key, -math.inf):
            return False
        self.values.pop(key, None)
        self.times[key] = t
        return True


@dataclass
class RunState:
    """Everything the indexer keeps about a run between passes."""

    info: Stamped = field(default_factory=Stamped)
    config: Stamped = field(default_factory=Stamped)
    summary: Stamped = field(default_factory=Stamped)
    metadata: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    user: str | None = None
    host: str | None = None
    created_at: float | None = None
    heartbeat_at: float | None = None
    rows: int = 0
    last_step: int | None = None
    # The last history row (index, step, segment): a later record with the same
    # step in the same segment still belongs to it.
    open_row: tuple[int, int, str] | None = None
    deleted: bool = False

    def bookkeeping(self) -> dict[str, Any]:
        """What goes in the ``ix`` column (the rest has columns of its own)."""
        return {
            "it": self.info.times,
            "ct": self.config.times,
            "st": self.summary.times,
            "open": list(self.open_row) if self.open_row else None,
            "deleted": self.deleted,
        }

    def apply_start(self, payload: dict[str, Any], t: float) -> None:
        when = payload.get("start_time") or t
        if self.created_at is None or when < self.created_at:
            self.created_at = when
        for key in INFO_FIELDS:
            if key in payload:
                value = payload[key]
                self.info.set(key, list(value or []) if key == "tags" else value, t)
        for key, value in (payload.get("config") or {}).items():
            self.config.set(key, value, t)
        self.user = payload.get("user") or self.user
        self.host = payload.get("host") or self.host

    def apply_info(self, payload: dict[str, Any], t: float) -> None:
        for key in INFO_FIELDS:
            if key in payload:
                value = payload[key]
                self.info.set(key, list(value or []) if key == "tags" else value, t)

    def apply_config(self, payload: dict[str, Any], t: float) -> None:
        for key, value in (payload.get("set") or {}).items():
            self.config.set(key, value, t)
        for key in payload.get("del") or ():
            self.config.delete(key, t)

    def apply_summary(self, payload: dict[str, Any], t: float) -> None:
        for key, value in (payload.get("set") or {}).items():
            self.summary.set(key, value, t)
        for key in payload.get("del") or ():
            self.summary.delete(key, t)

    def apply_metric(self, payload: dict[str, Any]) -> None:
        name = payload.get("name")
        if isinstance(name, str) and name:
            self.metrics[name] = dict(payload)

    def summary_spec(self, key: str) -> list[str] | None:
        """The aggregates a METRIC asks for ``key`` (["none"] to hide it), or None for "last"."""
        metric = self.metrics.get(key)
        if metric is None and not key.startswith("_"):
            # Only trailing-* globs exist; the longest matching prefix decides.
            best = -1
            for name, m in self.metrics.items():
                if name.endswith("*") and key.startswith(name[:-1]) and len(name) > best:
                    metric, best = m, len(name)
        if metric is None:
            return None
        spec = metric.get("summary")
        if not spec or not isinstance(spec, str):
            return None
        parts = [p.strip().lower() for p in spec.split(",") if p.strip()]
        if "none" in parts:
            return ["none"]
        parts = [p for p in parts if p in _AGGREGATES]
        return parts or None


def aggregate(spec: list[str], stats: dict[str, Any]) -> dict[str, Any]:
    """The summary dict of a key whose METRIC asks for aggregates."""
    out: dict[str, Any] = {}
    for name in spec:
        if name == "min":
            out["min"] = stats.get("vmin")
        elif name == "max":
            out["max"] = stats.get("vmax")
        elif name == "mean":
            out["mean"] = stats.get("mean")
        elif name == "first":
            out["first"] = stats.get("first")
        elif name == "last":
            out["last"] = stats.get("last")
    return out


def exact_sum_add(acc: dict[str, int], values: Any) -> None:
    """Add floats to an exact running sum (so the mean does not depend on batching).

    ``acc`` holds an integer scaled by 2**1126 (every finite float times that is
    an integer), the count of finite values, and counts of ±inf.
    """
    total = acc.get("s", 0)
    n = acc.get("n", 0)
    for x in values:
        if not is_number(x):
            continue
        x = float(x)
        if math.isfinite(x):
            num, den = x.as_integer_ratio()
            total += num * ((1 << 1126) // den)
            n += 1
        elif x == math.inf:
            acc["pinf"] = acc.get("pinf", 0) + 1
        elif x == -math.inf:
            acc["ninf"] = acc.get("ninf", 0) + 1
    acc["s"] = total
    acc["n"] = n


def exact_mean(acc: dict[str, int]) -> float | None:
    """Mean of the values added with :func:`exact_sum_add` (NaN ignored)."""
    pinf, ninf = acc.get("pinf", 0), acc.get("ninf", 0)
    if pinf and ninf:
        return math.nan
    if pinf:
        return math.inf
    if ninf:
        return -math.inf
    n = acc.get("n", 0)
    if not n:
        return None
    return acc["s"] / ((1 << 1126) * n)
