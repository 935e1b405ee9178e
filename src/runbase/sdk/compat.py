"""W&B calls that runbase accepts without doing everything W&B does."""

from __future__ import annotations

import sys
import warnings
from typing import TYPE_CHECKING, Any


class WandbExtras:
    """Mixed into Run so W&B scripts that call these keep running."""

    _warned: set[str]

    if TYPE_CHECKING:

        def _check_open(self, what: str) -> None: ...

    def watch(
        self,
        models: Any = None,
        criterion: Any = None,
        log: str | None = "gradients",
        log_freq: int = 1000,
        idx: int | None = None,
        log_graph: bool = False,
    ) -> None:
        """Accepted so W&B scripts run; gradient and parameter histograms are not recorded yet."""
        self._check_open("watch()")
        if "watch" not in self._warned:
            self._warned.add("watch")
            warnings.warn(
                "runbase: watch() does not record gradients or parameters yet; training "
                "continues and everything you log() is recorded.",
                RuntimeWarning,
                stacklevel=2,
            )

    def unwatch(self, models: Any = None) -> None:
        """Counterpart of ``watch()``; nothing to undo."""

    def alert(
        self, title: str, text: str, level: str | None = None, wait_duration: Any = None
    ) -> None:
        """Print an alert line; it lands in the run's console logs (no Slack or email)."""
        self._check_open("alert()")
        print(f"runbase alert [{level or 'INFO'}] {title}: {text}", file=sys.stderr)

    def mark_preempting(self) -> None:
        """Accepted for W&B scripts; state is derived from the process, so nothing to mark."""
