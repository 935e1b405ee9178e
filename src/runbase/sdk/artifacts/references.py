"""``add_reference``: objects recorded by URI and digest, never copied into the store.

- ``file://``: the file's MD5 (W&B's entry digest) and size; a folder adds each file.
- ``http(s)://``: one HEAD request; the digest is the ETag (else the URI itself).
- ``s3://``: the object's ETag through the blob layer's S3 client (``runbase.blobs.refs``).

A reference that cannot be reached raises ``ArtifactReferenceError`` unless
``checksum=False``, which records the URI as its own digest without contacting it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from runbase.sdk.artifacts.errors import ArtifactError, ArtifactReferenceError
from runbase.sdk.artifacts.manifest import Entry

if TYPE_CHECKING:
    from runbase.blobs.refs import ObjectInfo

HEAD_TIMEOUT = 10.0
_UNCHECKED = "pass checksum=False to record the reference without its checksum"


def resolve(uri: str, name: str | None, *, checksum: bool, max_objects: int | None) -> list[Entry]:
    """The entries a reference adds."""
    if not isinstance(uri, str):
        raise ArtifactError(f"a reference is a URI string, got {type(uri).__name__}")
    scheme = urlsplit(uri).scheme.lower()
    if scheme == "file":
        return _file(uri, name, checksum, max_objects)
    if scheme in ("http", "https"):
        return [_http(uri, name, checksum)]
    if scheme == "s3":
        return _s3(uri, name, checksum, max_objects)
    raise ArtifactError(
        f"cannot add reference {uri!r}: use a file://, s3://, http:// or https:// URI"
    )


def _file(uri: str, name: str | None, checksum: bool, max_objects: int | None) -> list[Entry]:
    path = Path(unquote(urlsplit(uri).path))
    if path.is_file():
        return [_file_entry(path, name or path.name, checksum)]
    if not path.is_dir():
        raise ArtifactReferenceError(f"reference {uri!r}: no such file or folder {str(path)!r}")
    files = sorted(p for p in path.rglob("*") if p.is_file())
    limit = max_objects if max_objects is not None else 10_000_000
    if len(files) > limit:
        raise ArtifactError(
            f"reference {uri!r} holds {len(files)} files, more than max_objects={limit}"
        )
    prefix = f"{name.strip('/')}/" if name else ""
    return [_file_entry(p, prefix + p.relative_to(path).as_posix(), checksum) for p in files]


def _file_entry(path: Path, name: str, checksum: bool) -> Entry:
    uri = path.absolute().as_uri()
    size = path.stat().st_size
    if not checksum:
        return Entry(name, uri, size, ref=uri)
    md5, sha = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            md5.update(chunk)
            sha.update(chunk)
    return Entry(
        name,
        base64.b64encode(md5.digest()).decode(),
        size,
        ref=uri,
        extra={"ref_sha256": sha.hexdigest()},
    )


def _http(uri: str, name: str | None, checksum: bool) -> Entry:
    target = name or (os.path.basename(urlsplit(uri).path) or "index")
    if not checksum:
        return Entry(target, uri, None, ref=uri)
    request = urllib.request.Request(uri, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=HEAD_TIMEOUT) as response:
            headers = response.headers
    except urllib.error.HTTPError as e:
        raise ArtifactReferenceError(
            f"reference {uri!r}: the server answered {e.code}; {_UNCHECKED}"
        ) from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise ArtifactReferenceError(
            f"cannot reach reference {uri!r} ({reason}); {_UNCHECKED}"
        ) from None
    etag = (headers.get("ETag") or "").strip().removeprefix("W/").strip('"')
    length = headers.get("Content-Length")
    size = int(length) if length and length.isdigit() else None
    return Entry(target, etag or uri, size, ref=uri, extra={"etag": etag} if etag else {})


def _s3(uri: str, name: str | None, checksum: bool, max_objects: int | None) -> list[Entry]:
    """One object, or (where no object has the key) every object under the prefix, as
    W&B does; the ETag is the digest and the bucket's version id is kept for download."""
    target = name or os.path.basename(urlsplit(uri).path.rstrip("/")) or "object"
    if not checksum:
        return [Entry(target, uri, None, ref=uri)]
    from runbase.blobs import refs  # loads obstore: only for s3 references

    try:
        one = refs.head_object(uri) if urlsplit(uri).path.strip("/") else None
        found = [one] if one is not None else refs.list_objects(uri)
    except Exception as e:  # obstore's errors: unreachable, no such bucket, denied
        raise ArtifactReferenceError(f"cannot read reference {uri!r} ({e}); {_UNCHECKED}") from None
    if not found:
        raise ArtifactReferenceError(f"reference {uri!r}: no object or prefix by that name")
    limit = max_objects if max_objects is not None else 10_000_000
    if len(found) > limit:
        raise ArtifactError(
            f"reference {uri!r} holds {len(found)} objects, more than max_objects={limit}"
        )
    if one is not None:
        return [_s3_entry(one, target)]
    base = uri.rstrip("/") + "/"
    prefix = f"{name.strip('/')}/" if name else ""
    return [_s3_entry(o, prefix + o.uri.removeprefix(base)) for o in found]


def _s3_entry(obj: ObjectInfo, path: str) -> Entry:
    extra: dict[str, str] = {}
    if obj.etag:
        extra["etag"] = obj.etag
    if obj.version:
        extra["versionID"] = obj.version
    return Entry(path, obj.etag or obj.uri, obj.size, ref=obj.uri, extra=extra)
