"""The search space: random draws per W&B distribution, the grid, and the mapping
onto Optuna's distributions for ``bayes``.

A parameter is a leaf named by its dotted path; ``nest`` turns a flat set of
values back into the nested config the run receives. Bayes asks Optuna for an
"internal" value on a bounded, Optuna-friendly scale (an index for a categorical,
a quantile for a normal, the reciprocal for inv_log_uniform) and ``from_internal``
maps it to the value W&B's distribution would give; the internal values are what
the sampler learns from.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

from runbase.sweeps.config import Param

if TYPE_CHECKING:
    import numpy as np
    import optuna

_EPS = 1e-6  # keeps a normal's quantile off 0 and 1 (infinite values)


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1}`` -> ``{"a": {"b": 1}}``."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        node = out
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def _quantize(value: float, q: float) -> float:
    return round(value / q) * q


def _finish(p: Param, value: float) -> Any:
    """A drawn number as W&B gives it: quantized for q_ forms (an int when q is)."""
    if p.distribution.startswith("q_"):
        q = p.get("q")
        value = _quantize(value, q)
        return int(round(value)) if isinstance(q, int) else value
    return value


def draw(p: Param, rng: np.random.Generator) -> Any:
    """One random value of ``p``, with W&B's meaning of each distribution."""
    d, get = p.distribution, p.get
    if d == "constant":
        return get("value")
    if d.startswith("categorical"):
        values = get("values")
        probs = p.spec.get("probabilities")
        return values[int(rng.choice(len(values), p=probs))]
    if d == "int_uniform":
        return int(rng.integers(get("min"), get("max"), endpoint=True))
    if d in ("uniform", "q_uniform"):
        x = rng.uniform(get("min"), get("max"))
    elif d in ("log_uniform", "q_log_uniform"):  # min and max are exponents
        x = math.exp(rng.uniform(get("min"), get("max")))
    elif d in ("log_uniform_values", "q_log_uniform_values"):
        x = math.exp(rng.uniform(math.log(get("min")), math.log(get("max"))))
    elif d == "inv_log_uniform":
        x = math.exp(-rng.uniform(get("min"), get("max")))
    elif d == "inv_log_uniform_values":
        x = 1.0 / math.exp(rng.uniform(math.log(1 / get("max")), math.log(1 / get("min"))))
    elif d in ("normal", "q_normal"):
        x = rng.normal(get("mu"), get("sigma"))
    elif d in ("log_normal", "q_log_normal"):
        x = math.exp(rng.normal(get("mu"), get("sigma")))
    else:  # beta, q_beta
        x = rng.beta(get("a"), get("b"))
    return _finish(p, float(x))


def grid_axes(params: list[Param]) -> list[list[Any]]:
    """Each parameter's grid values, in config order."""
    axes = []
    for p in params:
        if p.distribution == "constant":
            axes.append([p.get("value")])
        elif p.distribution == "int_uniform":
            axes.append(list(range(p.get("min"), p.get("max") + 1)))
        else:
            axes.append(list(p.get("values")))
    return axes


def grid_size(params: list[Param]) -> int:
    return math.prod(len(a) for a in grid_axes(params))


def grid_point(params: list[Param], index: int) -> dict[str, Any] | None:
    """The ``index``-th grid point (row-major, last parameter fastest), or None past the end.

    Points are numbered, so an agent claims a number: nested parameters are plain
    leaves here, and the grid ends after its last point (W&B repeats nested grids).
    """
    axes = grid_axes(params)
    if index >= math.prod(len(a) for a in axes):
        return None
    out: dict[str, Any] = {}
    for p, axis in zip(reversed(params), reversed(axes), strict=True):
        index, i = divmod(index, len(axis))
        out[p.name] = axis[i]
    return {p.name: out[p.name] for p in params}


def iter_grid(params: list[Param]) -> Iterator[dict[str, Any]]:
    names = [p.name for p in params]
    for combo in itertools.product(*grid_axes(params)):
        yield dict(zip(names, combo, strict=True))


# --- bayes: Optuna's view of each parameter ---------------------------------------------


def optuna_distribution(p: Param) -> optuna.distributions.BaseDistribution | None:
    """The bounded distribution Optuna samples for ``p`` (None for a constant)."""
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    d, get = p.distribution, p.get
    if d == "constant":
        return None
    if d.startswith("categorical"):
        return CategoricalDistribution(list(range(len(get("values")))))
    if d == "int_uniform":
        return IntDistribution(get("min"), get("max"))
    if d in ("uniform", "q_uniform"):
        return FloatDistribution(get("min"), get("max"))
    if d in ("log_uniform", "q_log_uniform"):
        return FloatDistribution(math.exp(get("min")), math.exp(get("max")), log=True)
    if d in ("log_uniform_values", "q_log_uniform_values"):
        return FloatDistribution(get("min"), get("max"), log=True)
    if d == "inv_log_uniform":  # internal: 1/x, log-uniform
        return FloatDistribution(math.exp(get("min")), math.exp(get("max")), log=True)
    if d == "inv_log_uniform_values":
        return FloatDistribution(1 / get("max"), 1 / get("min"), log=True)
    # normal and log_normal: the quantile; beta: its support [0, 1] (Optuna has no beta prior)
    return FloatDistribution(_EPS, 1 - _EPS) if "normal" in d else FloatDistribution(0.0, 1.0)


def from_internal(p: Param, x: Any) -> Any:
    """The W&B value for Optuna's internal value ``x`` of ``p``."""
    d, get = p.distribution, p.get
    if d.startswith("categorical"):
        return get("values")[int(x)]
    if d == "int_uniform":
        return int(x)
    if d.startswith("inv_log_uniform"):
        return 1.0 / x
    if "normal" in d:
        value = NormalDist(get("mu"), get("sigma")).inv_cdf(x)
        return _finish(p, math.exp(value) if "log_normal" in d else value)
    return _finish(p, float(x))
