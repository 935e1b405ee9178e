"""Console capture at the Python level (the ``wrap`` console mode).

Used where file descriptors do not carry the output (notebooks, pytest's
capture, a closed stdout): ``sys.stdout``/``sys.stderr`` are replaced by thin
proxies that pass each ``write`` through, then hand a copy of the text to the
console helper (``teeproc.py``) over a socket. The helper makes the lines, as
in ``redirect`` mode, and keeps them safe if this process is killed.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
from typing import Any

from runbase.sdk.environment.link import RunLink
from runbase.sdk.environment.teeclient import TeeClient

log = logging.getLogger(__name__)

STREAMS = ("stdout", "stderr")


class _Copy:
    """Where one stream's copies go; writes and the close are serialised."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock: socket.socket | None = sock
        self.lock = threading.Lock()

    def send(self, text: str) -> None:
        # surrogatepass: a lone surrogate still reaches the helper (as U+FFFD).
        data = text.encode("utf-8", "surrogatepass")
        with self.lock:
            if self.sock is None:
                return
            try:
                self.sock.sendall(data, socket.MSG_NOSIGNAL)
            except OSError as e:  # the helper is gone: stop copying, keep printing
                log.debug("runbase: console wrap stops: %s", e)
                self.sock.close()
                self.sock = None

    def close(self) -> None:
        with self.lock:
            if self.sock is not None:
                self.sock.close()
                self.sock = None


class _StreamProxy:
    """Stands in for sys.stdout/sys.stderr."""

    def __init__(self, orig: Any, copy: _Copy) -> None:
        self._orig = orig
        self._copy = copy
        self._active = True

    def write(self, s: Any) -> Any:
        n = self._orig.write(s)
        if self._active and isinstance(s, str) and s:
            self._copy.send(s)
        return n

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._orig, name)


def _dup_std_fds() -> list[int]:
    held = []
    for fd in (1, 2):
        try:
            held.append(os.dup(fd))
        except OSError:
            pass  # closed: nothing to hold
    return held


class Wrap:
    """Proxies on sys.stdout/sys.stderr feeding the console helper."""

    mode = "wrap"

    def __init__(self) -> None:
        self.client: TeeClient | None = None
        self._proxies: dict[str, _StreamProxy] = {}
        self._copies: list[_Copy] = []

    def start(self, sid: int, link: RunLink) -> None:
        names = [n for n in STREAMS if getattr(sys, n) is not None]
        pairs = {name: socket.socketpair() for name in names}
        try:
            channels = [(theirs.detach(), name, None, False) for name, (_, theirs) in pairs.items()]
        except OSError:
            for ours, theirs in pairs.values():
                ours.close()
                theirs.close()
            raise
        self.client = TeeClient(
            channels, hand_over=True, hold=_dup_std_fds(), segment=link.segment()[0]
        )
        self.client.join(sid, link, drain=False, timeout=1.0)
        for name, (ours, _) in pairs.items():
            copy = _Copy(ours)
            self._copies.append(copy)
            proxy = _StreamProxy(getattr(sys, name), copy)
            self._proxies[name] = proxy
            setattr(sys, name, proxy)

    def restore(self) -> None:
        for name, proxy in self._proxies.items():
            proxy._active = False
            # Someone may have wrapped our proxy since; then it stays, inert, in their chain.
            if getattr(sys, name) is proxy:
                setattr(sys, name, proxy._orig)

    def stop(self) -> None:
        if self.client is not None:
            self.client.bye()
        for copy in self._copies:
            copy.close()

    def after_fork_in_child(self) -> None:
        # The child's prints still reach the parent's helper (as output of a
        # child process does in redirect mode); only the locks must be new.
        if self.client is not None:
            self.client.after_fork_in_child()
        for copy in self._copies:
            copy.lock = threading.Lock()
