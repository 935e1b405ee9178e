"""``run.summary`` and ``define_metric``: the per-key value shown for a run."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from runbase.sdk.values import flatten

SUMMARY_MODES = ("min", "max", "mean", "first", "last", "none")


@dataclass
class Metric:
    """What ``define_metric`` returns: the definition it recorded."""

    name: str
    step_metric: str | None = None
    step_sync: bool | None = None
    hidden: bool | None = None
    summary: str | None = None
    goal: str | None = None

    def matches(self, key: str) -> bool:
        """Trailing-``*`` globs match by prefix; keys starting with ``_`` never match a glob."""
        if self.name.endswith("*"):
            return not key.startswith("_") and key.startswith(self.name[:-1])
        return key == self.name


def parse_summary(summary: str | None) -> tuple[str, ...] | None:
    """Validate a ``summary=`` argument such as ``"min,max"``."""
    if summary is None:
        return None
    if not isinstance(summary, str):
        raise TypeError(f"define_metric: summary must be a string like 'min,max', got {summary!r}")
    modes = tuple(m.strip() for m in summary.split(",") if m.strip())
    bad = [m for m in modes if m not in SUMMARY_MODES]
    if bad or not modes:
        raise ValueError(
            f"define_metric: summary={summary!r} is not valid; use a comma list of "
            + ", ".join(SUMMARY_MODES)
        )
    return modes


class _Agg:
    """Running aggregate of one key for non-default summaries."""

    __slots__ = ("count", "first", "last", "max", "min", "seen", "total")

    def __init__(self) -> None:
        self.seen = False
        self.count = 0
        self.total = 0.0
        self.first: Any = None
        self.last: Any = None
        self.min: Any = None
        self.max: Any = None

    def add(self, v: Any) -> None:
        if not self.seen:
            self.seen = True
            self.first = v
        self.last = v
        if type(v) in (int, float) and v == v:  # NaN never becomes a min or max
            self.min = v if self.min is None or v < self.min else self.min
            self.max = v if self.max is None or v > self.max else self.max
            self.total += v
            self.count += 1

    def view(self, modes: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for m in modes:
            if m == "mean":
                out[m] = self.total / self.count if self.count else None
            elif m != "none":
                out[m] = getattr(self, m)
        return out


class SummaryState:
    """The SDK's own view of the summary, updated by log() and by explicit sets."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.metrics: list[Metric] = []
        self._modes: dict[str, tuple[str, ...] | None] = {}
        self._aggs: dict[str, _Agg] = {}

    def modes_for(self, key: str) -> tuple[str, ...] | None:
        """The summary modes that apply to ``key`` (None = plain last value)."""
        try:
            return self._modes[key]
        except KeyError:
            modes = None
            for m in self.metrics:
                if m.summary is not None and m.matches(key):
                    modes = parse_summary(m.summary)
                    break
            self._modes[key] = modes
            return modes

    def define(self, metric: Metric) -> None:
        self.metrics = [m for m in self.metrics if m.name != metric.name] + [metric]
        # Exact names take precedence over globs.
        self.metrics.sort(key=lambda m: m.name.endswith("*"))
        self._modes.clear()

    def observe(self, row: dict[str, Any]) -> None:
        """Slow path of log(): some metric has a non-default summary."""
        for k, v in row.items():
            modes = self.modes_for(k)
            if modes is None:
                self.values[k] = v
                continue
            agg = self._aggs.get(k)
            if agg is None:
                agg = self._aggs[k] = _Agg()
            agg.add(v)
            if modes == ("none",):
                self.values.pop(k, None)
            elif modes == ("last",):
                self.values[k] = v
            else:
                self.values[k] = agg.view(modes)


class Summary:
    """Dict-like summary: ``run.summary["best"] = 0.9``, ``run.summary.update({...})``."""

    def __init__(
        self,
        state: SummaryState,
        emit: Callable[[dict[str, Any], list[str]], dict[str, Any] | None],
    ):
        object.__setattr__(self, "_state", state)
        object.__setattr__(self, "_emit", emit)

    def update(self, d: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        """Set several keys; they stick until the same key is logged again."""
        data = dict(d or {}, **kwargs)
        flat = flatten(data, "summary")
        if not flat:
            return
        # Recorded first: a value the record file refuses raises and changes nothing.
        # The emitter returns the values as recorded (media replaced by their pointers).
        recorded = self._emit(flat, [])
        self._state.values.update(flat if recorded is None else recorded)

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def __setattr__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def __getitem__(self, key: str) -> Any:
        try:
            return self._state.values[key]
        except KeyError:
            nested = self._nested(key)
            if nested is None:
                raise
            return nested

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"summary has no key {key!r}") from None

    def _nested(self, key: Any) -> SummarySubDict | None:
        """``summary["eval"]`` after ``summary["eval"] = {"acc": 1}`` (stored as ``eval.acc``)."""
        prefix = f"{key}."
        if any(k.startswith(prefix) for k in self._state.values):
            return SummarySubDict(self, prefix)
        return None

    def __delitem__(self, key: str) -> None:
        values = self._state.values
        if key in values:
            gone = [key]
        else:
            gone = [k for k in values if k.startswith(f"{key}.")]
            if not gone:
                raise KeyError(key)
        self._emit({}, gone)
        for k in gone:
            del values[k]

    def __contains__(self, key: object) -> bool:
        return key in self._state.values or self._nested(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._state.values))

    def __len__(self) -> int:
        return len(self._state.values)

    def __repr__(self) -> str:
        return repr(self._state.values)

    def get(self, key: str, default: Any = None) -> Any:
        """Value of ``key``, or ``default``."""
        try:
            return self[key]
        except KeyError:
            return default

    def keys(self) -> list[str]:
        """Summary keys."""
        return list(self._state.values)

    def items(self) -> list[tuple[str, Any]]:
        """``(key, value)`` pairs."""
        return list(self._state.values.items())

    def as_dict(self) -> dict[str, Any]:
        """A plain copy."""
        return dict(self._state.values)


class SummarySubDict(MutableMapping[str, Any]):
    """A nested part of the summary (W&B's ``SummarySubDict``): reads and writes go through.

    The summary stores nested dicts as dotted keys (``eval.acc``); this is the view
    ``run.summary["eval"]`` returns, so ``run.summary["eval"]["acc"] = 2`` records the change.
    """

    def __init__(self, summary: Summary, prefix: str) -> None:
        self._summary = summary
        self._prefix = prefix

    def __getitem__(self, key: str) -> Any:
        return self._summary[self._prefix + key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._summary[self._prefix + key] = value

    def __delitem__(self, key: str) -> None:
        del self._summary[self._prefix + key]

    def _names(self) -> list[str]:
        n = len(self._prefix)
        names = (k[n:].split(".", 1)[0] for k in self._summary.keys() if k.startswith(self._prefix))
        return list(dict.fromkeys(names))

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def as_dict(self) -> dict[str, Any]:
        """A plain nested copy."""
        return {k: v.as_dict() if isinstance(v, SummarySubDict) else v for k, v in self.items()}

    def __repr__(self) -> str:
        return repr(self.as_dict())
