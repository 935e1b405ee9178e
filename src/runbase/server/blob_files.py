"""Files of shipped runs, served from the team server's blob store.

A run shipped to the team server has no ``files/`` folder on it: its shipper put each
file as a blob and said which blob holds which path (``team/blobs.py``). The files
route serves such a file from the blob store: a folder's blob as a file (sendfile),
a bucket's streamed through the server, so the response keeps the headers every
user file gets (nosniff, the sandboxing CSP, inline or attachment).

Images, audio and video in a bucket are not streamed: the answer is a redirect to a
presigned GET URL valid a few minutes, so a media panel's bytes go straight from the
bucket. A bucket cannot send the CSP or nosniff, so only types a browser only
displays (never runs script in: not SVG) go that way, and the URL itself fixes the
answer's Content-Type and Content-Disposition (``response-content-type``,
``response-content-disposition``, signed with it), whatever the object was stored with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse

from runbase.blobs import BlobError, BlobStore
from runbase.store import Store
from runbase.store.queries.shipped_files import shipped_blob

# Served from the bucket by redirect: types a browser only displays.
REDIRECT_TYPES = ("image/", "audio/", "video/")
READ_URL_EXPIRY = timedelta(minutes=5)


@dataclass(frozen=True)
class ShippedFile:
    store: BlobStore
    sha256: str
    size: int


def shipped_file(
    request: Request, store: Store, run: tuple[str, str, str], path: str
) -> ShippedFile | None:
    """The blob holding ``path`` of a shipped run, or None (no blob store, or no such file)."""
    return find_blob(getattr(request.app.state, "blobs", None), store, run, path)


def find_blob(
    blobs: BlobStore | None, store: Store, run: tuple[str, str, str], path: str
) -> ShippedFile | None:
    """``shipped_file`` given the app's blob store (None on ``runbase ui``)."""
    if blobs is None:
        return None
    found = shipped_blob(store, run, path)
    return None if found is None else ShippedFile(blobs, *found)


def small_file(
    blobs: BlobStore | None, store: Store, run: tuple[str, str, str], path: str, limit: int
) -> bytes | None:
    """A shipped run's file's bytes when it holds at most ``limit`` of them, else None."""
    blob = find_blob(blobs, store, run, path)
    if blob is None or blob.size > limit:
        return None
    try:
        return blob.store.get(blob.sha256)
    except BlobError:
        return None


def blob_response(
    blob: ShippedFile, media: str, name: str, kind: str, headers: dict[str, str]
) -> Response:
    """The blob's bytes with the files route's headers (or a redirect, see above)."""
    local = blob.store.local_path(blob.sha256)
    if local is not None:
        return FileResponse(
            local, media_type=media, filename=name, content_disposition_type=kind, headers=headers
        )
    # FileResponse's way of writing the file name (RFC 5987 for non-ASCII names).
    disposition = FileResponse(".", filename=name, content_disposition_type=kind).headers[
        "content-disposition"
    ]
    url = _presigned(blob, media, disposition)
    if url is not None:
        # The URL expires: the redirect must not be cached longer than it lives.
        return RedirectResponse(url, 307, headers={"cache-control": "private, max-age=60"})
    out = {**headers, "content-disposition": disposition, "content-length": str(blob.size)}
    return StreamingResponse(_chunks(blob), media_type=media, headers=out)


def _presigned(blob: ShippedFile, media: str, disposition: str) -> str | None:
    if not media.startswith(REDIRECT_TYPES) or "svg" in media or "xml" in media:
        return None
    read_url = getattr(blob.store, "read_url", None)  # S3BlobStore's
    if read_url is None:
        return None
    url: str | None = read_url(blob.sha256, media, disposition, READ_URL_EXPIRY)
    return url


def _chunks(blob: ShippedFile) -> Iterator[bytes]:
    yield from blob.store.chunks(blob.sha256)
