"""``open_blob_store``: a blob store from a folder path, a ``file://`` URL or ``s3://``."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from runbase.blobs.base import BlobStore
from runbase.errors import UsageError

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")
_ENDPOINT_VARS = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ENDPOINT")
_ENDPOINT_KEYS = (
    "aws_endpoint_url_s3",
    "endpoint_url_s3",
    "aws_endpoint_url",
    "endpoint_url",
    "aws_endpoint",
    "endpoint",
)
_FORMS = "a folder path, file:///folder, or s3://bucket/prefix"


def open_blob_store(
    location: str | os.PathLike[str] | None = None,
    *,
    options: Mapping[str, str] | None = None,
) -> BlobStore:
    """Open the blob store at ``location``.

    - ``None``: the local folder ``RUNBASE_DIR/blobs``;
    - a path or ``file:///abs/folder``: a local folder (created if missing);
    - ``s3://bucket/prefix``: an S3-compatible bucket. Endpoint, region and credentials
      come from the standard variables (``AWS_ENDPOINT_URL``, ``AWS_REGION``,
      ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``), or from
      ``options`` under the same names, or in lower case without ``AWS_`` (``endpoint``,
      ``region``, ``access_key_id``, ...), which win over the environment.
    """
    if location is None:
        from runbase.records.layout import runbase_dir

        return _local(runbase_dir() / "blobs")
    if isinstance(location, os.PathLike):
        return _local(Path(location))
    if not isinstance(location, str) or not location.strip():
        raise UsageError(f"a blob store location must be {_FORMS}, got {location!r}")
    parts = urlsplit(location)
    scheme = parts.scheme.lower()
    if scheme == "" or (len(scheme) == 1 and location[1:2] == ":"):  # a path (or C:\...)
        return _local(Path(location))
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise UsageError(f"{location!r}: a file:// URL names a local folder: file:///abs/path")
        return _local(Path(unquote(parts.path)))
    if scheme == "s3":
        return _s3(location, parts.netloc, parts.path.strip("/"), options or {})
    raise UsageError(f"unsupported blob store {location!r}: use {_FORMS}")


def _local(root: Path) -> BlobStore:
    from runbase.blobs.local import LocalBlobStore

    return LocalBlobStore(root)


def _s3(location: str, bucket: str, prefix: str, options: Mapping[str, str]) -> BlobStore:
    if not _BUCKET.fullmatch(bucket):
        raise UsageError(
            f"{location!r} does not name a bucket: write s3://bucket/prefix, with a bucket "
            "name of 3-63 lower-case letters, digits, dots and hyphens"
        )
    from obstore.store import S3Store

    from runbase.blobs.errors import first_line
    from runbase.blobs.presign import secret_from
    from runbase.blobs.s3 import S3BlobStore

    config = {k.lower(): v for k, v in options.items()}
    endpoint = next((config[k] for k in _ENDPOINT_KEYS if config.get(k)), None) or next(
        (os.environ[v] for v in _ENDPOINT_VARS if os.environ.get(v)), None
    )
    # A plain-http endpoint set on purpose (MinIO on a LAN, a test server) is allowed.
    client = {"allow_http": True} if endpoint and endpoint.startswith("http://") else None
    clean = f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}"
    try:
        store = S3Store(
            bucket,
            prefix=prefix or None,
            config=config or None,  # type: ignore[arg-type]
            client_options=client,  # type: ignore[arg-type]
        )
    except Exception as exc:  # obstore rejects unknown option names and bad values here
        raise UsageError(f"cannot open blob store {clean}: {first_line(exc)}") from exc
    return S3BlobStore(store, clean, endpoint, secret_from(config))
