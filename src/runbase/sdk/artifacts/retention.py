"""Retention policies per collection and ``runbase artifact gc`` (W&B #7413).

A policy lives in the collection's ``collection.json`` under ``retention``:
``keep_last`` (versions to keep, newest first), ``keep_aliased`` (a version with an
alias other than ``latest`` is kept whatever its age or rank; default True) and
``ttl_seconds`` (versions older than this go). A version's own ``ttl`` (``art.ttl``)
also expires it. The version ``latest`` points at is always kept.

gc removes the versions the policies expire, then the blobs only they referenced. A blob
is kept while any remaining version of any collection names it, and while another file
links to it (``st_nlink > 1``: a run's media file, a download): it never removes bytes
something still shows.
"""

from __future__ import annotations

import os
import time
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from runbase.records.layout import blob_path
from runbase.sdk.artifacts import storage
from runbase.sdk.artifacts.errors import ArtifactError


@dataclass(slots=True)
class GcReport:
    """What a gc removed (or would remove, on a dry run)."""

    versions: list[str] = field(default_factory=list)
    blobs: int = 0
    freed_bytes: int = 0
    kept_linked: int = 0

    def lines(self) -> list[str]:
        out = [f"removed {v}" for v in self.versions]
        out.append(
            f"{len(self.versions)} versions, {self.blobs} blobs, {self.freed_bytes} bytes freed"
            + (
                f" ({self.kept_linked} blobs kept: other files link to them)"
                if self.kept_linked
                else ""
            )
        )
        return out


def set_policy(
    coll: Path,
    keep_last: int | None = None,
    keep_aliased: bool = True,
    ttl: timedelta | None = None,
) -> dict[str, Any]:
    """Store a collection's retention policy; returns it."""
    if keep_last is not None and (not isinstance(keep_last, int) or keep_last < 1):
        raise ArtifactError(f"keep_last={keep_last!r}: give a number of versions >= 1, or None")
    policy = {
        "keep_last": keep_last,
        "keep_aliased": bool(keep_aliased),
        "ttl_seconds": ttl.total_seconds() if ttl is not None else None,
    }
    with storage.locked(coll):
        info = storage.read_json(coll / "collection.json")
        info["retention"] = policy
        storage.write_json(coll / "collection.json", info)
    return policy


def policy_of(coll: Path) -> dict[str, Any]:
    try:
        return dict(storage.read_json(coll / "collection.json").get("retention") or {})
    except (OSError, ValueError):
        return {}


def expired(coll: Path, now: float) -> list[int]:
    """The versions the policies remove."""
    policy = policy_of(coll)
    numbers = storage.version_numbers(coll)
    aliases = storage.read_aliases(coll)
    protected = {aliases["latest"]} if "latest" in aliases else set(numbers[-1:])
    if policy.get("keep_aliased", True):
        protected |= {v for a, v in aliases.items() if a != "latest"}
    keep_last = policy.get("keep_last")
    ttl = policy.get("ttl_seconds")
    out = []
    for rank, number in enumerate(reversed(numbers)):
        if number in protected:
            continue
        info = _info(coll, number)
        age = now - float(info.get("created_at") or now)
        own_ttl = info.get("ttl_seconds")
        if (
            (keep_last is not None and rank >= keep_last)
            or (ttl is not None and age > ttl)
            or (own_ttl is not None and age > own_ttl)
        ):
            out.append(number)
    return sorted(out)


def _info(coll: Path, number: int) -> dict[str, Any]:
    try:
        return dict(storage.read_json(coll / f"v{number}" / "version.json"))
    except (OSError, ValueError):
        return {}


def _blobs_of(vdir: Path) -> set[str]:
    try:
        contents = storage.read_json(vdir / "manifest.json")["contents"]
    except (OSError, ValueError, KeyError):
        return set()
    return {e["extra"]["sha256"] for e in contents.values() if "sha256" in (e.get("extra") or {})}


def all_collections(root: Path) -> list[Path]:
    base = storage.artifacts_root(root)
    return sorted(p.parent for p in base.glob("*/*/*/collection.json"))


def gc(root: Path, dry_run: bool = False, now: float | None = None) -> GcReport:
    """Remove expired versions, then the blobs nothing references any more."""
    report = GcReport()
    now = time.time() if now is None else now
    with storage.gc_lock(root, exclusive=True):
        candidates: set[str] = set()
        for coll in all_collections(root):
            with storage.locked(coll):
                for number in expired(coll, now):
                    candidates |= _blobs_of(coll / f"v{number}")
                    report.versions.append(f"{_qualified(root, coll)}:v{number}")
                    if not dry_run:
                        storage.remove_version(coll, number)
        if dry_run:  # what the removed versions alone reference
            gone = set(report.versions)
            live = _live_blobs(root, skip=gone)
        else:
            live = _live_blobs(root)
        for sha in sorted(candidates - live):
            _drop_blob(root, sha, report, dry_run)
    return report


def _qualified(root: Path, coll: Path) -> str:
    return coll.relative_to(storage.artifacts_root(root)).as_posix()


def _live_blobs(root: Path, skip: AbstractSet[str] = frozenset()) -> set[str]:
    live: set[str] = set()
    for coll in all_collections(root):
        for number in storage.version_numbers(coll):
            if f"{_qualified(root, coll)}:v{number}" not in skip:
                live |= _blobs_of(coll / f"v{number}")
    return live


def _drop_blob(root: Path, sha: str, report: GcReport, dry_run: bool) -> None:
    path = blob_path(root, sha)
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    if st.st_nlink > 1:  # a run's media file or a download links to it: still in use
        report.kept_linked += 1
        return
    report.blobs += 1
    report.freed_bytes += st.st_size
    if not dry_run:
        os.unlink(path)
