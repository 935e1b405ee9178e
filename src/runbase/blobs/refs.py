"""Objects outside the blob store that artifacts reference (``s3://bucket/key``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from runbase.errors import UsageError

if TYPE_CHECKING:
    from obstore.store import S3Store


def _split(uri: str) -> tuple[str, str]:
    parts = urlsplit(uri)
    if parts.scheme != "s3" or not parts.netloc or not parts.path.strip("/"):
        raise UsageError(f"{uri!r} is not an S3 object URI: write s3://bucket/key")
    return parts.netloc, parts.path.lstrip("/")


def _store(bucket: str) -> S3Store:
    import os

    from obstore.store import S3Store

    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    client = {"allow_http": True} if endpoint and endpoint.startswith("http://") else None
    return S3Store(bucket, client_options=client)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """One S3 object as a reference records it."""

    uri: str  # s3://bucket/key
    etag: str | None  # without quotes
    size: int
    version: str | None  # the bucket's version id, where versioning is on


def _info(bucket: str, meta: Any) -> ObjectInfo:
    etag = meta.get("e_tag")
    return ObjectInfo(
        f"s3://{bucket}/{meta['path']}",
        etag.strip('"') if etag else None,
        int(meta["size"]),
        meta.get("version") or None,
    )


def head_object(uri: str) -> ObjectInfo | None:
    """The object at ``uri`` (credentials from AWS_* variables), or None where no object
    has that key (it may still be a prefix)."""
    import obstore
    from obstore.exceptions import NotFoundError

    bucket, key = _split(uri)
    try:
        meta = obstore.head(_store(bucket), key)
    except (NotFoundError, FileNotFoundError):
        return None
    return _info(bucket, {**meta, "path": key})


def list_objects(uri: str) -> list[ObjectInfo]:
    """Every object under the prefix ``uri`` (``s3://bucket/prefix``), by key. A listing
    names no version ids, so each object is asked for its own (a versioned bucket's)."""
    import obstore

    parts = urlsplit(uri)
    bucket, prefix = parts.netloc, parts.path.strip("/")
    out: list[ObjectInfo] = []
    for batch in obstore.list(_store(bucket), prefix or None):
        out += [_info(bucket, meta) for meta in batch]
    out = [o if o.version else head_object(o.uri) or o for o in out]
    return sorted(out, key=lambda o: o.uri)


def read_object(uri: str, version: str | None = None, etag: str | None = None) -> Iterator[bytes]:
    """The bytes of an S3 object (of one version of it, where given), streamed. With
    ``etag``, an object whose ETag differs (changed since) raises ValueError."""
    import obstore

    bucket, key = _split(uri)
    options: Any = {"version": version} if version else None
    result = obstore.get(_store(bucket), key, options=options)
    found = (result.meta.get("e_tag") or "").strip('"')
    if etag and found and found != etag:
        raise ValueError(f"its ETag is {found!r} now, not {etag!r} as when it was logged")
    for chunk in result.stream():
        yield bytes(chunk)
