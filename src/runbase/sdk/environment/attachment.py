"""What a run gets from its environment between ``init()`` and ``finish()``.

``attach`` starts console capture on the caller's thread (so nothing printed right
after ``init()`` is missed) and leaves everything else (metadata probes, system
sampling) to a background thread, importing those modules there too: ``init()``
pays a millisecond or two. ``detach`` undoes everything with bounded waits.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from runbase.records import Kind
from runbase.sdk import threads
from runbase.sdk.environment.link import RunLink, setting

log = logging.getLogger(__name__)

# detach() waits this long for the metadata thread; past it, the thread's late
# results are dropped (the link is closed) rather than holding up finish().
METADATA_WAIT = 1.0

_lock = threading.Lock()
_attached: dict[int, Attachment] = {}  # id(run) -> its attachment, for save_files


def _write_run_file(link: RunLink, name: str, data: str) -> None:
    path = os.path.join(link.dir, name)
    tmp = path + ".runbase.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(data)
    os.replace(tmp, path)
    link.emit(Kind.FILE, {"path": name, "size": os.path.getsize(path), "policy": "now"})


class Attachment:
    """The environment capture of one run. Create with ``attach(run)``."""

    def __init__(self, run: Any) -> None:
        self.link = RunLink(run)
        self._run_key = id(run)
        self._detached = False
        self._console_sink: Any = None
        self._sampler_sub: Any = None
        self._meta_thread: threading.Thread | None = None
        self._files: Any = None
        settings = {
            "program": setting(run, "program", None),
            "console": setting(run, "console", "auto"),
            "disable_system_metrics": setting(run, "disable_system_metrics", False),
            "interval": setting(run, "system_sample_interval", 15.0),
            "disable_git": setting(run, "disable_git", False),
            "save_requirements": setting(run, "save_requirements", True),
        }
        self._settings = settings

        if str(settings["console"]) != "off":
            try:
                from runbase.sdk.environment import console

                self._console_sink = console.HUB.add(self.link, str(settings["console"]))
            except Exception as e:
                log.debug("runbase: console capture failed to start: %s", e)

        self._meta_thread = threading.Thread(
            target=self._background_start, name="runbase-metadata", daemon=True
        )
        threads.start(self._meta_thread)

    @property
    def files(self) -> Any:
        """The watcher of this run's saved files, made on first use."""
        with _lock:
            if self._files is None:
                from runbase.sdk.environment import files

                self._files = files.Watcher(self.link)
            return self._files

    def _background_start(self) -> None:
        from runbase.sdk.environment import probes

        fast: dict[str, Any] = {}
        try:
            fast = probes.fast_metadata(self._settings["program"])
            self.link.emit(Kind.METADATA, fast)
        except Exception as e:
            log.debug("runbase: metadata failed: %s", e)
        if not self._settings["disable_system_metrics"]:
            try:
                from runbase.sdk.environment.sampler import SAMPLER

                with _lock:  # never subscribe a run that detached meanwhile
                    if not self._detached:
                        interval = float(self._settings["interval"])
                        self._sampler_sub = SAMPLER.subscribe(self.link, interval)
            except Exception as e:
                log.debug("runbase: system metrics failed to start: %s", e)
        self._slow_metadata(fast)

    def _slow_metadata(self, fast: dict[str, Any]) -> None:
        from runbase.sdk.environment import git, nvml, probes

        link = self.link
        try:
            link.emit(Kind.METADATA, probes.slow_metadata(fast))
            gpu = nvml.gpu_metadata()
            if gpu:
                link.emit(Kind.METADATA, gpu)
            if not self._settings["disable_git"] and not link.closed:
                cwd = fast.get("cwd") or os.getcwd()
                found = git.probe(cwd, os.path.join(link.dir, "diff.patch"))
                info = found.get("git")
                if info:
                    prog = fast.get("program", "")
                    root = info.get("root", "")
                    if os.path.isabs(prog) and root and prog.startswith(root + os.sep):
                        found["codePath"] = os.path.relpath(prog, root)
                    link.emit(Kind.METADATA, found)
                    if info.get("patch"):
                        patch = os.path.join(link.dir, info["patch"])
                        size = os.path.getsize(patch)
                        link.emit(Kind.FILE, {"path": info["patch"], "size": size, "policy": "now"})
            if self._settings["save_requirements"] and not link.closed:
                _write_run_file(link, "requirements.txt", probes.requirements_text())
        except Exception as e:
            log.debug("runbase: background metadata failed: %s", e)

    def detach(self) -> None:
        """Stop capturing for this run; returns within a few seconds at worst."""
        with _lock:
            if self._detached:
                return
            self._detached = True
            if _attached.get(self._run_key) is self:
                del _attached[self._run_key]
        t0 = time.monotonic()
        if self._files is not None:
            try:
                self._files.finish()
            except Exception as e:
                log.debug("runbase: final file copies failed: %s", e)
        with _lock:
            sub = self._sampler_sub
        if sub is not None:
            from runbase.sdk.environment.sampler import SAMPLER

            SAMPLER.unsubscribe(sub)
        if self._meta_thread is not None:
            self._meta_thread.join(timeout=METADATA_WAIT)
            if self._meta_thread.is_alive():
                log.debug("runbase: metadata probes still running at finish; dropping them")
        if self._console_sink is not None:
            from runbase.sdk.environment import console

            try:
                console.HUB.remove(self._console_sink)
            except Exception as e:
                log.debug("runbase: console capture failed to stop: %s", e)
        self.link.close()
        log.debug("runbase: run %s detached in %.3fs", self.link.run_id, time.monotonic() - t0)


def attach(run: Any) -> Attachment:
    """Start metadata, system metrics and console capture for ``run``."""
    att = Attachment(run)
    with _lock:
        _attached[id(run)] = att
    return att


def save_files(
    run: Any, glob_str: str | os.PathLike[str], base_path: str | None = None, policy: str = "live"
) -> list[str]:
    """Copy files matching ``glob_str`` into ``run.dir`` (``run.save``); returns their paths."""
    with _lock:
        att = _attached.get(id(run))
    if isinstance(glob_str, bytes):
        glob_str = glob_str.decode()
    from runbase.sdk.environment import files

    link = att.link if att is not None else RunLink(run)
    watcher = att.files if att is not None else None
    return files.save(link, watcher, os.fspath(glob_str), base_path, policy)


def _reset_after_fork() -> None:
    # The parent's attachments belong to the parent's runs (orphaned in the child).
    global _lock
    _lock = threading.Lock()
    _attached.clear()


os.register_at_fork(after_in_child=_reset_after_fork)
