"""Artifacts: versioned sets of files stored by content, with lineage (docs/artifacts.md).

Names load on first use: a run imports only ``run_methods`` (its ``log_artifact``...),
and nothing else of artifacts loads until one is made or logged.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runbase.sdk.artifacts.artifact import Artifact as Artifact
    from runbase.sdk.artifacts.errors import (
        ArtifactDownloadError as ArtifactDownloadError,
    )
    from runbase.sdk.artifacts.errors import (
        ArtifactError as ArtifactError,
    )
    from runbase.sdk.artifacts.errors import (
        ArtifactFileChangedError as ArtifactFileChangedError,
    )
    from runbase.sdk.artifacts.errors import (
        ArtifactNotFoundError as ArtifactNotFoundError,
    )
    from runbase.sdk.artifacts.errors import (
        ArtifactReferenceError as ArtifactReferenceError,
    )
    from runbase.sdk.artifacts.errors import (
        ArtifactStateError as ArtifactStateError,
    )
    from runbase.sdk.artifacts.manifest import Entry as Entry
    from runbase.sdk.artifacts.stored import RunRef as RunRef

_WHERE = {
    "Artifact": "artifact",
    "ArtifactDownloadError": "errors",
    "ArtifactError": "errors",
    "ArtifactFileChangedError": "errors",
    "ArtifactNotFoundError": "errors",
    "ArtifactReferenceError": "errors",
    "ArtifactStateError": "errors",
    "Entry": "manifest",
    "RunRef": "stored",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'runbase.sdk.artifacts' has no attribute {name!r}")
    return getattr(importlib.import_module(f"runbase.sdk.artifacts.{module}"), name)


__all__ = sorted(_WHERE)
