"""Objects outside the blob store that artifacts reference (``s3://bucket/key``)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from runbase.errors import UsageError


def _split(uri: str) -> tuple[str, str]:
    parts = urlsplit(uri)
    if parts.scheme != "s3" or not parts.netloc or not parts.path.strip("/"):
        raise UsageError(f"{uri!r} is not an S3 object URI: write s3://bucket/key")
    return parts.netloc, parts.path.lstrip("/")


def _store(bucket: str) -> object:
    import os

    from obstore.store import S3Store

    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    client = {"allow_http": True} if endpoint and endpoint.startswith("http://") else None
    return S3Store(bucket, client_options=client)  # type: ignore[arg-type]


def head_object(uri: str) -> tuple[str | None, int]:
    """The ETag (without quotes) and size of an S3 object; credentials from AWS_* variables."""
    import obstore

    bucket, key = _split(uri)
    meta = obstore.head(_store(bucket), key)  # type: ignore[arg-type]
    etag = meta.get("e_tag")
    return (etag.strip('"') if etag else None), int(meta["size"])


def read_object(uri: str) -> Iterator[bytes]:
    """The bytes of an S3 object, streamed."""
    import obstore

    bucket, key = _split(uri)
    result = obstore.get(_store(bucket), key)  # type: ignore[arg-type]
    for chunk in result.stream():
        yield bytes(chunk)
