"""``art.add(obj, name)`` and ``art.get(name)``: tables and media inside an artifact.

W&B's names are kept: a table is ``<name>.table.json`` (with its cells' media beside it),
other media are their file plus ``<name>.<type>.json`` holding the pointer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runbase.sdk.artifacts.errors import ArtifactError

if TYPE_CHECKING:
    from runbase.sdk.artifacts.artifact import Artifact


def write_object(obj: Any, name: str, folder: Path) -> tuple[str, list[str]]:
    """Write ``obj``'s files under ``folder``: (its main file, every file written)."""
    from runbase.sdk.data_types.base import WBValue
    from runbase.sdk.data_types.table import Table
    from runbase.sdk.data_types.writer import MediaContext

    if not isinstance(obj, WBValue):
        raise ArtifactError(
            f"add() takes a runbase.Table or media object, got {type(obj).__name__}; "
            "use add_file() or new_file() for other content"
        )
    if isinstance(obj, Table):  # a fresh copy: adding must not change the table's log state
        obj = Table(
            columns=list(obj.columns), data=[list(r) for r in obj.data], allow_mixed_types=True
        )
    prepared = obj._prepare(name)
    log_type = getattr(obj, "_log_type", "") or "json"
    if isinstance(prepared, dict):
        main = f"{name}.{log_type}.json"
        _write_json(folder / main, prepared)
        return main, [main]
    ctx = MediaContext(folder, lambda kind, payload: None)
    pointer = prepared.write(ctx, name, 0)
    if isinstance(obj, Table):
        main = f"{name}.table.json"
        (folder / pointer["path"]).rename(folder / main)
    else:
        main = f"{name}.{log_type}.json"
        _write_json(folder / main, pointer)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return main, files


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def read_object(art: Artifact, name: str) -> Any:
    """The Table (or media pointer dict, or Image) stored under ``name``; None if absent."""
    entries = art.manifest
    main = (
        name
        if name in entries
        else next(
            (p for p in sorted(entries) if p.startswith(f"{name}.") and p.endswith(".json")), None
        )
    )
    if main is None:
        return None
    from runbase.sdk.artifacts.download import entry_bytes

    data = json.loads(entry_bytes(art, entries[main]))
    if isinstance(data, dict) and data.get("_type") == "table":
        from runbase.sdk.data_types.table import Table

        return Table(columns=data["columns"], data=data["data"], allow_mixed_types=True)
    if isinstance(data, dict) and data.get("_type") == "image-file" and data.get("path") in entries:
        from runbase.sdk.artifacts.download import entry_file
        from runbase.sdk.data_types.image import Image

        return Image(str(entry_file(art, entries[data["path"]])))
    return data
