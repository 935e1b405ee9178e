"""Parameter importance: how much each config parameter tells about a metric.

As W&B shows it: an importance from a random forest fitted to predict the metric
from the parameters (scikit-learn's RandomForestRegressor, impurity importances),
and the Pearson correlation of each parameter with the metric. scikit-learn is an
optional extra (``runbase[importance]``); without it the correlations still come
back and ``message`` says how to get the importances.

Encoding: a parameter whose values are all numbers (bools count as 0/1) is
numeric; a missing value is imputed with the column's median for the forest and
left out of its correlation. Any other parameter is categorical, one-hot encoded
(a missing value is a level of its own); its importance is the sum over its
levels, and it has no correlation (a sign means nothing without an order).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

MIN_RUNS = 3
TREES = 100
# Runs each tree is grown on at most (a bootstrap sample): at thousands of runs
# the ranking is the same as with all of them, in a fraction of the time.
TREE_SAMPLES = 500
INSTALL_HINT = (
    "parameter importance needs scikit-learn: pip install 'runbase[importance]' "
    "(correlations are shown without it)"
)


@dataclass
class Column:
    """One parameter over the runs: a numeric column or one-hot levels."""

    name: str
    kind: str  # "numeric" | "categorical"
    numbers: np.ndarray | None = None  # float, NaN where missing
    levels: list[str] | None = None
    codes: np.ndarray | None = None  # int index into levels


def _number(v: Any) -> float | None:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, int | float):
        f = float(v)
        return f if math.isfinite(f) else None
    return None


def encode(name: str, values: Sequence[Any]) -> Column:
    """A parameter's values (None where a run lacks it) as a column."""
    present = [v for v in values if v is not None]
    if all(_number(v) is not None or (isinstance(v, float)) for v in present):
        nums = [_number(v) if v is not None else None for v in values]
        arr = np.array([math.nan if n is None else n for n in nums], dtype=float)
        return Column(name, "numeric", numbers=arr)
    texts = ["(missing)" if v is None else str(v) for v in values]
    levels = sorted(set(texts))
    index = {t: i for i, t in enumerate(levels)}
    return Column(name, "categorical", levels=levels, codes=np.array([index[t] for t in texts]))


def pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r over the rows where both are present; None when undefined."""
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 2:
        return None
    xs, ys = x[ok], y[ok]
    if np.ptp(xs) == 0 or np.ptp(ys) == 0:
        return None
    return float(np.corrcoef(xs, ys)[0, 1])


def _design(columns: list[Column]) -> tuple[np.ndarray, list[int]]:
    """The forest's input matrix and, per matrix column, the parameter it encodes."""
    blocks: list[np.ndarray] = []
    owner: list[int] = []
    for i, c in enumerate(columns):
        if c.kind == "numeric" and c.numbers is not None:
            col = c.numbers.copy()
            finite = np.isfinite(col)
            col[~finite] = float(np.median(col[finite])) if finite.any() else 0.0
            blocks.append(col[:, None])
            owner.append(i)
        elif c.levels is not None and c.codes is not None:
            blocks.append(np.eye(len(c.levels))[c.codes])
            owner.extend([i] * len(c.levels))
    return np.hstack(blocks), owner


def forest_importance(columns: list[Column], y: np.ndarray) -> list[float] | None:
    """Each parameter's share of the forest's impurity importance (summing to 1);
    None without scikit-learn."""
    try:
        from sklearn.ensemble import RandomForestRegressor
    except ImportError:
        return None
    x, owner = _design(columns)
    forest = RandomForestRegressor(
        n_estimators=TREES,
        max_samples=min(1.0, TREE_SAMPLES / len(y)),
        min_samples_leaf=2,
        random_state=0,
        n_jobs=1,
    )
    forest.fit(x, y)
    out = [0.0] * len(columns)
    for j, share in enumerate(forest.feature_importances_):
        out[owner[j]] += float(share)
    return out


def importance(
    runs: Sequence[tuple[dict[str, Any], float]], params: Sequence[str]
) -> tuple[list[dict[str, Any]], str | None]:
    """Rows ``{name, kind, runs, importance, correlation}`` for ``(config, metric)``
    pairs, most important first, and a message when importances are missing."""
    y = np.array([m for _, m in runs], dtype=float)
    columns = [encode(p, [cfg.get(p) for cfg, _ in runs]) for p in params]
    rows: list[dict[str, Any]] = []
    for c in columns:
        present = int(np.isfinite(c.numbers).sum()) if c.numbers is not None else len(runs)
        corr = pearson(c.numbers, y) if c.numbers is not None else None
        rows.append({"name": c.name, "kind": c.kind, "runs": present, "correlation": corr})
    message: str | None = None
    shares: list[float] | None = None
    if len(runs) < MIN_RUNS:
        message = f"importance needs at least {MIN_RUNS} runs with the metric; {len(runs)} have it"
    elif columns:
        shares = forest_importance(columns, y)
        if shares is None:
            message = INSTALL_HINT
    for i, row in enumerate(rows):
        row["importance"] = shares[i] if shares is not None else None
    rows.sort(key=lambda r: (-(r["importance"] or 0.0), -abs(r["correlation"] or 0.0), r["name"]))
    return rows, message
