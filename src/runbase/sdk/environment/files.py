"""``run.save()``: copy files into the run's folder and announce them with FILE records.

Paths inside the run follow W&B: relative to ``base_path``; without one, a
relative glob keeps its path (relative to the working directory) and an absolute
glob keeps one folder level. Copies go through a temporary file and a rename,
so a reader never sees half a file. Failures are warnings naming the file and
what to do; the run goes on.
"""

from __future__ import annotations

import glob as globlib
import logging
import os
import threading
import warnings
from typing import Any

from runbase.records import Kind
from runbase.sdk import threads
from runbase.sdk.environment.link import RunLink

log = logging.getLogger(__name__)

POLICIES = ("live", "now", "end")
POLL_EVERY = 2.0


class SaveError(OSError):
    """A file could not be copied into the run (already explained in the message)."""


def resolve(glob_str: str, base_path: str | None, run_dir: str) -> tuple[str, str]:
    """(absolute glob, absolute base folder) for a ``save`` call."""
    pattern = os.path.abspath(os.path.expanduser(glob_str))
    if base_path is not None:
        base = os.path.abspath(os.path.expanduser(base_path))
    elif not os.path.isabs(os.path.expanduser(glob_str)):
        base = os.getcwd()
    else:
        parent = os.path.dirname(pattern)
        # Real paths on both sides: with init(dir=...), run.dir is a link into the store.
        real_dir, real_parent = os.path.realpath(run_dir), os.path.realpath(parent)
        if real_parent == real_dir or real_parent.startswith(real_dir + os.sep):
            # A file written into run.dir keeps its place there: the base is the part of
            # the path (as given) that names run.dir.
            rel = os.path.relpath(real_parent, real_dir)
            base = parent
            for _ in range(0 if rel == os.curdir else rel.count(os.sep) + 1):
                base = os.path.dirname(base)
        else:
            base = os.path.dirname(parent) or parent
    if os.path.commonpath([base, pattern]) != base:
        raise ValueError(
            f"save({glob_str!r}): the files must be inside base_path {base!r}; "
            "pass a base_path that contains them"
        )
    return pattern, base


def matches(pattern: str) -> list[str]:
    """Regular files matching ``pattern`` (``**`` spans folders), sorted."""
    return sorted(p for p in globlib.glob(pattern, recursive=True) if os.path.isfile(p))


_READ_HINT = "make it readable by this user, or save a readable copy"


def _write_hint(link: RunLink) -> str:
    return f"check free space and permissions of the run folder {link.dir}"


def _fail(src: str, e: OSError, hint: str) -> SaveError:
    return SaveError(
        e.errno or 0, f"runbase: could not save {src} into the run ({e.strerror or e}); {hint}"
    )


def _copy(src: str, dst: str, link: RunLink) -> None:
    """Copy through a temporary file, telling read failures from write failures."""
    try:
        fsrc = open(src, "rb")
    except OSError as e:
        raise _fail(src, e, _READ_HINT) from e
    tmp = f"{dst}.runbase-{os.getpid()}-{threading.get_ident()}.tmp"
    with fsrc:
        try:
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            fdst = open(tmp, "wb")
        except OSError as e:
            raise _fail(src, e, _write_hint(link)) from e
        try:
            with fdst:
                buf = bytearray(1 << 20)
                while True:
                    try:
                        n = fsrc.readinto(buf)
                    except OSError as e:
                        raise _fail(src, e, _READ_HINT) from e
                    if not n:
                        break
                    try:
                        fdst.write(memoryview(buf)[:n])
                    except OSError as e:
                        raise _fail(src, e, _write_hint(link)) from e
            try:
                os.replace(tmp, dst)
            except OSError as e:
                raise _fail(src, e, _write_hint(link)) from e
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def copy_into(link: RunLink, src: str, base: str, policy: str) -> str:
    """Copy ``src`` to ``run.dir/<src relative to base>``, emit FILE, return the copy's path."""
    rel = os.path.relpath(src, base)
    dst = os.path.join(link.dir, rel)
    try:
        same = os.path.exists(dst) and os.path.samefile(src, dst)
    except OSError:
        same = False
    if not same:
        _copy(src, dst, link)
    try:
        size = os.path.getsize(dst)
    except OSError as e:
        raise _fail(src, e, _write_hint(link)) from e
    link.emit(Kind.FILE, {"path": rel.replace(os.sep, "/"), "size": size, "policy": policy})
    return dst


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class Watcher:
    """The "live" and "end" saves of one run; live files are polled every POLL_EVERY s."""

    def __init__(self, link: RunLink) -> None:
        self.link = link
        self._lock = threading.Lock()
        self._entries: list[tuple[str, str, str]] = []  # (pattern, base, policy)
        self._copied: dict[str, tuple[int, int] | None] = {}  # src -> stamp when copied
        self._seen: dict[str, tuple[int, int] | None] = {}  # src -> stamp at last poll
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, pattern: str, base: str, policy: str, copied: dict[str, Any]) -> None:
        with self._lock:
            if (pattern, base, policy) not in self._entries:
                self._entries.append((pattern, base, policy))
            self._copied.update(copied)
            if policy == "live" and self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(
                    target=self._loop, name="runbase-files", daemon=True
                )
                threads.start(self._thread)

    def _loop(self) -> None:
        while not self._stop.wait(POLL_EVERY):
            try:
                self._poll(final=False)
            except Exception as e:
                log.debug("runbase: live file poll failed: %s", e)

    def _poll(self, final: bool) -> None:
        with self._lock:
            entries = list(self._entries)
        for pattern, base, policy in entries:
            if policy == "end" and not final:
                continue
            for src in matches(pattern):
                stamp = _stamp(src)
                if stamp is None or self._copied.get(src) == stamp:
                    continue
                # A live file is copied once it has stopped changing for one poll,
                # so a checkpoint being written is not copied half-done.
                previous = self._seen.get(src)
                self._seen[src] = stamp
                if not final and previous != stamp:
                    continue
                try:
                    copy_into(self.link, src, base, policy)
                    self._copied[src] = stamp
                except SaveError as e:
                    self._copied[src] = stamp  # warn once per version of the file
                    log.warning("%s", e)

    def finish(self) -> None:
        """Stop polling and copy every live and end file one last time."""
        self._stop.set()
        t = self._thread
        if t is not None:
            t.join(timeout=POLL_EVERY + 1.0)
        try:
            self._poll(final=True)
        except Exception as e:
            log.debug("runbase: final file copy failed: %s", e)


def save(
    link: RunLink, watcher: Watcher | None, glob_str: str, base_path: str | None, policy: str
) -> list[str]:
    """Implementation of ``run.save``; returns the paths the files have in the run."""
    if policy not in POLICIES:
        raise ValueError(f"save: policy={policy!r} is not valid; use 'live', 'now' or 'end'")
    pattern, base = resolve(glob_str, base_path, link.dir)
    found = matches(pattern)
    if watcher is None and policy != "now":
        log.debug("runbase: run %s is not attached; saving %s now", link.run_id, glob_str)
        policy = "now"
    out: list[str] = []
    copied: dict[str, Any] = {}
    for src in found:
        if policy == "end":
            out.append(os.path.join(link.dir, os.path.relpath(src, base)))
            continue
        stamp = _stamp(src)
        try:
            out.append(copy_into(link, src, base, policy))
            copied[src] = stamp
        except SaveError as e:
            warnings.warn(str(e), RuntimeWarning, stacklevel=4)
    if not found and policy == "now":
        warnings.warn(
            f"runbase: save({glob_str!r}) matched no file; check the path (relative paths "
            f"start at {os.getcwd()})",
            RuntimeWarning,
            stacklevel=4,
        )
    if watcher is not None and policy != "now":
        watcher.add(pattern, base, policy, copied)
    return out
