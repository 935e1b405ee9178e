"""The blob routes: the bytes of shipped runs' files go to the server's blob store.

A shipper announces the blobs it is about to reference (``POST .../uploads``) and is
told, for each, that the store has it already, or where to upload it: a presigned PUT
URL on S3 (the bytes never pass through the server; ``POST .../{sha256}/done`` then
makes the server verify them), or ``PUT .../{sha256}`` through the server for a local
folder, which hashes as it writes. Then it says which blob holds each of the run's
files (``POST .../runs/{run_id}/files``), before posting the records that name them,
so the server never lists a file it cannot serve. docs/server.md "Files and media".
"""

from __future__ import annotations

import os
import tempfile
from typing import Annotated, Any
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from runbase.blobs import BlobNotFoundError, BlobStore, open_blob_store
from runbase.blobs.base import Hashing
from runbase.records.layout import id_problem
from runbase.server.errors import BAD_INPUT, NOT_FOUND, ErrorOut
from runbase.server.team.auth import CurrentCaller, engine
from runbase.server.team.ingest import _authorize
from runbase.server.team.pieces import ensure_run
from runbase.server.team.shipping import run_key
from runbase.store.db.lock import lock_name
from runbase.store.db.schema import run_blobs, verified_blobs

BASE = "/blobs/{entity}/{project}"
MAX_BLOBS = 1000
Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of the bytes, hex")]


class BlobWanted(BaseModel):
    sha256: Digest
    size: int = Field(ge=0)


class UploadsIn(BaseModel):
    blobs: list[BlobWanted] = Field(max_length=MAX_BLOBS)


class Upload(BaseModel):
    """Where to PUT the bytes; ``auth``: send the API key (the server itself);
    ``done``: the server path to POST once the upload finished (presigned uploads)."""

    url: str
    method: str = "PUT"
    auth: bool
    done: str | None


class BlobAnswer(BaseModel):
    sha256: str
    stored: bool
    upload: Upload | None


class UploadsOut(BaseModel):
    blobs: list[BlobAnswer]


class Verified(BaseModel):
    sha256: str
    size: int


class RunFile(BaseModel):
    path: str = Field(min_length=1, max_length=1024)
    sha256: Digest
    size: int = Field(ge=0)


class RunFilesIn(BaseModel):
    files: list[RunFile] = Field(max_length=MAX_BLOBS)


class RunFilesOut(BaseModel):
    files: int


def _doc(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


ERRORS = {
    **BAD_INPUT,
    **NOT_FOUND,
    401: _doc("No API key, or an unknown or revoked one"),
    403: _doc("The caller may read the project but not change it (or a read-only key)"),
}


def _writer(request: Request, caller: CurrentCaller, entity: str, project: str) -> None:
    """Write access to the project: uploads are refused before any body is read."""
    _authorize(request, caller, entity, project)


router = APIRouter(tags=["blobs"], responses=ERRORS, dependencies=[Depends(_writer)])


def open_server_blobs(location: str | None) -> BlobStore:
    """The server's blob store: ``location`` (a folder or ``s3://bucket/prefix``), else
    the folder ``RUNBASE_DIR/server-blobs`` (apart from the local runs' ``blobs``, whose
    blobs go when no run links to them)."""
    if location:
        return open_blob_store(location)
    from runbase.records.layout import runbase_dir

    return open_blob_store(runbase_dir() / "server-blobs")


def blob_store(request: Request) -> BlobStore:
    store: BlobStore = request.app.state.blobs
    return store


def _presigns(store: BlobStore) -> bool:
    return store.local_path("0" * 64) is None  # a folder is served by the server itself


def is_verified(conn: sa.Connection, store: BlobStore, digest: str) -> bool:
    """Whether the server may trust the stored blob: a folder's blobs were hashed as
    they were written; a bucket's only once the server read them back."""
    return verified_size(conn, store, digest) is not None


def verified_size(conn: sa.Connection, store: BlobStore, digest: str) -> int | None:
    """The size of a blob the server may trust (see ``is_verified``), else None."""
    if not _presigns(store):
        try:
            return store.size(digest)
        except BlobNotFoundError:
            return None
    size = conn.execute(
        sa.select(verified_blobs.c.size).where(verified_blobs.c.sha256 == digest)
    ).scalar()
    return int(size) if size is not None and store.exists(digest) else None


def _remember(conn: sa.Connection, digest: str, size: int) -> None:
    known = verified_blobs.c.sha256 == digest
    if conn.execute(sa.select(verified_blobs.c.sha256).where(known)).first() is None:
        conn.execute(sa.insert(verified_blobs).values(sha256=digest, size=size))


def _path(entity: str, project: str, *rest: str) -> str:
    parts = [quote(p, safe="") for p in (entity, project, *rest)]
    return "/api/v1/blobs/" + "/".join(parts)


@router.post(BASE + "/uploads", response_model=UploadsOut)
def uploads(request: Request, entity: str, project: str, body: UploadsIn) -> dict[str, Any]:
    """For each blob: already stored (nothing to do), or where to upload it."""
    store = blob_store(request)
    out = []
    with engine(request).connect() as conn:
        for blob in body.blobs:
            if is_verified(conn, store, blob.sha256):
                out.append({"sha256": blob.sha256, "stored": True, "upload": None})
                continue
            done = _path(entity, project, blob.sha256, "done")
            url = store.upload_url(blob.sha256)
            upload = (
                {"url": url, "auth": False, "done": done}
                if url is not None
                else {"url": _path(entity, project, blob.sha256), "auth": True, "done": None}
            )
            out.append({"sha256": blob.sha256, "stored": False, "upload": upload})
    return {"blobs": out}


def _digest(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise HTTPException(400, f"{sha256!r} is not a blob name: 64 lower-case hex characters")
    return sha256


@router.put(
    BASE + "/{sha256}",
    response_model=Verified,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    },
)
async def put_blob(request: Request, entity: str, project: str, sha256: str) -> dict[str, Any]:
    """Upload a blob through the server (a folder store): refused unless the bytes hash
    to ``sha256``."""
    digest = _digest(sha256)
    store = blob_store(request)
    if _presigns(store):
        raise HTTPException(
            400, "this server's blobs are in a bucket: upload to the URL POST .../uploads gave"
        )
    hashing = Hashing()
    fd, spool = tempfile.mkstemp(prefix="runbase-upload-")
    try:
        with os.fdopen(fd, "wb") as f:
            async for part in request.stream():
                hashing.update(part)
                f.write(part)
        if hashing.sha256 != digest:
            raise HTTPException(
                400, f"the bytes sent hash to {hashing.sha256}, not {digest}: send the blob again"
            )
        await run_in_threadpool(store.put_file, spool)
    finally:
        os.unlink(spool)
    return {"sha256": digest, "size": hashing.size}


@router.post(BASE + "/{sha256}/done", response_model=Verified)
def upload_done(request: Request, entity: str, project: str, sha256: str) -> dict[str, Any]:
    """After an upload to a presigned URL: the server reads the blob back and keeps it
    only when its bytes hash to its name."""
    digest = _digest(sha256)
    store = blob_store(request)
    if not store.exists(digest):
        raise HTTPException(404, f"no blob {digest} was uploaded: upload it, then call this")
    if not store.verify(digest):
        store.delete(digest)
        raise HTTPException(
            400, f"the bytes uploaded as {digest} hash to something else: they were deleted; "
            "upload the right bytes again",
        )  # fmt: skip
    size = store.size(digest)
    with engine(request).begin() as conn:
        _remember(conn, digest, size)
    return {"sha256": digest, "size": size}


@router.post(BASE + "/runs/{run_id}/files", response_model=RunFilesOut)
def run_files(
    request: Request, entity: str, project: str, run_id: str, body: RunFilesIn
) -> dict[str, int]:
    """Say which stored blob holds each of these files of the run (its media files and
    the files saved with run.save); a later call for the same path replaces it."""
    why = id_problem(run_id)
    if why:
        raise HTTPException(400, f"{why}: name the run as it was logged")
    store = blob_store(request)
    with engine(request).begin() as conn:
        rows = {}  # the stored size, not the one claimed: the files route sends that many
        for f in body.files:
            size = verified_size(conn, store, f.sha256)
            if size is None:
                raise HTTPException(
                    400, f"blob {f.sha256} ({f.path}) is not stored: upload it first"
                )
            rows[f.path] = {"rid": 0, "path": f.path, "sha256": f.sha256, "size": size}
        lock_name(conn, run_key(entity, project, run_id))
        rid = ensure_run(conn, entity, project, run_id)
        if rows:
            conn.execute(
                sa.delete(run_blobs).where(run_blobs.c.rid == rid, run_blobs.c.path.in_(list(rows)))
            )
            conn.execute(sa.insert(run_blobs), [r | {"rid": rid} for r in rows.values()])
    return {"files": len(body.files)}
