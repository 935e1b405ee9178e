"""``runbase ui``'s listening socket, bound before anything else happens.

A second ``runbase ui`` on a port that is taken used to open and index the store,
print that it was serving, and only then fail inside uvicorn with a traceback. The
socket is now bound first; a busy port is one clear message and exit status 1, and
the bound socket goes to uvicorn as it is (no window for another process between
the check and the serving).
"""

from __future__ import annotations

import errno
import json
import socket
import urllib.request

import click


def bind_or_explain(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``; a ClickException saying what to do when it is taken."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise click.ClickException(f"cannot listen on {host!r}: {e.strerror}") from None
    family, kind, proto, _, addr = infos[0]
    sock = socket.socket(family, kind, proto)
    # As uvicorn does: a port left in TIME_WAIT by a server that just stopped is free.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise click.ClickException(busy_message(host, port)) from None
        if e.errno == errno.EACCES:
            raise click.ClickException(
                f"no permission to listen on port {port} (ports below 1024 need root): "
                f"pick another one with --port"
            ) from None
        raise click.ClickException(f"cannot listen on {host}:{port}: {e.strerror}") from None
    sock.set_inheritable(True)
    return sock


def busy_message(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown if ':' not in shown else f'[{shown}]'}:{port}"
    root = _runbase_root(url)
    other = f"serve on another port: runbase ui --port {port + 1}"
    if root is not None:
        who = f"a runbase ui already serves {root} there" if root else "runbase already runs there"
        return f"port {port} is in use: {who}. Open {url}, or {other}"
    return f"port {port} on {host} is in use by another program: {other}"


def _runbase_root(url: str) -> str | None:
    """The store folder a runbase server at ``url`` serves ("" if it does not say),
    or None when no runbase answers there."""
    try:
        with urllib.request.urlopen(f"{url}/api/v1/status", timeout=2) as r:  # noqa: S310 - our own URL
            body = json.loads(r.read())
    except (OSError, ValueError):
        return None
    if not isinstance(body, dict) or "store" not in body:
        return None
    return str(body.get("root") or "")
