"""NVIDIA GPUs through NVML (``pynvml`` from the ``nvidia-ml-py`` package).

Imported lazily and initialised once per process; on a machine without the
package, the driver or a GPU every function here returns nothing and logs at
debug level. Each NVML query is tried on its own, because many GPUs answer
``NotSupported`` for some of them (power on consumer cards, for instance).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

log = logging.getLogger(__name__)

_lock = threading.Lock()
_state: tuple[int, Any, list[Any]] | None = None  # (pid, pynvml module or None, handles)


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _nvml() -> tuple[Any, list[Any]]:
    """The initialised pynvml module and the device handles, or (None, [])."""
    global _state
    with _lock:
        pid = os.getpid()
        if _state is not None and _state[0] == pid:
            return _state[1], _state[2]
        mod: Any = None
        handles: list[Any] = []
        try:
            import pynvml

            pynvml.nvmlInit()
            mod = pynvml
            handles = [
                pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(pynvml.nvmlDeviceGetCount())
            ]
        except Exception as e:  # no package, no driver, no device: not an error
            log.debug("runbase: NVML not available (%s); no GPU information", e)
            mod, handles = None, []
        _state = (pid, mod, handles)
        return mod, handles


def gpu_metadata() -> dict[str, Any]:
    """Static GPU facts for the run's metadata; empty without NVIDIA GPUs."""
    nv, handles = _nvml()
    if nv is None or not handles:
        return {}
    devices = []
    for h in handles:
        dev: dict[str, Any] = {}
        for key, fn in (
            ("name", lambda h=h: _text(nv.nvmlDeviceGetName(h))),
            ("memory_total", lambda h=h: int(nv.nvmlDeviceGetMemoryInfo(h).total)),
            ("uuid", lambda h=h: _text(nv.nvmlDeviceGetUUID(h))),
        ):
            try:
                dev[key] = fn()
            except Exception as e:
                log.debug("runbase: NVML %s failed: %s", key, e)
        devices.append(dev)
    out: dict[str, Any] = {"gpu_count": len(devices), "gpu_nvidia": devices}
    if devices and "name" in devices[0]:
        out["gpu"] = devices[0]["name"]
    try:
        out["gpu_driver"] = _text(nv.nvmlSystemGetDriverVersion())
    except Exception as e:
        log.debug("runbase: NVML driver version failed: %s", e)
    try:
        v = int(nv.nvmlSystemGetCudaDriverVersion_v2())
        out["cuda_version"] = f"{v // 1000}.{(v % 1000) // 10}"
    except Exception as e:
        log.debug("runbase: NVML CUDA version failed: %s", e)
    return out


def gpu_sample() -> dict[str, float]:
    """One reading of every GPU: ``gpu.<index>.<metric>`` keys; empty without GPUs."""
    nv, handles = _nvml()
    if nv is None:
        return {}
    out: dict[str, float] = {}
    for i, h in enumerate(handles):
        p = f"gpu.{i}."
        try:
            out[p + "utilization"] = float(nv.nvmlDeviceGetUtilizationRates(h).gpu)
        except Exception:
            pass
        try:
            mem = nv.nvmlDeviceGetMemoryInfo(h)
            out[p + "memory_used_mb"] = mem.used / 2**20
            if mem.total:
                out[p + "memory_percent"] = 100.0 * mem.used / mem.total
        except Exception:
            pass
        try:
            out[p + "temperature_c"] = float(
                nv.nvmlDeviceGetTemperature(h, nv.NVML_TEMPERATURE_GPU)
            )
        except Exception:
            pass
        try:
            power = nv.nvmlDeviceGetPowerUsage(h) / 1000.0
            out[p + "power_w"] = power
            limit = nv.nvmlDeviceGetEnforcedPowerLimit(h) / 1000.0
            if limit:
                out[p + "power_percent"] = 100.0 * power / limit
        except Exception:
            pass
    return out


def _reset_after_fork() -> None:
    # NVML handles are per process, and the lock may have been held at fork time.
    global _lock, _state
    _lock = threading.Lock()
    _state = None


os.register_at_fork(after_in_child=_reset_after_fork)
