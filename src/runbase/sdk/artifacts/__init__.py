"""Artifacts: versioned sets of files stored by content, with lineage (docs/artifacts.md).

``runbase.Artifact`` loads this package on first use; ``import runbase`` does not.
"""

from runbase.sdk.artifacts.artifact import Artifact
from runbase.sdk.artifacts.errors import (
    ArtifactDownloadError,
    ArtifactError,
    ArtifactFileChangedError,
    ArtifactNotFoundError,
    ArtifactReferenceError,
    ArtifactStateError,
)
from runbase.sdk.artifacts.manifest import Entry
from runbase.sdk.artifacts.stored import RunRef

__all__ = [
    "Artifact",
    "ArtifactDownloadError",
    "ArtifactError",
    "ArtifactFileChangedError",
    "ArtifactNotFoundError",
    "ArtifactReferenceError",
    "ArtifactStateError",
    "Entry",
    "RunRef",
]
