"""Errors of artifacts; each says what to do next."""

from __future__ import annotations

from runbase.errors import CommError, Error, UsageError


class ArtifactError(Error):
    """Base class of artifact errors."""


class ArtifactNotFoundError(ArtifactError, LookupError):
    """No artifact (or version, or alias) by that name."""


class ArtifactFileChangedError(ArtifactError):
    """A file changed while it was being hashed and stored; nothing was added."""


class ArtifactReferenceError(ArtifactError, CommError):
    """A reference could not be reached to take its checksum."""


class ArtifactDownloadError(ArtifactError, OSError):
    """A download could not be completed (a full disk, a damaged blob); nothing partial stays."""


class ArtifactStateError(ArtifactError, UsageError):
    """The call needs a logged artifact (or one not yet logged)."""


__all__ = [
    "ArtifactDownloadError",
    "ArtifactError",
    "ArtifactFileChangedError",
    "ArtifactNotFoundError",
    "ArtifactReferenceError",
    "ArtifactStateError",
]
