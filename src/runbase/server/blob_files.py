"""Files of shipped runs, served from the team server's blob store.

A run shipped to the team server has no ``files/`` folder on it: its shipper put each
file as a blob and said which blob holds which path (``team/blobs.py``). The files
route serves such a file from the blob store: a folder's blob as a file (sendfile),
a bucket's streamed through the server, so the response keeps the headers every
user file gets (nosniff, the sandboxing CSP, inline or attachment).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import FileResponse, Response, StreamingResponse

from runbase.blobs import BlobStore
from runbase.store import Store
from runbase.store.db.schema import run_blobs, runs


@dataclass(frozen=True)
class ShippedFile:
    store: BlobStore
    sha256: str
    size: int


def shipped_file(
    request: Request, store: Store, run: tuple[str, str, str], path: str
) -> ShippedFile | None:
    """The blob holding ``path`` of a shipped run, or None (no blob store, or no such file)."""
    blobs: BlobStore | None = getattr(request.app.state, "blobs", None)
    if blobs is None:
        return None
    entity, project, run_id = run
    query = (
        sa.select(run_blobs.c.sha256, run_blobs.c.size)
        .join(runs, runs.c.rid == run_blobs.c.rid)
        .where(
            runs.c.entity == entity,
            runs.c.project == project,
            runs.c.run_id == run_id,
            run_blobs.c.path == path,
        )
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else ShippedFile(blobs, str(row[0]), int(row[1]))


def blob_response(
    blob: ShippedFile, media: str, name: str, kind: str, headers: dict[str, str]
) -> Response:
    """The blob's bytes with the files route's headers."""
    local = blob.store.local_path(blob.sha256)
    if local is not None:
        return FileResponse(
            local, media_type=media, filename=name, content_disposition_type=kind, headers=headers
        )
    # FileResponse's way of writing the file name (RFC 5987 for non-ASCII names).
    disposition = FileResponse(".", filename=name, content_disposition_type=kind).headers[
        "content-disposition"
    ]
    out = {**headers, "content-disposition": disposition, "content-length": str(blob.size)}
    return StreamingResponse(_chunks(blob), media_type=media, headers=out)


def _chunks(blob: ShippedFile) -> Iterator[bytes]:
    yield from blob.store.chunks(blob.sha256)
