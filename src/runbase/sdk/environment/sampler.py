"""System metrics: one daemon thread per process samples for every attached run.

Each run keeps its own interval; the thread wakes when the earliest run is due,
takes one reading, and hands it to every run that is due. psutil is imported on
the thread, never at ``import runbase``. Counters that only grow (disk I/O,
network bytes) are reported relative to the run's first sample, so each run sees
its own "since start" values even when it shares the sampler with older runs.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from runbase.records import Kind
from runbase.sdk import threads
from runbase.sdk.environment import nvml
from runbase.sdk.environment.link import RunLink

log = logging.getLogger(__name__)

MIN_INTERVAL = 0.1
# CPU percentages are measured between two readings; the first sample waits this
# long after the counters are primed so it measures something.
_FIRST_DELAY = 0.25
# Keys whose raw value is a running total; runs see the change since their start.
_TOTALS = ("disk.read_mb", "disk.write_mb", "network.sent_bytes", "network.recv_bytes")


class _Collector:
    """Reads the machine and this process; lives on the sampler thread."""

    def __init__(self) -> None:
        import psutil

        self.psutil = psutil
        self.proc = psutil.Process()
        self.ncpu = psutil.cpu_count() or 1
        self.root = os.path.abspath(os.sep)
        # Prime the CPU counters: psutil reports usage since the previous call.
        psutil.cpu_percent(percpu=True)
        self.proc.cpu_percent()

    def sample(self) -> dict[str, float]:
        ps = self.psutil
        out: dict[str, float] = {}
        probes = (self._cpu, self._memory, self._disk, self._network, self._process)
        for probe in probes:
            try:
                probe(ps, out)
            except Exception as e:  # one failing source must not cost the others
                log.debug("runbase: system metric probe %s failed: %s", probe.__name__, e)
        out.update(nvml.gpu_sample())
        return out

    def _cpu(self, ps: Any, out: dict[str, float]) -> None:
        cores = ps.cpu_percent(percpu=True)
        if cores:
            out["cpu.percent"] = sum(cores) / len(cores)
        for i, pct in enumerate(cores):
            out[f"cpu.core.{i}.percent"] = float(pct)

    def _memory(self, ps: Any, out: dict[str, float]) -> None:
        vm = ps.virtual_memory()
        out["memory.used_mb"] = (vm.total - vm.available) / 2**20
        out["memory.available_mb"] = vm.available / 2**20
        out["memory.percent"] = float(vm.percent)

    def _disk(self, ps: Any, out: dict[str, float]) -> None:
        du = ps.disk_usage(self.root)
        out[f"disk.{self.root}.usage_percent"] = float(du.percent)
        out[f"disk.{self.root}.usage_gb"] = du.used / 2**30
        io = ps.disk_io_counters()
        if io is not None:  # None inside some containers
            out["disk.read_mb"] = io.read_bytes / 2**20
            out["disk.write_mb"] = io.write_bytes / 2**20

    def _network(self, ps: Any, out: dict[str, float]) -> None:
        net = ps.net_io_counters()
        if net is not None:
            out["network.sent_bytes"] = float(net.bytes_sent)
            out["network.recv_bytes"] = float(net.bytes_recv)

    def _process(self, ps: Any, out: dict[str, float]) -> None:
        p = self.proc
        with p.oneshot():
            # Normalised by the core count, like cpu.percent: 100 means every core busy.
            out["cpu.process_percent"] = p.cpu_percent() / self.ncpu
            mem = p.memory_info()
            out["proc.memory.rss_mb"] = mem.rss / 2**20
            out["proc.memory.percent"] = float(p.memory_percent())
            out["proc.threads"] = float(p.num_threads())


class _Subscriber:
    __slots__ = ("link", "interval", "due", "base")

    def __init__(self, link: RunLink, interval: float, due: float) -> None:
        self.link = link
        self.interval = interval
        self.due = due
        self.base: dict[str, float] | None = None

    def view(self, sample: dict[str, float]) -> dict[str, float]:
        if self.base is None:
            self.base = {k: sample[k] for k in _TOTALS if k in sample}
        out = dict(sample)
        for k, v in self.base.items():
            if k in out:
                out[k] = out[k] - v
        return out


class _Sampler:
    """The process-wide sampler. A fresh thread starts when the first run subscribes."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._subs: list[_Subscriber] = []
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def subscribe(self, link: RunLink, interval: float) -> _Subscriber:
        sub = _Subscriber(link, max(float(interval), MIN_INTERVAL), time.monotonic() + _FIRST_DELAY)
        with self._cond:
            if self._pid != os.getpid():  # forked: the parent's thread is not ours
                self._subs, self._thread, self._pid = [], None, os.getpid()
            self._subs.append(sub)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="runbase-system-metrics", daemon=True
                )
                threads.start(self._thread)
            self._cond.notify_all()
        return sub

    def unsubscribe(self, sub: _Subscriber) -> None:
        with self._cond:
            if sub in self._subs:
                self._subs.remove(sub)
            if not self._subs:
                self._thread = None  # the running thread sees no subscribers and ends
            self._cond.notify_all()

    def _loop(self) -> None:
        me = threading.current_thread()
        try:
            collector = _Collector()
        except Exception as e:
            log.debug("runbase: system metrics unavailable (%s)", e)
            with self._cond:
                if self._thread is me:
                    self._thread = None
            return
        while True:
            with self._cond:
                while True:
                    if self._thread is not me:
                        return
                    now = time.monotonic()
                    due = [s for s in self._subs if s.due <= now]
                    if due:
                        break
                    wake = min(s.due for s in self._subs)
                    self._cond.wait(timeout=wake - now)
                for s in due:
                    s.due += s.interval
                    if s.due <= now:  # fell behind (suspended laptop): skip, don't burst
                        s.due = now + s.interval
            sample = collector.sample()
            for s in due:
                s.link.emit(Kind.SYSTEM, s.view(sample))


SAMPLER = _Sampler()


def _reset_after_fork() -> None:
    # The sampler thread does not exist in a forked child, and its lock may be held.
    _Sampler.__init__(SAMPLER)


os.register_at_fork(after_in_child=_reset_after_fork)
