"""Read-only folders and files, and full disks, made in ways that bind root too.

The tests run as root, and root ignores permission bits. Two mechanisms bind it:

- ``mount``: a read-only bind mount (``mount --bind`` then ``remount,bind,ro``) and a
  small tmpfs for a full disk. Needs the right to mount.
- ``permissions``: permission bits, with the reading done by a child process that
  runs without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (``setpriv``), so that
  even root obeys them (as any other user would). Running the child as another
  user does not work here: the interpreter lives under /root.

``Mechanism.prefix`` is the command prefix for such a child. Tests that need a
mechanism the sandbox refuses skip, saying why.
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True)


@functools.cache
def mount_refused() -> str | None:
    """Why this process cannot make read-only bind mounts (None when it can)."""
    if os.geteuid() != 0:
        return "not root: cannot mount"
    d = tempfile.mkdtemp()
    try:
        done = _run("mount", "--bind", d, d)
        if done.returncode:
            return f"mount refused: {done.stderr.strip()}"
        ro = _run("mount", "-o", "remount,bind,ro", d)
        _run("umount", d)
        return f"read-only remount refused: {ro.stderr.strip()}" if ro.returncode else None
    finally:
        os.rmdir(d)


def _umount(path: Path) -> None:
    if _run("umount", str(path)).returncode:
        _run("umount", "-l", str(path))  # still busy (an open file): detach it anyway


@contextmanager
def read_only_mount(path: Path) -> Iterator[None]:
    """``path`` (a folder or a file) read-only for everyone, root included."""
    reason = mount_refused()
    if reason:
        pytest.skip(reason)
    subprocess.run(["mount", "--bind", str(path), str(path)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True)
        yield
    finally:
        _umount(path)


@contextmanager
def small_disk(path: Path, size_mb: int) -> Iterator[Path]:
    """A tmpfs of ``size_mb`` MiB mounted at ``path`` (made if missing)."""
    reason = mount_refused()
    if reason:
        pytest.skip(f"no tmpfs for a full disk: {reason}")
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(path)], check=True
    )
    try:
        yield path
    finally:
        _umount(path)


def fill(folder: Path) -> Path:
    """Fill the disk holding ``folder`` to the last byte; returns the filler file."""
    filler = folder / "filler"
    chunk = b"\0" * (1 << 16)
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError as e:
            assert e.errno == errno.ENOSPC, e
    with open(filler, "ab", buffering=0) as f:
        try:  # the last partial block
            while True:
                f.write(b"\0")
        except OSError as e:
            assert e.errno == errno.ENOSPC, e
    return filler


@contextmanager
def without_write_permission(path: Path) -> Iterator[None]:
    """Write bits off ``path`` (and everything under it); restored afterwards."""
    paths = [path] + (sorted(path.rglob("*")) if path.is_dir() else [])
    modes = {p: p.stat().st_mode for p in paths}
    for p in paths:
        p.chmod(stat.S_IMODE(modes[p]) & ~0o222)
    try:
        yield
    finally:
        for p in paths:
            p.chmod(stat.S_IMODE(modes[p]))


class Mechanism:
    """One way of making things read-only, and how a child process must run to feel it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.prefix: list[str] = []
        if name == "mount":
            if mount_refused():
                pytest.skip(mount_refused())
        elif os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("root without setpriv: permission bits cannot bind the reader")
            self.prefix = list(UNPRIVILEGED)

    def read_only(self, path: Path) -> AbstractContextManager[None]:
        """A context in which ``path`` cannot be written (by the child processes)."""
        if self.name == "mount":
            return read_only_mount(path)
        return without_write_permission(path)


def read_only_here(path: Path) -> AbstractContextManager[None]:
    """``path`` read-only for this very process: a mount as root, permission bits otherwise."""
    if os.geteuid() != 0:
        return without_write_permission(path)
    return read_only_mount(path)
