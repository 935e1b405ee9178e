"""Where runs are shipped and with which key: settings, environment, ``~/.netrc``.

The key is stored as W&B stores its own: one ``~/.netrc`` entry per server, whose
machine is the server's host (with its port), login ``user`` and password the key,
in a file only its owner can read. W&B users who ran ``wandb login --host`` already
have an entry runbase reads.
"""

from __future__ import annotations

import netrc
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from runbase.errors import UsageError


@dataclass(frozen=True)
class Target:
    """A server to ship to: its base URL (no trailing slash) and the API key."""

    base_url: str
    api_key: str


def netrc_path() -> Path:
    """The netrc file: $NETRC (as curl and W&B read it), else ~/.netrc."""
    return Path(os.environ.get("NETRC") or "~/.netrc").expanduser()


def host_of(base_url: str) -> str:
    """The netrc machine name of a server: its host and port (``localhost:8080``)."""
    parts = urlsplit(base_url if "://" in base_url else f"https://{base_url}")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(
            f"{base_url!r} is not a server URL; give it as http(s)://HOST[:PORT], "
            "e.g. https://runbase.example.com"
        )
    return parts.netloc


def normal_url(base_url: str) -> str:
    """``base_url`` with a scheme and without a trailing slash (checked)."""
    host_of(base_url)
    url = base_url if "://" in base_url else f"https://{base_url}"
    return url.rstrip("/")


def stored_key(base_url: str) -> str | None:
    """The key ``~/.netrc`` holds for the server, if any."""
    path = netrc_path()
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(host_of(base_url))
    except (netrc.NetrcParseError, OSError) as e:
        why = f"cannot read {path}: {e}. Fix or remove the file, then log in again."
        raise UsageError(why) from None
    return entry[2] if entry and entry[2] else None


def _without_entry(text: str, host: str) -> str:
    """``text`` minus the entry for ``host`` (a one-line or a multi-line entry)."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines():
        words = line.split()
        if words and words[0] in ("machine", "default", "macdef"):
            skipping = words[0] == "machine" and len(words) > 1 and words[1] == host
        if not skipping:
            out.append(line)
    return "\n".join(out).strip("\n")


def store_key(base_url: str, api_key: str) -> Path:
    """Write the server's key into ~/.netrc (mode 0600), replacing its old entry."""
    if not re.fullmatch(r"\S+", api_key):
        raise UsageError("an API key is one word without spaces; copy it again from the server")
    host = host_of(base_url)
    path = netrc_path()
    old = path.read_text() if path.is_file() else ""
    kept = _without_entry(old, host)
    entry = f"machine {host}\n  login user\n  password {api_key}\n"
    text = f"{kept}\n{entry}" if kept else entry
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # here: init() reads keys, only login writes them

    # Written to a private temporary file and renamed: the key is never readable by others,
    # and a crash leaves the old file whole.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".netrc.")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def target(base_url: str | None, api_key: str | None) -> Target | None:
    """The server and key runs go to, or None when either is unknown."""
    if not base_url:
        return None
    url = normal_url(base_url)
    key = api_key or stored_key(url)
    return Target(url, key) if key else None
