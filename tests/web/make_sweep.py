"""A sweep for the web tests (run as a subprocess): team/sweepy, random search over
``a``, ``lr`` (log) and ``opt``, six runs by an agent, plus one run outside it.

Usage: python make_sweep.py  (RUNBASE_DIR set by the caller); prints the sweep id.
"""

from __future__ import annotations

import runbase

CONFIG = {
    "name": "ui-sweep",
    "method": "random",
    "metric": {"name": "loss", "goal": "minimize"},
    "run_cap": 10,
    "parameters": {
        "a": {"min": 0.0, "max": 1.0},
        "lr": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1e-1},
        "opt": {"values": ["adam", "sgd"]},
    },
}


def train() -> None:
    run = runbase.init()
    c = run.config
    for step in range(3):
        run.log({"loss": 3 * c["a"] + (0.2 if c["opt"] == "adam" else 0.0) + (2 - step) * 0.1})
    run.finish()


def main() -> None:
    outsider = runbase.init(
        entity="team", project="sweepy", name="not-in-the-sweep", config={"a": 5}
    )
    outsider.log({"loss": 99.0})
    outsider.finish()
    sweep_id = runbase.sweep(CONFIG, entity="team", project="sweepy")
    runbase.agent(sweep_id, function=train, count=6, entity="team", project="sweepy")
    print(sweep_id)


if __name__ == "__main__":
    main()
