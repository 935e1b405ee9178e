"""Console lines, system samples, files and metric statistics of a real SDK run."""

from __future__ import annotations

import math

import runbase

SCRIPT = """
import os, sys, time
import runbase

run = runbase.init(project="env", id="sys1",
                   settings=runbase.Settings(system_sample_interval=1.0))
print("to stdout")
print("to stderr", file=sys.stderr)
run.log({"loss": 3.0})
run.log({"loss": float("nan")})
run.log({"loss": 1.0, "tag": "text"})
run.log({"loss": 2.0})
with open(os.path.join(run.dir, "model.txt"), "w") as f:
    f.write("weights")
run.save(os.path.join(run.dir, "model.txt"), base_path=run.dir, policy="now")
time.sleep(1.5)
run.finish()
"""


def test_logs_system_files_and_metric_stats(run_script):
    run_script(SCRIPT)
    run = runbase.Api().run("env/sys1")

    lines = run.logs()
    assert {"line": "to stdout", "stream": "stdout"}.items() <= _find(lines, "to stdout").items()
    assert _find(lines, "to stderr")["stream"] == "stderr"
    assert all(isinstance(x["time"], float) for x in lines)
    assert all(x["stream"] in ("stdout", "stderr") for x in lines)

    system = run.history(stream="system", pandas=False)
    assert system, "no system samples in 1.5 s at a 1 s interval"
    for row in system:
        assert isinstance(row["_timestamp"], float) and isinstance(row["_runtime"], float)
        assert row["_runtime"] >= 0
    assert any(k.startswith("cpu") for k in system[-1])
    assert run.system_metrics and all(not k.startswith("_") for k in run.system_metrics)

    files = {f.name: f for f in run.files()}
    assert files["model.txt"].size == len("weights")

    stats = run.metric_stats
    assert set(stats) == {"loss"}  # "tag" is text
    assert stats["loss"] == {"min": 1.0, "max": 3.0, "last": 2.0, "count": 4}
    assert all(isinstance(v, float) for k, v in stats["loss"].items() if k != "count")
    assert not math.isnan(stats["loss"]["min"])


def _find(lines, text):
    found = [x for x in lines if x["line"] == text]
    assert found, f"{text!r} not among {[x['line'] for x in lines]}"
    return found[0]
