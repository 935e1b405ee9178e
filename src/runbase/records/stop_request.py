"""A request that a running run stop: written by the server (the web app's Stop
button), read by the run's own process (``sdk/stop_watch.py``).

It is a small JSON file in the run's folder (``layout.stop_request_path``), not a
row: the local ``runbase ui`` serves a store that may be deleted and rebuilt from
the record files at any time, and the training process reads no database. The file
says when it was written, so a later session of the same run (a resume) ignores a
request made to an earlier one.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import NamedTuple

DEFAULT_REASON = "stopped from the web app"


class StopRequest(NamedTuple):
    requested_at: float  # seconds since the epoch
    reason: str


def write_request(path: Path, reason: str = DEFAULT_REASON) -> StopRequest:
    """Ask the run whose folder holds ``path`` to stop; replaces an earlier request."""
    request = StopRequest(time.time(), reason)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(request._asdict()), encoding="utf-8")
    os.replace(tmp, path)  # atomic: a reader never sees half a file
    return request


def read_request(path: Path) -> StopRequest | None:
    """The request in ``path``, or None when there is none (or it cannot be read)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return StopRequest(float(raw["requested_at"]), str(raw.get("reason") or DEFAULT_REASON))
    except (OSError, ValueError, KeyError, TypeError):
        return None
