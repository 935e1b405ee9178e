"""Git facts about the working directory, and ``diff.patch`` when it is dirty.

Runs the ``git`` program (the only trustworthy reader of a repository's state),
each call with a timeout, ``GIT_OPTIONAL_LOCKS=0`` so we never take the index
lock from under the user's own git, and no terminal prompts. No git, no
repository, a repository without commits, or a slow network filesystem each
just leave keys out.
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

log = logging.getLogger(__name__)

TIMEOUT = 5.0


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    return env


def clean_remote(url: str) -> str:
    """The remote URL without credentials (``https://user:token@host`` leaks tokens)."""
    if "://" not in url:
        return url  # scp-like "git@host:path": the user part is not a secret
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


class _Git:
    def __init__(self, cwd: str, deadline: float) -> None:
        self.cwd = cwd
        self.deadline = deadline
        self.env = _env()

    def _timeout(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("git probing ran out of time")
        return min(TIMEOUT, left)

    def out(self, *args: str) -> str | None:
        """stdout of ``git args`` stripped, or None when it fails."""
        try:
            p = subprocess.run(
                ["git", *args],
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=self._timeout(),
            )
        except (OSError, subprocess.SubprocessError, TimeoutError) as e:
            log.debug("runbase: git %s: %s", " ".join(args), e)
            return None
        if p.returncode != 0:
            log.debug("runbase: git %s: exit %s: %s", " ".join(args), p.returncode, p.stderr[:200])
            return None
        return p.stdout.decode(errors="replace").strip()

    def to_file(self, path: str, *args: str) -> bool:
        """Write ``git args`` output to ``path``; False (and no file) on failure."""
        try:
            with open(path, "wb") as f:
                p = subprocess.run(
                    ["git", *args],
                    cwd=self.cwd,
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    stdout=f,
                    stderr=subprocess.DEVNULL,
                    timeout=self._timeout(),
                )
            if p.returncode == 0:
                return True
            log.debug("runbase: git %s: exit %s", " ".join(args), p.returncode)
        except (OSError, subprocess.SubprocessError, TimeoutError) as e:
            log.debug("runbase: git %s: %s", " ".join(args), e)
        try:
            os.unlink(path)
        except OSError:
            pass
        return False


def probe(cwd: str, patch_path: str | None, budget: float = 15.0) -> dict[str, Any]:
    """``{"git": {...}}`` for the repository holding ``cwd``; empty when there is none.

    When the work tree differs from HEAD and ``patch_path`` is given, the
    ``git diff HEAD`` is written there and ``git.dirty`` is true.
    """
    git = _Git(cwd, time.monotonic() + budget)
    root = git.out("rev-parse", "--show-toplevel")
    if not root:
        return {}
    info: dict[str, Any] = {"root": root}
    commit = git.out("rev-parse", "--verify", "-q", "HEAD")
    if commit:
        info["commit"] = commit
    branch = git.out("symbolic-ref", "--short", "-q", "HEAD")
    if branch:
        info["branch"] = branch
    remote_name = "origin"
    remotes = git.out("remote")
    if remotes and "origin" not in remotes.split():
        remote_name = remotes.split()[0]
    if remotes:
        url = git.out("remote", "get-url", remote_name)
        if url:
            info["remote"] = clean_remote(url)
    if commit:
        # "diff --quiet" exits 1 when there are differences: that is the dirty flag.
        try:
            p = subprocess.run(
                ["git", "diff", "--quiet", "--no-ext-diff", "HEAD"],
                cwd=cwd,
                env=git.env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=git._timeout(),
            )
            if p.returncode in (0, 1):
                info["dirty"] = p.returncode == 1
        except (OSError, subprocess.SubprocessError, TimeoutError) as e:
            log.debug("runbase: git diff --quiet: %s", e)
        if info.get("dirty") and patch_path:
            if git.to_file(patch_path, "diff", "--no-ext-diff", "--no-color", "--binary", "HEAD"):
                info["patch"] = os.path.basename(patch_path)
    return {"git": info}
