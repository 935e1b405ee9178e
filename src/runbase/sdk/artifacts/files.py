"""``Artifact.files()``: W&B's public-API ``File`` objects over a version's manifest.

W&B returns an ``ArtifactFiles`` paginator of ``File`` (``name``, ``size``, ``md5``,
``url``, ``direct_url``, ``download(root=, replace=, exist_ok=)``). The manifest is read
whole already, so pages are slices of it; ``len()``, indexing and iteration work as on
W&B's. Each file also carries the manifest entry's fields (``path``, ``digest``, ``ref``,
``sha256``, ``extra``) that callers of the earlier list of entries read.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, overload

from runbase.records.layout import blob_path
from runbase.sdk.artifacts.manifest import Entry

if TYPE_CHECKING:
    from runbase.sdk.artifacts.artifact import Artifact


class ArtifactFile:
    """One file of an artifact, as W&B's public ``File``."""

    def __init__(self, artifact: Artifact, entry: Entry) -> None:
        self.artifact = artifact
        self.entry = entry

    name = property(lambda self: self.entry.path, doc="The file's path in the artifact.")
    path = name
    digest = property(lambda self: self.entry.digest, doc="W&B's entry digest (MD5 or ETag).")
    md5 = digest
    ref = property(lambda self: self.entry.ref, doc="The referenced URI, for a reference.")
    sha256 = property(lambda self: self.entry.sha256, doc="The blob's name, for a stored file.")
    extra = property(lambda self: self.entry.extra)

    @property
    def size(self) -> int:
        return self.entry.size or 0

    @property
    def mimetype(self) -> str:
        return mimetypes.guess_type(self.name)[0] or "application/octet-stream"

    @property
    def direct_url(self) -> str:
        """Where the bytes are: the blob's ``file://`` URI, or the reference's own URI."""
        if self.entry.sha256 is not None:
            return blob_path(self.artifact._root, self.entry.sha256).absolute().as_uri()
        return self.entry.ref or ""

    url = direct_url
    path_uri = direct_url

    def download(
        self,
        root: str | os.PathLike[str] = ".",
        replace: bool = False,
        exist_ok: bool = False,
        api: Any = None,
    ) -> IO[str]:
        """Write the file to ``root/<name>`` and open it for reading, as W&B's does.
        ValueError when it is there already, unless ``replace`` or ``exist_ok``."""
        from runbase.sdk.artifacts.download import place

        dest = Path(root) / self.name
        if dest.exists() and not replace:
            if exist_ok:
                return open(dest, encoding="utf-8")
            raise ValueError(
                f"{dest} exists already: pass replace=True to overwrite it or "
                "exist_ok=True to keep it"
            )
        place(self.artifact, self.entry, dest)
        return open(dest, encoding="utf-8")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ArtifactFile):
            return self.entry == other.entry
        return self.entry == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<File {self.name} ({self.mimetype}) {self.size} bytes>"


class ArtifactFiles(Sequence[ArtifactFile]):
    """The files of an artifact by path, in pages of ``per_page`` (W&B's paginator)."""

    def __init__(self, artifact: Artifact, names: list[str] | None, per_page: int = 50) -> None:
        wanted = set(names) if names else None
        entries = sorted(artifact._entries.items())
        self.artifact = artifact
        self.per_page = per_page
        self.objects = [ArtifactFile(artifact, e) for p, e in entries if not wanted or p in wanted]

    def pages(self) -> Iterator[list[ArtifactFile]]:
        for start in range(0, len(self.objects), max(1, self.per_page)):
            yield self.objects[start : start + self.per_page]

    @overload
    def __getitem__(self, index: int) -> ArtifactFile: ...
    @overload
    def __getitem__(self, index: slice) -> list[ArtifactFile]: ...
    def __getitem__(self, index: int | slice) -> ArtifactFile | list[ArtifactFile]:
        return self.objects[index]

    def __len__(self) -> int:
        return len(self.objects)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ArtifactFiles):
            return self.objects == other.objects
        return isinstance(other, list) and self.objects == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<ArtifactFiles {self.artifact.name} ({len(self)} files)>"
