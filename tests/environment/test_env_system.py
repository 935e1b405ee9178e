"""System metrics: sampled on one background thread, at the run's interval."""

from __future__ import annotations

import json

from runbase.records import Kind

BASE_KEYS = {
    "cpu.percent",
    "cpu.process_percent",
    "cpu.core.0.percent",
    "memory.used_mb",
    "memory.available_mb",
    "memory.percent",
    "proc.memory.rss_mb",
    "proc.memory.percent",
    "proc.threads",
    "disk./.usage_percent",
    "disk./.usage_gb",
    "network.sent_bytes",
    "network.recv_bytes",
}


def test_samples_every_interval_and_right_after_start(child):
    res = child(
        """
t0 = time.time()
time.sleep(2.6)
finish()
print(t0)
""",
        settings={"system_sample_interval": 1.0},
    )
    t0 = float(res.stdout.strip().splitlines()[-1])
    times = [t for k, t, _ in res.records if k == Kind.SYSTEM]
    samples = res.of(Kind.SYSTEM)
    assert 2 <= len(samples) <= 3, times  # due at ~0.25 s, ~1.25 s, ~2.25 s
    assert times[0] - t0 < 0.8
    assert all(0.7 < b - a < 1.5 for a, b in zip(times, times[1:], strict=False)), times
    for s in samples:
        assert BASE_KEYS <= set(s), BASE_KEYS - set(s)
        assert all(isinstance(v, float | int) for v in s.values())
        assert 0 <= s["cpu.percent"] <= 100 and 0 < s["memory.percent"] < 100
        assert s["proc.memory.rss_mb"] > 5 and s["proc.threads"] >= 2
    # Running totals start from zero for each run.
    assert samples[0]["network.sent_bytes"] == 0


def test_one_sampler_thread_serves_every_run(child):
    res = child(
        """
import threading
a, b = new_run("a", system_sample_interval=0.3), new_run("b", system_sample_interval=0.5)
ta, tb = attach(a), attach(b)
time.sleep(1.2)
names = [t.name for t in threading.enumerate()]
ta.detach(); a.close()
time.sleep(0.6)
tb.detach(); b.close()
time.sleep(0.4)
after = [t.name for t in threading.enumerate()]
print(json.dumps([names.count("runbase-system-metrics"), after.count("runbase-system-metrics")]))
""",
        prelude=False,
    )
    during, after = json.loads(res.stdout.strip().splitlines()[-1])
    assert (during, after) == (1, 0)
    from fakerun import read_run

    a = [t for k, t, _ in read_run(res.root / "a") if k == Kind.SYSTEM]
    b = [t for k, t, _ in read_run(res.root / "b") if k == Kind.SYSTEM]
    # Both sampled, and b kept sampling after a left (counts alone vary on a loaded box).
    assert len(a) >= 2 and len(b) >= 2
    assert max(b) > max(a)


def test_disable_system_metrics(child):
    res = child(
        "time.sleep(0.6)\nfinish()\n",
        settings={"disable_system_metrics": True, "system_sample_interval": 0.1},
    )
    assert res.of(Kind.SYSTEM) == []
    assert res.metadata["host"]
