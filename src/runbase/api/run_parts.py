"""A run's summary and its saved files as the public API shows them (``Run.summary``,
``Run.files()``), apart from ``Run`` itself."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runbase.api.run import Run


class Summary(dict):
    """A run's summary: a dict whose ``update()`` also saves, as W&B's ``HTTPSummary``.

    Set keys, then call ``run.summary.update()`` (or ``run.update()``). Keys are
    the flat keys the run logged (``"val/acc"``, ``"d.x"`` for a nested dict).
    """

    def __init__(self, run: Run, values: dict[str, Any]) -> None:
        super().__init__(values)
        self._run = run

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Merge the given keys (if any) and save the summary."""
        super().update(*args, **kwargs)
        self._run._save(summary_only=True)

    def __missing__(self, key: str) -> dict[str, Any]:
        # A nested dict set in the running script is stored as dotted keys; read it
        # back nested, as W&B's Api does (``summary["eval"]["acc"]``).
        prefix = f"{key}."
        nested: dict[str, Any] = {}
        for flat, value in self.items():
            if isinstance(flat, str) and flat.startswith(prefix):
                *parents, leaf = flat[len(prefix) :].split(".")
                node = nested
                for p in parents:
                    node = node.setdefault(p, {})
                node[leaf] = value
        if not nested:
            raise KeyError(key)
        return nested

    def get(self, key: str, default: Any = None) -> Any:
        """Value of ``key`` (nested keys too), or ``default``."""
        try:
            return self[key]
        except KeyError:
            return default


class File:
    """A file saved with a run (``run.files()``)."""

    def __init__(self, run: Run, name: str, size: int | None, local_path: str) -> None:
        self.run = run
        self.name = name
        self.size = size
        self.local_path = local_path

    def __repr__(self) -> str:
        return f"<File {self.name} ({self.size} bytes)>"

    def download(self, root: str = ".", replace: bool = False, exist_ok: bool = False) -> Any:
        """Copy the file to ``root/<name>`` and return it opened for reading."""
        src = Path(self.local_path)
        dest = Path(root) / self.name
        if dest.exists() and not replace:
            if exist_ok:
                return open(dest)  # noqa: SIM115 - W&B returns the open file
            raise ValueError(
                f"{dest} already exists; pass replace=True to overwrite it or exist_ok=True "
                "to keep it"
            )
        fetch = getattr(self.run._api.backend, "download_file", None)
        if fetch is not None:  # a server's file (HttpBackend): fetched, not copied
            fetch(self.run._key, self.name, dest)
            return open(dest)  # noqa: SIM115
        if not src.is_file():
            raise FileNotFoundError(f"{self.name} is no longer stored with run {self.run.path}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        return open(dest)  # noqa: SIM115
