"""W&B's sweep configuration: read (a dict, YAML text or a YAML file), checked and
normalised before anything runs.

Every problem names the field (``parameters.optimizer.values``) and what is
allowed there, and all of them are reported at once. The checked config keeps
what the user wrote (``SweepConfig.raw``) and adds each parameter's distribution,
inferred from its keys when not given, as W&B does.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

from runbase.errors import UsageError

METHODS = ("grid", "random", "bayes")
GOALS = ("minimize", "maximize")
IMPUTE = ("worst", "best", "latest")
IMPUTE_WHILE_RUNNING = (False, "latest", "best", "worst")
# Top-level keys W&B's schema accepts; those runbase does not act on are kept as given.
TOP_KEYS = (
    "method", "parameters", "metric", "early_terminate", "run_cap", "program", "command",
    "name", "description", "entity", "project", "controller", "scheduler", "job",
    "image_uri", "apiVersion", "kind",
)  # fmt: skip
# distribution -> the keys it needs (besides "distribution" itself) and may have.
DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "constant": (("value",), ()),
    "categorical": (("values",), ("probabilities",)),
    "categorical_w_probabilities": (("values", "probabilities"), ()),
    "int_uniform": (("min", "max"), ()),
    "uniform": (("min", "max"), ()),
    "q_uniform": (("min", "max"), ("q",)),
    "log_uniform": (("min", "max"), ()),
    "log_uniform_values": (("min", "max"), ()),
    "q_log_uniform": (("min", "max"), ("q",)),
    "q_log_uniform_values": (("min", "max"), ("q",)),
    "inv_log_uniform": (("min", "max"), ()),
    "inv_log_uniform_values": (("min", "max"), ()),
    "normal": ((), ("mu", "sigma")),
    "q_normal": ((), ("mu", "sigma", "q")),
    "log_normal": ((), ("mu", "sigma")),
    "q_log_normal": ((), ("mu", "sigma", "q")),
    "beta": ((), ("a", "b")),
    "q_beta": ((), ("a", "b", "q")),
}
_PARAM_KEYS = {"distribution", "value", "values", "probabilities", "min", "max", "mu", "sigma",
               "q", "a", "b", "parameters"}  # fmt: skip
_DEFAULTS = {"mu": 0.0, "sigma": 1.0, "q": 1.0, "a": 1.0, "b": 1.0}


class SweepConfigError(UsageError):
    """The sweep configuration is not valid; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid sweep config:\n  - " + "\n  - ".join(problems))


@dataclass(frozen=True)
class Param:
    """One leaf parameter, named by its dotted path (``optimizer.lr``)."""

    name: str
    distribution: str
    spec: dict[str, Any]

    def get(self, key: str) -> Any:
        return self.spec.get(key, _DEFAULTS.get(key))


@dataclass
class SweepConfig:
    raw: dict[str, Any]
    method: str
    params: list[Param]
    metric: dict[str, Any] | None
    hyperband: dict[str, Any] | None
    run_cap: int | None
    command: list[str] | None
    program: str | None
    name: str | None = None
    problems: list[str] = field(default_factory=list)


def load(config: Any) -> dict[str, Any]:
    """The config as a dict: a dict as it is, else YAML text or a YAML/JSON file's path."""
    if isinstance(config, dict):
        return config
    if not isinstance(config, str | os.PathLike):
        raise SweepConfigError([f"a sweep config is a dict or YAML; got {type(config).__name__}"])
    import yaml

    text = str(config)
    if isinstance(config, os.PathLike) or (
        "\n" not in text and text.endswith((".yaml", ".yml", ".json"))
    ):
        try:
            with open(text, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise SweepConfigError([f"cannot read the sweep config file {text!r}: {e}"]) from None
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise SweepConfigError([f"the sweep config is not valid YAML: {e}"]) from None
    if not isinstance(value, dict):
        raise SweepConfigError(["a sweep config is a mapping with at least `method`"])
    return value


def check(config: Any) -> SweepConfig:
    """Check ``config`` (see ``load``); raise SweepConfigError naming every problem."""
    raw = load(config)
    problems: list[str] = []
    unknown = sorted(str(k) for k in raw if k not in TOP_KEYS)
    if unknown:
        problems.append(f"unknown top-level key(s) {unknown}; allowed: {', '.join(TOP_KEYS)}")
    method = raw.get("method")
    if method not in METHODS:
        problems.append(f"method: {method!r} is not allowed; use one of {', '.join(METHODS)}")
    params: list[Param] = []
    if not isinstance(raw.get("parameters"), dict) or not raw["parameters"]:
        problems.append("parameters: a mapping of parameter names to their specs is required")
    else:
        _params(raw["parameters"], "", params, problems)
    metric = _metric(raw.get("metric"), problems)
    if method == "bayes" and metric is None:
        problems.append("metric: method bayes needs a metric (name and goal) to optimise")
    if method == "grid":
        for p in params:
            if p.distribution not in ("constant", "categorical", "int_uniform"):
                problems.append(
                    f"parameters.{p.name}: method grid needs `values`, `value` or an "
                    f"int_uniform range, not distribution {p.distribution}"
                )
    hyperband = _early_terminate(raw.get("early_terminate"), metric, problems)
    run_cap = raw.get("run_cap")
    if run_cap is not None and (type(run_cap) is not int or run_cap < 1):
        problems.append(f"run_cap: {run_cap!r} is not allowed; use a whole number > 0")
    command = _command(raw.get("command"), problems)
    program = raw.get("program")
    if program is not None and not isinstance(program, str):
        problems.append("program: must be the path of the script to run (a string)")
    name = raw.get("name")
    if name is not None and not isinstance(name, str):
        problems.append("name: must be a string")
    if problems:
        raise SweepConfigError(problems)
    return SweepConfig(raw, str(method), params, metric, hyperband, run_cap, command, program, name)


def _metric(metric: Any, problems: list[str]) -> dict[str, Any] | None:
    if metric is None:
        return None
    if not isinstance(metric, dict):
        problems.append("metric: must be a mapping with `name` and `goal`")
        return None
    out = dict(metric)
    if not isinstance(metric.get("name"), str) or not metric["name"]:
        problems.append("metric.name: the name of a logged metric is required")
    out.setdefault("goal", "minimize")
    if out["goal"] not in GOALS:
        problems.append(f"metric.goal: {out['goal']!r} is not allowed; use minimize or maximize")
    target = metric.get("target")
    if target is not None and not _num(target):
        problems.append(f"metric.target: {target!r} is not a number")
    out.setdefault("impute", "worst")
    if out["impute"] not in IMPUTE:
        problems.append(f"metric.impute: {out['impute']!r} is not allowed; use worst, best, latest")
    iwr = out.setdefault("impute_while_running", False)
    if iwr not in IMPUTE_WHILE_RUNNING:
        problems.append(
            f"metric.impute_while_running: {iwr!r} is not allowed; use false, latest, best, worst"
        )
    extra = sorted(set(metric) - {"name", "goal", "target", "impute", "impute_while_running"})
    if extra:
        problems.append(f"metric: unknown key(s) {extra}; allowed: name, goal, target, impute")
    return out


def _early_terminate(et: Any, metric: Any, problems: list[str]) -> dict[str, Any] | None:
    if et is None:
        return None
    where = "early_terminate"
    if not isinstance(et, dict) or et.get("type") != "hyperband":
        problems.append(f"{where}.type: only `hyperband` is allowed")
        return None
    if metric is None:
        problems.append(f"{where}: hyperband needs a metric to compare runs by")
    out = {"type": "hyperband", "eta": et.get("eta", 3), "strict": et.get("strict", False)}
    if type(out["eta"]) is not int or out["eta"] < 2:
        problems.append(f"{where}.eta: {out['eta']!r} is not allowed; use a whole number >= 2")
    if type(out["strict"]) is not bool:
        problems.append(f"{where}.strict: must be true or false")
    if "min_iter" in et:
        if type(et["min_iter"]) is not int or et["min_iter"] < 1:
            problems.append(f"{where}.min_iter: {et['min_iter']!r} is not a whole number >= 1")
        out["min_iter"] = et["min_iter"]
    elif "max_iter" in et and "s" in et:
        for key in ("max_iter", "s"):
            if type(et[key]) is not int or et[key] < 1:
                problems.append(f"{where}.{key}: {et[key]!r} is not a whole number >= 1")
        out["max_iter"], out["s"] = et["max_iter"], et["s"]
    else:
        problems.append(f"{where}: hyperband needs `min_iter`, or `max_iter` and `s`")
    extra = sorted(set(et) - {"type", "eta", "strict", "min_iter", "max_iter", "s"})
    if extra:
        problems.append(f"{where}: unknown key(s) {extra}; allowed: min_iter, max_iter, s, eta")
    return out


def _command(command: Any, problems: list[str]) -> list[str] | None:
    if command is None:
        return None
    if not isinstance(command, list) or not all(isinstance(c, str) for c in command):
        problems.append("command: must be a list of strings (macros like ${program} allowed)")
        return None
    return list(command)


def _num(v: Any) -> bool:
    return type(v) in (int, float) and math.isfinite(v)


def _params(spec: dict[str, Any], prefix: str, out: list[Param], problems: list[str]) -> None:
    for key, value in spec.items():
        name = f"{prefix}{key}"
        where = f"parameters.{name}"
        if not isinstance(value, dict):
            problems.append(f"{where}: must be a mapping with `value`, `values`, a distribution "
                            "(`min`/`max`, `mu`/`sigma`...) or nested `parameters`")  # fmt: skip
            continue
        extra = sorted(set(value) - _PARAM_KEYS)
        if extra:
            problems.append(f"{where}: unknown key(s) {extra}; allowed: {sorted(_PARAM_KEYS)}")
        if "parameters" in value:
            if not isinstance(value["parameters"], dict) or not value["parameters"]:
                problems.append(f"{where}.parameters: must be a non-empty mapping")
            else:
                _params(value["parameters"], name + ".", out, problems)
            continue
        dist = value.get("distribution") or _infer(value)
        if dist is None:
            problems.append(f"{where}: give `value`, `values`, `min` and `max`, `mu` and `sigma`, "
                            "`a` and `b`, or a `distribution`")  # fmt: skip
            continue
        if dist not in DISTRIBUTIONS:
            problems.append(f"{where}.distribution: {dist!r} is not allowed; use one of "
                            + ", ".join(DISTRIBUTIONS))  # fmt: skip
            continue
        if _check_param(where, dist, value, problems):
            out.append(Param(name, dist, value))


def _infer(spec: dict[str, Any]) -> str | None:
    """W&B's rule for a parameter that names no distribution."""
    if "value" in spec:
        return "constant"
    if "values" in spec:
        return "categorical"
    if "min" in spec and "max" in spec:
        both_int = type(spec["min"]) is int and type(spec["max"]) is int
        return "int_uniform" if both_int else "uniform"
    if "mu" in spec or "sigma" in spec:
        return "normal"
    if "a" in spec or "b" in spec:
        return "beta"
    return None


def _check_param(where: str, dist: str, spec: dict[str, Any], problems: list[str]) -> bool:
    need, _ = DISTRIBUTIONS[dist]
    missing = [k for k in need if k not in spec]
    if missing:
        problems.append(f"{where}: distribution {dist} needs {', '.join(missing)}")
        return False
    before = len(problems)
    if "values" in need:
        values = spec["values"]
        if not isinstance(values, list) or not values:
            problems.append(f"{where}.values: must be a non-empty list")
        elif "probabilities" in spec:
            probs = spec["probabilities"]
            if (not isinstance(probs, list) or len(probs) != len(values)
                    or not all(_num(p) and p >= 0 for p in probs)
                    or abs(sum(probs) - 1.0) > 1e-6):  # fmt: skip
                problems.append(f"{where}.probabilities: must be {len(values)} numbers >= 0 "
                                "that sum to 1, one per value")  # fmt: skip
    for key in ("min", "max", "mu", "sigma", "q", "a", "b"):
        if key in spec and not _num(spec[key]):
            problems.append(f"{where}.{key}: {spec[key]!r} is not a number")
    if len(problems) > before:
        return False
    if "min" in need and spec["min"] >= spec["max"]:
        problems.append(f"{where}: min ({spec['min']}) must be below max ({spec['max']})")
    if dist == "int_uniform" and not (type(spec["min"]) is int and type(spec["max"]) is int):
        problems.append(f"{where}: int_uniform needs whole numbers for min and max")
    if dist in ("log_uniform_values", "q_log_uniform_values", "inv_log_uniform_values") and (
        spec["min"] <= 0
    ):
        problems.append(f"{where}.min: {dist} needs min > 0 (they are values, not exponents)")
    for key in ("sigma", "q", "a", "b"):
        if key in spec and spec[key] <= 0:
            problems.append(f"{where}.{key}: must be > 0")
    return len(problems) == before
