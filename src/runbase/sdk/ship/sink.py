"""The sink of an online run: the segment file, plus a shipper that sends it on.

It *is* a ``SegmentWriter`` (a subclass, not a wrapper), so ``log()`` still calls the
writer's own ``append`` with no extra Python frame: shipping costs ``log()`` nothing.
Only ``close()`` differs: after the file is final it waits, up to ``finish_timeout``
seconds, for the server to hold all of it, and otherwise says how to send the rest.
"""

from __future__ import annotations

import sys
from pathlib import Path

from runbase.records import SegmentWriter
from runbase.sdk.ship.credentials import Target
from runbase.sdk.ship.shipper import Shipper


class ShippingSegment(SegmentWriter):
    """A run's segment file whose bytes a background thread sends to a server."""

    def __init__(self, path: str, target: Target, heartbeat: float, finish_timeout: float) -> None:
        super().__init__(path)
        live = Path(path)
        self.finish_timeout = finish_timeout
        self.shipper = Shipper(target, live.parent.parent, live, self._data_end, heartbeat)

    def _data_end(self) -> int:
        return self._pos  # set after a frame is whole: the shipper never sends half a frame

    @property
    def remote_url(self) -> str | None:
        """The run's page on the server, once the server has answered."""
        return self.shipper.url

    def start(self, wait: float) -> None:
        """Start sending; wait up to ``wait`` seconds for the server's first answer."""
        self.shipper.start()
        self.shipper.first.wait(wait)

    def close(self, sync: bool = True) -> None:
        if self.closed:
            return
        super().close(sync)
        shipper = self.shipper
        if shipper.refused is not None:
            return  # said once already, when the server refused
        if shipper.finish(self.finish_timeout):
            return
        run_dir = shipper.run_dir
        why = f" ({shipper.last_error})" if shipper.last_error else ""
        print(
            f"runbase: {shipper.target.base_url} has not confirmed the last "
            f"{shipper.unsent()} bytes of run {shipper.run} within {self.finish_timeout:g} s"
            f"{why}. The run is safe locally in {run_dir}; send the rest with "
            f"`runbase sync {run_dir}`",
            file=sys.stderr,
        )
