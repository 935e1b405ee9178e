"""What the indexer keeps about a run between passes: the run's fields, folded by
``runbase.records.fold`` (the one fold, shared with resume), plus its history
bookkeeping; and the summary aggregates a METRIC asks for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from runbase.records.fold import RunFields
from runbase.store.db.values import is_number

_AGGREGATES = ("min", "max", "mean", "first", "last")


@dataclass
class RunState(RunFields):
    """A run's fields and where its history stands."""

    heartbeat_at: float | None = None
    rows: int = 0
    last_step: int | None = None
    # The last history row (index, step, segment): a later record with the same
    # step in the same segment still belongs to it.
    open_row: tuple[int, int, str] | None = None

    def bookkeeping(self) -> dict[str, Any]:
        """What goes in the ``ix`` column (the rest has columns of its own)."""
        return {
            "it": self.info.times,
            "ct": self.config.times,
            "st": self.summary.times,
            "open": list(self.open_row) if self.open_row else None,
            "deleted": self.deleted,
        }

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
