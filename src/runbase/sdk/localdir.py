"""``init(dir=...)``: where a run's local files show, as in W&B.

W&B's ``dir`` is the folder under which a run's local files go:
``<dir>/wandb/run-<YYYYmmdd_HHMMSS>-<id>/files`` is ``run.dir``, and
``<dir>/wandb/latest-run`` points at the newest run folder. It does not move the
store: the run's records stay in RUNBASE_DIR, so ``runbase.Api()`` and the web app
find it like any other run.

The run's files themselves stay in the store too: ``<dir>/wandb/run-.../files`` is a
symbolic link to the store's files folder for the run. So ``run.save()``, media and
``Api().run(path).files()`` work as without ``dir``, the store keeps working when the
``dir`` folder is cleaned up or the store is served from elsewhere, and media files
stay on the store's filesystem, where they are hard links to its blobs. A script that
writes into ``run.dir`` or looks for its files under ``dir`` finds them there.

When the folder cannot be created or written (or links cannot be made there),
runbase warns and ``run.dir`` is the store's folder, as W&B falls back to a
temporary folder.
"""

from __future__ import annotations

import errno
import os
import time
import warnings
from pathlib import Path


def local_files_dir(where: str, run_id: str, store_files: Path, started: float) -> Path:
    """``run.dir`` for ``init(dir=where)``: a link under ``where`` to ``store_files``, or
    ``store_files`` itself (with a warning) when ``where`` cannot hold one."""
    root = Path(os.path.abspath(os.path.expanduser(where)))
    try:
        root.mkdir(parents=True, exist_ok=True)
        if not os.access(root, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "it is not writable")
        # W&B uses <dir>/.wandb instead when that folder exists.
        wandb_dir = root / (".wandb" if (root / ".wandb").is_dir() else "wandb")
        wandb_dir.mkdir(exist_ok=True)
        run_folder = _new_run_folder(wandb_dir, run_id, started)
        link = run_folder / "files"
        link.symlink_to(store_files.absolute(), target_is_directory=True)
    except OSError as e:
        warnings.warn(
            f"runbase: cannot keep the run's local files under dir={where!r} "
            f"({e.strerror or e}); run.dir is {store_files} instead",
            stacklevel=4,
        )
        return store_files
    _point_latest(wandb_dir, run_folder)
    return link


def _new_run_folder(wandb_dir: Path, run_id: str, started: float) -> Path:
    """``run-<time>-<id>``, with ``-1``, ``-2``... when a run with this id started the
    same second (a resumed run, or a test)."""
    stamp = time.strftime("%Y%m%d_%H%M%S", time.localtime(started))
    base = wandb_dir / f"run-{stamp}-{run_id}"
    folder, suffix = base, 0
    while True:
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            suffix += 1
            folder = base.with_name(f"{base.name}-{suffix}")


def _point_latest(wandb_dir: Path, run_folder: Path) -> None:
    """``latest-run`` -> the new run folder, replaced in one step; best effort."""
    tmp = wandb_dir / f".latest-run-{os.getpid()}"
    try:
        if tmp.is_symlink():
            tmp.unlink()
        tmp.symlink_to(run_folder.name, target_is_directory=True)
        os.replace(tmp, wandb_dir / "latest-run")
    except OSError:
        pass  # a convenience only; the run folder itself is in place
