"""Shipping runs to a team server (docs/server.md#log-runs-to-the-server).

``init()`` asks ``target_for`` where a run goes; an online run's sink is a
``ShippingSegment`` (the segment file plus a background ``Shipper``); ``runbase sync``
(``sync.py``) sends offline runs and whatever a run could not send before it ended.
"""

from __future__ import annotations

import sys

from runbase.errors import UsageError
from runbase.records import SegmentWriter
from runbase.sdk.settings import Settings
from runbase.sdk.ship.credentials import Target, target

# How long init() waits for the server's first answer (the run's URL) before going on.
FIRST_ANSWER_WAIT = 10.0


def target_for(s: Settings) -> Target | None:
    """The server an ``init()`` with these settings ships to, or None to stay offline.

    Online is the default once a base URL and a key are known; ``mode="offline"``
    keeps a run local; ``mode="online"`` without a server or key is an error.
    """
    if s.mode != "online":
        return None
    found = target(s.base_url, s.api_key)
    if found is None and "mode" in s.explicit():
        where = s.base_url or "URL"
        raise UsageError(
            "runbase.init(mode='online') needs a server and an API key: set RUNBASE_BASE_URL "
            f"and run `runbase login --host {where}` (or set RUNBASE_API_KEY), or use "
            "mode='offline' and send the run later with `runbase sync`."
        )
    if found is None and s.base_url and not s.silent:
        print(
            f"runbase: no API key for {s.base_url}, so this run stays local; run "
            f"`runbase login --host {s.base_url}`, then `runbase sync` to send it",
            file=sys.stderr,
        )
    return found


def server_user(to: Target, timeout: float = 5.0) -> str | None:
    """The key's user on the server, or None when it cannot be asked now."""
    from runbase.sdk.ship.protocol import Client, Refused, Unavailable

    client = Client(to, timeout)
    try:
        return client.whoami()
    except (Refused, Unavailable):
        return None  # shipping itself reports what is wrong, once
    finally:
        client.close()


def open_sink(path: str, s: Settings, to: Target) -> SegmentWriter:
    """The run's sink: the segment file, shipped to ``to``."""
    from runbase.sdk.ship.sink import ShippingSegment

    return ShippingSegment(path, to, s.heartbeat_interval, s.finish_timeout)


def start(sink: object) -> str | None:
    """Start an online run's shipping; the line that says where to see the run
    (W&B's "View run at"), or None for a run that is not shipped."""
    from runbase.sdk.ship.sink import ShippingSegment

    if not isinstance(sink, ShippingSegment):
        return None
    sink.start(FIRST_ANSWER_WAIT)
    shipper = sink.shipper
    if shipper.url:
        return f"runbase: View run at {shipper.url}"
    if shipper.refused:
        return f"runbase: the run is logged locally in {shipper.run_dir}"
    why = f" ({shipper.last_error})" if shipper.last_error else ""
    return (
        f"runbase: {shipper.target.base_url} does not answer yet{why}; the run is logged "
        "locally and sent as soon as it does"
    )


def login(key: str | None, host: str | None, relogin: bool) -> bool:
    """``runbase.login()``: W&B's ``wandb.login(key=, host=)`` for a runbase server."""
    import os

    from runbase.sdk.ship.credentials import normal_url, store_key, stored_key

    url = host or Settings.from_environment().base_url
    if not url:
        return True  # no server: runs go to the local store, which needs no login
    url = normal_url(url)
    if key and (relogin or stored_key(url) != key):
        store_key(url, key)
    if host:
        os.environ["RUNBASE_BASE_URL"] = url  # as W&B's login(host=) does for later runs
    return bool(key or os.environ.get("RUNBASE_API_KEY") or stored_key(url))
