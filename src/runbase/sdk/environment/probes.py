"""Metadata probes: what ran, where, on what.

``fast_metadata`` runs on the caller's thread inside ``init()`` and only reads
what the interpreter already knows (well under a millisecond). Everything that
touches the disk, other processes or drivers lives in ``slow_metadata`` and
friends, which run on a background thread. A probe that fails leaves its key out
and logs at debug level: missing metadata is never worth an error.
"""

from __future__ import annotations

import logging
import os
import platform
import shlex
import socket
import sys
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

NO_PROGRAM = "<python with no main file>"


def _try(md: dict[str, Any], key: str, fn: Callable[[], Any]) -> None:
    try:
        value = fn()
    except Exception as e:
        log.debug("runbase: metadata probe %r failed: %s", key, e)
        return
    if value is not None:
        md[key] = value


def _username() -> str | None:
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if os.environ.get(var):
            return os.environ[var]
    import pwd  # only reached when the environment says nothing (cron, containers)

    return pwd.getpwuid(os.getuid()).pw_name


def _notebook_name() -> str | None:
    main = sys.modules.get("__main__")
    for var in ("RUNBASE_NOTEBOOK_NAME", "WANDB_NOTEBOOK_NAME"):
        if os.environ.get(var):
            return os.environ[var]
    # VS Code and JupyterLab put the notebook's path in the user namespace.
    for attr in ("__vsc_ipynb_file__", "__session__"):
        value = getattr(main, attr, None)
        if isinstance(value, str) and value:
            return value
    return None


def in_notebook() -> bool:
    """True inside a Jupyter/IPython kernel."""
    return "ipykernel" in sys.modules and "IPython" in sys.modules


def program(explicit: str | None) -> str:
    """The script path, the notebook name, or a placeholder for ``-c`` and the REPL."""
    if explicit:
        return explicit
    if in_notebook():
        return _notebook_name() or "<notebook>"
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if main_file:
        return os.path.abspath(str(main_file))
    if sys.argv and sys.argv[0] == "-c":
        return "<python -c>"
    return NO_PROGRAM


def runbase_version() -> str | None:
    """runbase.__version__ when the package defines it (no file system access)."""
    v = getattr(sys.modules.get("runbase"), "__version__", None)
    return str(v) if v else None


def fast_metadata(explicit_program: str | None) -> dict[str, Any]:
    """What the interpreter knows already: host, OS, Python, command line, user."""
    md: dict[str, Any] = {}
    _try(md, "host", socket.gethostname)
    _try(md, "os_name", platform.system)
    _try(md, "os_release", platform.release)
    _try(md, "os_version", platform.version)
    _try(md, "machine", platform.machine)
    _try(md, "python", lambda: f"{platform.python_implementation()} {platform.python_version()}")
    _try(md, "python_version", platform.python_version)
    _try(md, "executable", lambda: sys.executable or None)
    prog = program(explicit_program)
    md["program"] = prog
    _try(md, "args", lambda: list(sys.argv[1:]))
    _try(md, "cwd", os.getcwd)
    if os.path.isabs(prog):
        _try(md, "codePathLocal", lambda: os.path.relpath(prog, os.getcwd()))
    _try(md, "command", lambda: shlex.join(getattr(sys, "orig_argv", None) or sys.argv))
    _try(md, "username", _username)
    _try(md, "runbase_version", runbase_version)
    _try(md, "cpu_count_logical", os.cpu_count)
    _try(md, "memory", lambda: {"total": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")})
    if in_notebook():
        md["notebook"] = True
    if "google.colab" in sys.modules:
        md["colab"] = True
    slurm = {k[6:].lower(): v for k, v in os.environ.items() if k.startswith("SLURM_")}
    if slurm:
        md["slurm"] = slurm
    return md


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                # x86 says "model name"; many ARM kernels only say "Hardware" or "Model".
                if key.strip() in ("model name", "Hardware", "Model", "cpu model"):
                    if value.strip():
                        return value.strip()
    except OSError:
        pass
    return platform.processor() or None


def _package_version() -> str | None:
    from importlib.metadata import version

    return version("runbase")


def slow_metadata(fast: dict[str, Any]) -> dict[str, Any]:
    """Facts that cost file reads or a psutil import: OS string, CPU model, disk."""
    md: dict[str, Any] = {}
    _try(md, "os", platform.platform)
    _try(md, "cpu_model", _cpu_model)
    if "runbase_version" not in fast:
        _try(md, "runbase_version", _package_version)
    try:
        import psutil

        _try(md, "cpu_count", lambda: psutil.cpu_count(logical=False))
        if "memory" not in fast:
            _try(md, "memory", lambda: {"total": int(psutil.virtual_memory().total)})
        root = os.path.abspath(os.sep)

        def disk() -> dict[str, Any]:
            du = psutil.disk_usage(root)
            return {root: {"total": int(du.total), "used": int(du.used)}}

        _try(md, "disk", disk)
    except Exception as e:
        log.debug("runbase: psutil unavailable for metadata: %s", e)
    return md


def requirements_text() -> str:
    """``name==version`` for every installed distribution, sorted, one per line."""
    from importlib.metadata import distributions

    seen: dict[str, str] = {}
    for dist in distributions():
        try:
            name = dist.metadata["Name"]
            version = dist.version
        except Exception:
            continue
        if name and version and name.lower() not in seen:
            seen[name.lower()] = f"{name}=={version}"
    return "".join(line + "\n" for _, line in sorted(seen.items()))
