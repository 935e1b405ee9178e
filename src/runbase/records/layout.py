"""Where things live under RUNBASE_DIR. Shared by the writer and every reader.

```
RUNBASE_DIR/
  journal.rbr                          one frame per run session started (discovery)
  store.db                             the SQLite index (rebuildable)
  runs/<entity>/<project>/<run_id>/
    segments/<start_ns>-<pid>.rbr      one segment per process that wrote the run
    edits.rbr                          edits made after the fact (Api, web app)
    stop_request.json                  the web app's Stop: the run's process ends itself
    files/                             run.dir: files saved with the run
  blobs/sha256/<2 hex>/<64 hex>        content-addressed files (runbase.blobs); media
                                       files under runs/ are hard links to these
  artifacts/<entity>/<project>/<name>/ artifact versions (docs/artifacts.md); each
    v<N>/manifest.json                 names its blobs by sha256 (extra.sha256)
```
"""

from __future__ import annotations

import os
from pathlib import Path

_BAD_ID_CHARS = set("/\\#?%:;,'")
_BAD_NAME_CHARS = set("/\\#?%:")


def runbase_dir() -> Path:
    """The root of the local store: RUNBASE_DIR, else ~/.runbase."""
    env = os.environ.get("RUNBASE_DIR")
    if env:
        return Path(env).expanduser()
    return Path("~/.runbase").expanduser()


def default_entity() -> str:
    """The entity of runs that name none: the local user name (``"user"`` when unknown).

    The SDK writes runs under it and the Api looks them up under it, so both ask here.
    """
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no passwd entry and no USER/LOGNAME: containers, odd uids
        return "user"


def run_dir(root: Path, entity: str, project: str, run_id: str) -> Path:
    """Folder of one run."""
    return root / "runs" / entity / project / run_id


def segments_dir(root: Path, entity: str, project: str, run_id: str) -> Path:
    """Folder of a run's record segments."""
    return run_dir(root, entity, project, run_id) / "segments"


def edits_path(root: Path, entity: str, project: str, run_id: str) -> Path:
    """The run's edits stream, appended by readers (Api.update, the web app)."""
    return run_dir(root, entity, project, run_id) / "edits.rbr"


def stop_request_path(root: Path, entity: str, project: str, run_id: str) -> Path:
    """The web app's request that the run's process stop (``records/stop_request.py``)."""
    return run_dir(root, entity, project, run_id) / "stop_request.json"


def files_dir(root: Path, entity: str, project: str, run_id: str) -> Path:
    """The run's files folder (``run.dir``)."""
    return run_dir(root, entity, project, run_id) / "files"


def journal_path(root: Path) -> Path:
    """Append-only list of run sessions, so readers find new segments without a scan."""
    return root / "journal.rbr"


def id_problem(run_id: object) -> str | None:
    """Why ``run_id`` is not a usable run id, or None when it is fine."""
    if not isinstance(run_id, str):
        return f"a run id must be a string, got {type(run_id).__name__}"
    if not run_id or not run_id.strip():
        return "a run id cannot be empty"
    if run_id != run_id.strip():
        return f"run id {run_id!r} has leading or trailing whitespace"
    bad = sorted(set(run_id) & _BAD_ID_CHARS)
    if bad:
        return f"run id {run_id!r} contains {' '.join(bad)}; ids cannot contain / \\ # ? % : ; , '"
    if run_id in (".", "..") or "\x00" in run_id or len(run_id) > 128:
        return f"run id {run_id!r} is not allowed (at most 128 characters, not . or ..)"
    return None


def name_problem(what: str, value: object) -> str | None:
    """Why an entity or project name is unusable, or None when it is fine."""
    if not isinstance(value, str):
        return f"{what} must be a string, got {type(value).__name__}"
    if not value.strip() or value != value.strip():
        return f"{what} {value!r} is empty or has surrounding whitespace"
    bad = sorted(set(value) & _BAD_NAME_CHARS)
    if bad:
        return f"{what} {value!r} contains {' '.join(bad)}; names cannot contain / \\ # ? % :"
    if value in (".", "..") or "\x00" in value or len(value) > 128:
        return f"{what} {value!r} is not allowed (at most 128 characters, not . or ..)"
    return None


def blob_path(root: Path, sha256: str) -> Path:
    """Where the local blob store (``runbase.blobs``, at ``root/blobs``) keeps a blob."""
    return root / "blobs" / "sha256" / sha256[:2] / sha256


def artifact_blobs(root: Path) -> set[str]:
    """The sha256 of every blob an artifact version names (docs/artifacts.md), so that
    dropping a run's media blobs never removes bytes a version still holds."""
    import json

    out: set[str] = set()
    for manifest in (root / "artifacts").glob("*/*/*/v*/manifest.json"):
        try:
            contents = json.loads(manifest.read_text(encoding="utf-8"))["contents"]
            out.update(
                e["extra"]["sha256"] for e in contents.values() if "sha256" in e.get("extra", {})
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue  # a version being deleted: its blobs are gc's to judge
    return out
