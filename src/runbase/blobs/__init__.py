"""Content-addressed blob storage for run files, media and artifacts (docs/blobs.md).

Importing this package is cheap: the object-store library loads only when a store opens.
"""

from __future__ import annotations

from typing import Any

from runbase.blobs.base import BlobInfo, BlobStore, key_for
from runbase.blobs.errors import (
    BlobCorruptError,
    BlobError,
    BlobNotFoundError,
    BlobStoreAccessError,
    BlobStoreFullError,
    BlobStoreUnreachableError,
)
from runbase.blobs.factory import open_blob_store


def __getattr__(name: str) -> Any:
    # The implementations import obstore; load them only when named.
    if name == "LocalBlobStore":
        from runbase.blobs.local import LocalBlobStore

        return LocalBlobStore
    if name == "S3BlobStore":
        from runbase.blobs.s3 import S3BlobStore

        return S3BlobStore
    raise AttributeError(f"module 'runbase.blobs' has no attribute {name!r}")


__all__ = [
    "BlobCorruptError",
    "BlobError",
    "BlobInfo",
    "BlobNotFoundError",
    "BlobStore",
    "BlobStoreAccessError",
    "BlobStoreFullError",
    "BlobStoreUnreachableError",
    "LocalBlobStore",
    "S3BlobStore",
    "key_for",
    "open_blob_store",
]
