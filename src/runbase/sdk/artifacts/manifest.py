"""The manifest of an artifact version, in W&B's ``wandb_manifest.json`` format (v1).

Each entry is named by its path in the artifact. ``digest`` is W&B's: the base64 MD5 of
the bytes (for a reference, its ETag, MD5 or, unchecked, the URI). runbase adds the
sha256 that names the bytes in the blob store under ``extra.sha256``, a field W&B's own
reader carries along untouched. The artifact digest follows W&B's rule, so the same files
give the same digest in both (and logging identical content finds the existing version).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_VERSION = 1
STORAGE_POLICY = "wandb-storage-policy-v1"
_DIGEST_PREFIX = b"wandb-artifact-manifest-v1\n"


@dataclass(slots=True)
class Entry:
    """One file of an artifact: stored as a blob (``sha256``) or a reference (``ref``)."""

    path: str
    digest: str
    size: int | None = None
    sha256: str | None = None
    ref: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # The artifact that handed the entry out (``get_entry``), for ``download``.
    artifact: Any = field(default=None, repr=False, compare=False)

    def download(self, root: str | None = None, skip_cache: bool | None = None) -> str:
        """Write this file under ``root`` (default: the artifact's download folder), as
        W&B's ``ArtifactManifestEntry.download``; the written file's path."""
        from runbase.sdk.artifacts.download import default_root, place

        if self.artifact is None:
            raise ValueError(f"entry {self.path!r}: get it with artifact.get_entry(name) first")
        base = Path(root) if root is not None else default_root(self.artifact)
        place(self.artifact, self, base / self.path)
        return str(base / self.path)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"digest": self.digest}
        if self.ref is not None:
            out["ref"] = self.ref
        if self.size is not None:
            out["size"] = self.size
        extra = dict(self.extra)
        if self.sha256 is not None:
            extra["sha256"] = self.sha256
        if extra:
            out["extra"] = extra
        return out

    @classmethod
    def from_json(cls, path: str, data: dict[str, Any]) -> Entry:
        extra = dict(data.get("extra") or {})
        sha = extra.pop("sha256", None)
        size = data.get("size")
        return cls(
            path=path,
            digest=str(data["digest"]),
            size=int(size) if size is not None else None,
            sha256=sha if isinstance(sha, str) else None,
            ref=data.get("ref"),
            extra=extra,
        )


def manifest_digest(entries: dict[str, Entry]) -> str:
    """W&B's artifact digest: md5 over the sorted ``path:digest`` lines, as hex."""
    md5 = hashlib.md5(_DIGEST_PREFIX, usedforsecurity=False)
    for path in sorted(entries):
        md5.update(f"{path}:{entries[path].digest}\n".encode())
    return md5.hexdigest()


def manifest_json(entries: dict[str, Entry]) -> dict[str, Any]:
    """The manifest as W&B stores it: contents keyed by path, sorted."""
    return {
        "version": MANIFEST_VERSION,
        "storagePolicy": STORAGE_POLICY,
        "storagePolicyConfig": {"storageLayout": "V2"},
        "contents": {p: entries[p].to_json() for p in sorted(entries)},
    }


def entries_from_json(data: dict[str, Any]) -> dict[str, Entry]:
    """The entries of a stored manifest; ValueError when it is not one runbase can read."""
    if data.get("version") != MANIFEST_VERSION or not isinstance(data.get("contents"), dict):
        raise ValueError(f"not an artifact manifest of version {MANIFEST_VERSION}")
    return {p: Entry.from_json(p, v) for p, v in data["contents"].items()}
