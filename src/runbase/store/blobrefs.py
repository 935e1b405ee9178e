"""The blobs a run's media files are hard links to, and dropping those no run uses.

The SDK stores each media file once, in ``RUNBASE_DIR/blobs``, and makes every run
file with those bytes a hard link to it (``sdk/data_types/dedup.py``). A blob whose
link count is back to one after a run's folder is removed is referenced by no run
file any more, and is removed too. A writer that links to a blob just as it goes
fails its link and writes a plain copy instead, so nothing is lost in that race.
"""

from __future__ import annotations

from pathlib import Path

from runbase.records.layout import artifact_blobs, blob_path


def linked_blobs(root: Path, folder: Path) -> list[Path]:
    """Blobs that files under ``folder`` are hard links to."""
    blobs_root = root / "blobs" / "sha256"
    if not blobs_root.is_dir():
        return []
    found: dict[int, Path] = {}
    for path in (folder / "files" / "media").rglob("*"):
        try:
            st = path.lstat()
        except OSError:
            continue
        if st.st_nlink < 2 or st.st_ino in found or not path.is_file():
            continue
        blob = _blob_of(root, path, st.st_ino)
        if blob is not None:
            found[st.st_ino] = blob
    return list(found.values())


def _blob_of(root: Path, path: Path, inode: int) -> Path | None:
    # W&B's names end in the first 20 hex digits of the sha256: "<key>_<step>_<sha20>.<ext>"
    # (table cells are named by the whole digest).
    for part in reversed(path.name.split(".")[0].split("_")):
        if len(part) >= 20 and all(c in "0123456789abcdef" for c in part):
            prefix = blob_path(root, part).parent
            for blob in prefix.glob(f"{part}*"):
                try:
                    if blob.stat().st_ino == inode:
                        return blob
                except OSError:
                    continue
            return None
    return None


def drop_unreferenced(blobs: list[Path], root: Path | None = None) -> None:
    """Remove each blob that no file links to any more and no artifact version names."""
    held = artifact_blobs(root) if root is not None and blobs else set()
    for blob in blobs:
        if blob.name in held:
            continue
        try:
            if blob.stat().st_nlink == 1:
                blob.unlink()
        except OSError:
            continue
