"""Media files stored once: each is a hard link to its blob in ``RUNBASE_DIR/blobs``.

W&B names a media file by step and hash (``media/images/img_3_<sha20>.png``), so an
image logged at a thousand steps is a thousand files. runbase keeps that layout (tools
that read W&B's files find them where they expect) but writes the bytes once, as the
blob the local blob store (``runbase.blobs``) would hold, and makes each run file a hard
link to it: the same bytes at many steps, or in many runs, take their space once, and
the blob is already in place for a server to serve or upload by digest. Where hard
links are refused (another file system, a FUSE mount), the caller writes a plain copy.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from runbase.records.layout import blob_path


def link_to_blob(root: Path, sha256: str, data: bytes | Path, dst: Path) -> bool:
    """Make ``dst`` a hard link to the blob of ``data`` (bytes, or a file holding them).

    Returns False, leaving ``dst`` untouched, when the blob or the link cannot be made;
    the caller then writes ``dst`` itself. Never leaves a partial blob or ``dst``.
    """
    blob = blob_path(root, sha256)
    try:
        if not blob.exists():
            _put(root, blob, data)
        link = dst.with_name(f".{dst.name}.runbase-{os.getpid()}.link")
        link.unlink(missing_ok=True)
        os.link(blob, link)
        os.replace(link, dst)
    except OSError:
        return False
    return True


def _put(root: Path, blob: Path, data: bytes | Path) -> None:
    """Put the blob in place whole; of two writers of the same bytes exactly one wins."""
    if isinstance(data, Path):  # a complete file: link it (same file system or OSError)
        place_blob(data, blob)
        return
    tmp_dir = root / "blobs" / "tmp"  # the blob store's own: its clean_temp sweeps it
    tmp_dir.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / uuid.uuid4().hex
    try:
        tmp.write_bytes(data)
        place_blob(tmp, blob)
    finally:
        tmp.unlink(missing_ok=True)


def place_blob(complete: Path, blob: Path) -> None:
    """Link a complete file as ``blob`` (its bytes' blob path). A blob already there
    stays: it holds the same bytes, put by another process, step or version."""
    for first in (True, False):
        try:
            os.link(complete, blob)
            return
        except FileExistsError:
            return
        except FileNotFoundError:  # the folder's first blob (or ``complete`` is gone)
            if not first:
                raise
            blob.parent.mkdir(parents=True, exist_ok=True)  # not made first: a syscall less
