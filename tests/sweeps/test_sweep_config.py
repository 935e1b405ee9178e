"""The sweep config: W&B's schema checked before anything runs, every distribution
drawn with its meaning, the grid numbered and finite over nested parameters."""

from __future__ import annotations

import math

import numpy as np
import pytest

from runbase.sweeps import search, space
from runbase.sweeps.config import DISTRIBUTIONS, SweepConfigError, check


def problems(config) -> list[str]:
    with pytest.raises(SweepConfigError) as e:
        check(config)
    return e.value.problems


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"method": "anneal", "parameters": {"x": {"value": 1}}}, "method: 'anneal' is not allowed; use one of grid, random, bayes"),  # noqa: E501
        ({"method": "grid"}, "parameters: a mapping"),
        ({"method": "random", "parameters": {"x": {"distribution": "gamma", "min": 0, "max": 1}}}, "parameters.x.distribution: 'gamma' is not allowed"),  # noqa: E501
        ({"method": "random", "parameters": {"x": {"min": 2, "max": 1}}}, "parameters.x: min (2) must be below max (1)"),  # noqa: E501
        ({"method": "random", "parameters": {"x": {"distribution": "normal", "mu": 0, "sigma": -1}}}, "parameters.x.sigma: must be > 0"),  # noqa: E501
        ({"method": "random", "parameters": {"x": {"values": [1, 2], "probabilities": [0.5, 0.6]}}}, "parameters.x.probabilities: must be 2 numbers >= 0 that sum to 1"),  # noqa: E501
        ({"method": "random", "parameters": {"x": {"distribution": "log_uniform_values", "min": 0, "max": 1}}}, "parameters.x.min: log_uniform_values needs min > 0"),  # noqa: E501
        ({"method": "random", "parameters": {"opt": {"parameters": {"lr": {"mn": 1}}}}}, "parameters.opt.lr: unknown key(s) ['mn']"),  # noqa: E501
        ({"method": "grid", "parameters": {"x": {"min": 0.0, "max": 1.0}}}, "parameters.x: method grid needs `values`, `value` or an int_uniform range, not distribution uniform"),  # noqa: E501
        ({"method": "bayes", "parameters": {"x": {"min": 0.0, "max": 1.0}}}, "metric: method bayes needs a metric"),  # noqa: E501
        ({"method": "random", "metric": {"name": "loss", "goal": "lower"}, "parameters": {"x": {"value": 1}}}, "metric.goal: 'lower' is not allowed; use minimize or maximize"),  # noqa: E501
        ({"method": "random", "metric": {"name": "loss", "impute": "zero"}, "parameters": {"x": {"value": 1}}}, "metric.impute: 'zero' is not allowed"),  # noqa: E501
        ({"method": "random", "metric": {"name": "l"}, "early_terminate": {"type": "hyperband", "eta": 3}, "parameters": {"x": {"value": 1}}}, "early_terminate: hyperband needs `min_iter`, or `max_iter` and `s`"),  # noqa: E501
        ({"method": "random", "early_terminate": {"type": "median"}, "parameters": {"x": {"value": 1}}}, "early_terminate.type: only `hyperband` is allowed"),  # noqa: E501
        ({"method": "random", "run_cap": 0, "parameters": {"x": {"value": 1}}}, "run_cap: 0 is not allowed; use a whole number > 0"),  # noqa: E501
        ({"method": "random", "command": "python train.py", "parameters": {"x": {"value": 1}}}, "command: must be a list of strings"),  # noqa: E501
        ({"method": "random", "parameter": {}, "parameters": {"x": {"value": 1}}}, "unknown top-level key(s) ['parameter']"),  # noqa: E501
    ],
)  # fmt: skip
def test_an_invalid_config_names_the_field_and_what_is_allowed(config, expected):
    assert any(expected in p for p in problems(config)), problems(config)


def test_every_problem_is_reported_at_once():
    found = problems({"method": "x", "run_cap": -1, "parameters": {"a": {"min": 1, "max": 0}}})
    assert len(found) == 3


def test_yaml_text_and_files_are_read(tmp_path):
    text = "method: grid\nparameters:\n  lr:\n    values: [0.1, 0.01]\n"
    assert check(text).params[0].name == "lr"
    path = tmp_path / "sweep.yaml"
    path.write_text(text)
    assert check(str(path)).method == "grid"
    assert "cannot read the sweep config file" in problems(str(tmp_path / "missing.yaml"))[0]


ALL = {
    "constant": {"value": "adam"},
    "categorical": {"values": ["a", "b", [1, 2]]},
    "categorical_w_probabilities": {"values": [1, 2], "probabilities": [0.1, 0.9]},
    "int_uniform": {"min": 2, "max": 5},
    "uniform": {"min": -1.0, "max": 1.0},
    "q_uniform": {"min": 0, "max": 10, "q": 2},
    "log_uniform": {"min": -5.0, "max": 0.0},
    "log_uniform_values": {"min": 1e-4, "max": 1e-1},
    "q_log_uniform": {"min": 0.0, "max": 4.0, "q": 1},
    "q_log_uniform_values": {"min": 1, "max": 100, "q": 5},
    "inv_log_uniform": {"min": 0.0, "max": 3.0},
    "inv_log_uniform_values": {"min": 0.01, "max": 1.0},
    "normal": {"mu": 10.0, "sigma": 0.1},
    "q_normal": {"mu": 10.0, "sigma": 2.0, "q": 0.5},
    "log_normal": {"mu": 0.0, "sigma": 0.5},
    "q_log_normal": {"mu": 2.0, "sigma": 0.5, "q": 1},
    "beta": {"a": 2.0, "b": 5.0},
    "q_beta": {"a": 2.0, "b": 2.0, "q": 0.25},
}


def in_range(dist: str, spec: dict, v) -> bool:
    if dist == "constant":
        return v == "adam"
    if dist.startswith("categorical"):
        return v in spec["values"]
    if dist in ("int_uniform", "uniform", "log_uniform_values", "inv_log_uniform_values"):
        return spec["min"] <= v <= spec["max"] and (dist != "int_uniform" or type(v) is int)
    if dist == "q_uniform":
        return 0 <= v <= 10 and v % 2 == 0 and type(v) is int
    if dist in ("log_uniform", "inv_log_uniform"):
        lo, hi = (math.exp(spec["min"]), math.exp(spec["max"]))
        if dist == "inv_log_uniform":
            lo, hi = 1 / hi, 1 / lo
        return lo <= v <= hi
    if dist == "q_log_uniform":
        return type(v) is int and 1 <= v <= round(math.exp(4))
    if dist == "q_log_uniform_values":
        return v % 5 == 0 and 0 <= v <= 100
    if dist in ("normal", "q_normal"):
        return abs(v - 10) < 2 * 5 and (dist == "normal" or (v * 2) % 1 == 0)
    if dist in ("log_normal", "q_log_normal"):
        return v >= 0
    return 0 <= v <= 1 and (dist == "beta" or (v * 4) % 1 == 0)


def test_every_distribution_is_accepted_and_drawn_with_its_meaning():
    assert set(ALL) == set(DISTRIBUTIONS)
    cfg = check(
        {"method": "random", "parameters": {k: {"distribution": k, **v} for k, v in ALL.items()}}
    )
    rng = np.random.default_rng(0)
    for p in cfg.params:
        values = [space.draw(p, rng) for _ in range(200)]
        assert all(in_range(p.distribution, ALL[p.distribution], v) for v in values), (
            p,
            values[:5],
        )
    weighted = next(p for p in cfg.params if p.distribution == "categorical_w_probabilities")
    draws = [space.draw(weighted, rng) for _ in range(2000)]
    assert 0.85 < draws.count(2) / len(draws) < 0.95


def test_distributions_are_inferred_from_their_keys_as_wandb_does():
    cfg = check({"method": "random", "parameters": {
        "a": {"value": 1}, "b": {"values": [1]}, "c": {"min": 1, "max": 3},
        "d": {"min": 0.1, "max": 3}, "e": {"mu": 1}, "f": {"a": 2, "b": 3},
    }})  # fmt: skip
    assert [p.distribution for p in cfg.params] == [
        "constant", "categorical", "int_uniform", "uniform", "normal", "beta",
    ]  # fmt: skip


def test_bayes_maps_each_distribution_onto_optuna_and_back_into_range():
    cfg = check(
        {"method": "random", "parameters": {k: {"distribution": k, **v} for k, v in ALL.items()}}
    )
    for p in cfg.params:
        d = space.optuna_distribution(p)
        if d is None:
            continue
        for x in (getattr(d, "low", None), getattr(d, "high", None)):
            if x is not None:
                assert in_range(p.distribution, ALL[p.distribution], space.from_internal(p, x)), p
        if hasattr(d, "choices"):
            assert [space.from_internal(p, c) for c in d.choices] == ALL[p.distribution]["values"]


def test_a_grid_over_nested_parameters_is_finite_and_ends():
    cfg = check({"method": "grid", "parameters": {
        "lr": {"values": [0.1, 0.01]},
        "opt": {"parameters": {"name": {"values": ["sgd", "adam"]}, "mom": {"value": 0.9}}},
        "layers": {"distribution": "int_uniform", "min": 1, "max": 3},
    }})  # fmt: skip
    points = [space.grid_point(cfg.params, i) for i in range(13)]
    assert points[12] is None and None not in points[:12]
    nested = [space.nest(p) for p in points[:12]]
    assert len({repr(n) for n in nested}) == 12
    assert nested[0] == {"lr": 0.1, "opt": {"name": "sgd", "mom": 0.9}, "layers": 1}
    assert [space.nest(p) for p in space.iter_grid(cfg.params)] == nested


def test_hyperband_applies_wandbs_bracket_rule():
    cfg = check({
        "method": "grid", "metric": {"name": "loss", "goal": "minimize"},
        "early_terminate": {"type": "hyperband", "max_iter": 5, "eta": 2, "s": 2},
        "parameters": {"a": {"values": [1, 2, 3]}},
    })  # fmt: skip
    assert search.hyperband_bands(cfg.hyperband) == [1, 2]
    histories = {
        "a": ("finished", [10, 9]),
        "b": ("running", [10, 10]),  # worse than the band-1 threshold (8)
        "c": ("running", [10, 8, 8]),  # passes band 1, not band 2 (threshold 7)
        "d": ("running", [10, 7, 7]),
        "e": ("finished", [10, 6, 6]),
    }
    runs = [{"run_id": k, "state": s, "history": h} for k, (s, h) in histories.items()]
    stopped = {r["run_id"]: search.hyperband_stop(cfg, r, runs) for r in runs[1:4]}
    assert stopped["d"] is None
    assert stopped["b"] == (
        "hyperband: loss 10 at iteration 1 is worse than the band's threshold 8 (5 runs, eta 2)"
    )
    assert (
        stopped["c"].startswith("hyperband: loss 8 at iteration 2")
        and "threshold 7" in stopped["c"]
    )
    maximize = check({**cfg.raw, "metric": {"name": "acc", "goal": "maximize"}})
    flipped = [{**r, "history": [-v for v in r["history"]]} for r in runs]
    assert search.hyperband_stop(maximize, flipped[1], flipped).startswith("hyperband: acc -10")
    assert search.hyperband_stop(cfg, {"history": [1.0]}, runs) is None  # no band reached yet
