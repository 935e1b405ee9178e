"""``download``, ``checkout`` and ``verify`` of a logged version.

A stored file is a hard link to its blob (read-only: an edit through it would change
every version holding the bytes), so downloading a cached artifact takes no copying;
where links are refused (another file system) it is copied at disk speed. Every file
appears whole: it is written beside its name and renamed, and a full disk removes the
part and raises ``ArtifactDownloadError``.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from runbase.records.layout import blob_path
from runbase.sdk.artifacts import cache
from runbase.sdk.artifacts.errors import ArtifactDownloadError, ArtifactReferenceError
from runbase.sdk.artifacts.manifest import Entry

if TYPE_CHECKING:
    from runbase.sdk.artifacts.artifact import Artifact


def default_root(art: Artifact) -> Path:
    base = os.environ.get("RUNBASE_ARTIFACT_DIR") or os.environ.get("WANDB_ARTIFACT_DIR")
    return Path(base or "artifacts") / art.name.replace(":", "-" if os.name == "nt" else ":")


def download(
    art: Artifact,
    root: str | os.PathLike[str] | None,
    path_prefix: str | None = None,
    allow_missing_references: bool = False,
    copy: bool = False,
) -> Path:
    """Place every file (under ``path_prefix``) beneath ``root``; returns ``root``."""
    from runbase.sdk.artifacts.stored import version_dir

    version_dir(art)  # a draft has nothing to download
    base = Path(root) if root is not None else default_root(art)
    base.mkdir(parents=True, exist_ok=True)
    for path, entry in sorted(art.manifest.items()):
        if path_prefix and not path.startswith(path_prefix):
            continue
        try:
            place(art, entry, base / path, copy)
        except ArtifactReferenceError:
            if not allow_missing_references:
                raise
    return base


def entry_file(art: Artifact, entry: Entry) -> Path:
    """A local file holding the entry's bytes: its blob, the referenced file, or the cache."""
    if entry.sha256 is not None:
        src = blob_path(art._root, entry.sha256)
        if not src.is_file():
            raise ArtifactDownloadError(
                f"{art.name}: the stored bytes of {entry.path!r} are gone from "
                f"{art._root / 'blobs'} (removed by hand?); log the file again"
            )
        return src
    ref = entry.ref or ""
    parts = urlsplit(ref)
    if parts.scheme == "file":
        local = Path(unquote(parts.path))
        if not local.is_file():
            raise ArtifactReferenceError(f"{art.name}: referenced file {str(local)!r} is gone")
        return local
    version, etag = entry.extra.get("versionID"), entry.extra.get("etag")
    return cache.fetch(f"{ref}\n{entry.digest}", lambda: _remote_chunks(ref, version, etag))


def entry_bytes(art: Artifact, entry: Entry) -> bytes:
    return entry_file(art, entry).read_bytes()


def _remote_chunks(ref: str, version: str | None, etag: str | None) -> Iterator[bytes]:
    """The referenced object's bytes; one whose ETag moved since logging is refused
    (a version logged once must not download other bytes later)."""
    if ref.startswith("s3://"):
        from runbase.blobs.refs import read_object

        try:
            yield from read_object(ref, version, None if version else etag)
        except Exception as e:  # obstore's errors: unreachable, gone, denied; a new ETag
            raise ArtifactReferenceError(f"cannot fetch reference {ref!r}: {e}") from None
        return
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(ref, timeout=30) as response:
            now = (response.headers.get("ETag") or "").strip().removeprefix("W/").strip('"')
            if etag and now and now != etag:
                raise ArtifactReferenceError(
                    f"reference {ref!r} changed since it was logged (ETag {now!r}, "
                    f"logged {etag!r}); log the artifact again to record the new content"
                )
            while chunk := response.read(1 << 20):
                yield chunk
    except (urllib.error.URLError, OSError) as e:
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            raise
        raise ArtifactReferenceError(f"cannot fetch reference {ref!r}: {e}") from None


def place(art: Artifact, entry: Entry, dest: Path, copy: bool = False) -> None:
    src = entry_file(art, entry)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        if dest.exists() and os.path.samefile(src, dest):
            return
    except OSError:
        pass
    part = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        if copy or entry.sha256 is None or not _link(src, part):
            shutil.copyfile(src, part)  # sendfile(2) on Linux: disk speed
        os.replace(part, dest)
    except OSError as e:
        if e.errno == errno.ENOSPC:
            raise ArtifactDownloadError(
                f"the disk is full writing {dest} ({entry.size or 0} bytes) while downloading "
                f"{art.name}; free space or download to another root="
            ) from None
        raise ArtifactDownloadError(f"cannot write {dest}: {e.strerror or e}") from None
    finally:
        part.unlink(missing_ok=True)


def _link(src: Path, dst: Path) -> bool:
    try:
        os.link(src, dst)
    except OSError:
        return False
    return True


def checkout(art: Artifact, root: str | os.PathLike[str] | None) -> Path:
    """Download, then remove every file under ``root`` that is not in the artifact."""
    base = download(art, root)
    keep = set(art.manifest)
    for p in sorted(base.rglob("*"), reverse=True):
        rel = p.relative_to(base).as_posix()
        if p.is_file() and rel not in keep:
            p.unlink()
        elif p.is_dir() and not any(p.iterdir()):
            p.rmdir()
    return base


def verify(art: Artifact, root: str | os.PathLike[str] | None) -> None:
    """Raise ValueError naming each file missing, extra or changed under ``root``."""
    base = Path(root) if root is not None else default_root(art)
    problems = []
    present = {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()}
    for path, entry in sorted(art.manifest.items()):
        if path not in present:
            problems.append(f"missing {path}")
        elif _has_md5(entry) and _md5(base / path) != entry.digest:
            problems.append(f"changed {path}")
    problems += [f"not in the artifact: {p}" for p in sorted(present - set(art.manifest))]
    if problems:
        raise ValueError(f"{base} does not match {art.name}: " + "; ".join(problems))


def _has_md5(entry: Entry) -> bool:
    """Whether the entry's digest is the MD5 of its bytes (an ETag or URI is not)."""
    return entry.sha256 is not None or "ref_sha256" in entry.extra


def _md5(path: Path) -> str:
    md5 = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            md5.update(chunk)
    return base64.b64encode(md5.digest()).decode()
