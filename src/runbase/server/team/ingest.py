"""The ingest routes: a shipper posts a run's segment bytes as they are written.

``POST /api/v1/ingest/{entity}/{project}/{run_id}/{segment}?offset=N`` with the
raw bytes from byte N answers ``{"acked": A, "url": U}`` (A: the next byte the
server expects); ``GET`` the same path answers ``{"acked": A}``, where a
restarted shipper resumes. Storage is ``shipping.py``; the bytes are indexed
right after they are stored, by the store's indexer (``store/indexing/shipped.py``).
``POST /api/v1/ingest`` carries pieces of many runs at once (``pieces.py``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated
from urllib.parse import quote

import msgspec
import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from runbase.records.layout import id_problem, name_problem
from runbase.records.shapes import segment_name_problem
from runbase.server.deps import fast_json
from runbase.server.errors import BAD_INPUT, NOT_FOUND, ErrorOut
from runbase.server.team.access import check
from runbase.server.team.auth import Caller, CurrentCaller, api_key, current_caller, engine
from runbase.server.team.group import GroupCommit, no_entity
from runbase.server.team.pieces import Piece, ship_pieces
from runbase.server.team.shipping import MAX_BODY, Stored, acked_of
from runbase.store.db import schema as t

log = logging.getLogger("runbase.server")
PATH = "/ingest/{entity}/{project}/{run_id}/{segment}"
# Posts stored and indexed at once by one process; the others wait their turn (one-run
# posts are then stored together: ``group.py``). Hundreds of shippers posting every
# second would otherwise take every thread and the GIL from the requests of people reading.
INGEST_SLOTS = 2


def _group(request: Request) -> GroupCommit:
    """The app's ingest slots, in the running event loop (a semaphore belongs to one)."""
    loop = asyncio.get_running_loop()
    held = getattr(request.app.state, "ingest_group", None)
    if held is None or held[0] is not loop:
        held = (loop, GroupCommit(request.app.state.store.store, INGEST_SLOTS))
        request.app.state.ingest_group = held
    group: GroupCommit = held[1]
    return group


class Acked(BaseModel):
    """How much of a segment the server holds: the next byte it expects."""

    acked: int


class Ingested(Acked):
    """A post stored: the next byte expected, and the run's page on this server.
    ``stop``: why the run should stop (the web app's Stop button), else null."""

    url: str
    stop: str | None = None


class Refused(ErrorOut):
    """A post that would leave a hole, or differs from what is stored: resend from ``acked``."""

    acked: int


def _doc(model: type[BaseModel], description: str) -> dict[str, object]:
    return {"model": model, "description": description}


ERRORS = {
    **BAD_INPUT,
    **NOT_FOUND,
    401: _doc(ErrorOut, "No API key, or an unknown or revoked one"),
    403: _doc(ErrorOut, "The caller may read the project but not change it (or a read-only key)"),
}
_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
router = APIRouter(tags=["ingest"], responses=ERRORS)


def _check_names(entity: str, project: str, run_id: str, segment: str) -> None:
    why = (
        name_problem("entity", entity)
        or name_problem("project", project)
        or id_problem(run_id)
        or segment_name_problem(segment)
    )
    if why:
        raise HTTPException(
            400, f"{why}: post each segment under the names its run was logged with"
        )


def _authorize(request: Request, caller: Caller, entity: str, project: str) -> None:
    """Write access to the project, whose entity (a user or a team) must exist."""
    check(request, caller, entity, project, "write")
    with engine(request).connect() as conn:
        known = conn.execute(
            sa.select(t.users.c.id)
            .where(t.users.c.name == entity)
            .union_all(sa.select(t.teams.c.id).where(t.teams.c.name == entity))
        ).first()
    if known is None:
        raise HTTPException(404, no_entity(entity))


async def _body(request: Request) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY:
        raise HTTPException(413, _too_large())
    parts, size = [], 0
    async for part in request.stream():
        size += len(part)
        if size > MAX_BODY:
            raise HTTPException(413, _too_large())
        parts.append(part)
    return b"".join(parts)


def _too_large() -> str:
    return f"a post may carry at most {MAX_BODY} bytes: send the rest in further posts"


@router.post(
    PATH,
    response_model=Ingested,
    openapi_extra=_BODY,
    responses={
        409: _doc(Refused, "The post starts past the stored bytes, or differs from them"),
        413: _doc(ErrorOut, "A body over 16 MiB"),
    },
)
async def ingest(
    request: Request,
    entity: str,
    project: str,
    run_id: str,
    segment: str,
    offset: Annotated[int | None, Query(description="The segment byte the body starts at")] = None,
) -> object:
    """Store a piece of a run's segment file (the raw bytes from ``offset``) and index it."""
    key = api_key(request)
    problem = _post_problem(entity, project, run_id, segment, offset)
    who: Caller | str | None = key
    if key is None or problem is not None:
        # A session (the web app), or a post that is refused anyway: the caller is
        # checked first, as every route does. An API key's post is checked in the
        # transaction that stores it (``group.py``): no round trips of its own.
        who = await run_in_threadpool(_writer, request, entity, project)
    if problem is not None:
        raise problem
    try:
        data = await _body(request)
    except HTTPException:
        if not isinstance(who, Caller):
            await run_in_threadpool(_writer, request, entity, project)
        raise
    assert offset is not None and who is not None
    piece = Piece(entity, project, run_id, segment, offset, data)
    stored = await _group(request).ship(piece, who)
    if isinstance(stored, HTTPException):
        raise stored
    if isinstance(stored, str):
        raise HTTPException(
            409, f"run {run_id} has a segment {segment} that was not shipped: use another name"
        )
    if stored.problem is not None:
        return JSONResponse(
            {"detail": _refusal(stored.problem, stored.acked), "acked": stored.acked}, 409
        )
    url = _run_url(request, entity, project, run_id)
    # Encoded here: FastAPI's pydantic pass over ``response_model`` is a good part of
    # the event loop's time per post when hundreds of runs ship at once.
    return fast_json({"acked": stored.acked, "url": url, "stop": stored.stop})


def _writer(request: Request, entity: str, project: str) -> Caller:
    """The caller, when they may write to the project (else the refusal is raised)."""
    caller = current_caller(request)
    check(request, caller, entity, project, "write")
    return caller


def _post_problem(
    entity: str, project: str, run_id: str, segment: str, offset: int | None
) -> HTTPException | None:
    why = _names_problem(entity, project, run_id, segment)
    if why is not None:
        return HTTPException(*why)
    if offset is None or offset < 0:
        return HTTPException(
            400, "add ?offset=N: the byte of the segment file the body starts at (0 or more)"
        )
    return None


def _refusal(problem: str, acked: int) -> str:
    if problem == "gap":
        return f"the server holds this segment up to byte {acked}: resend from there"
    return f"these bytes differ from the ones stored before byte {acked}: resend from {acked}"


def _run_url(request: Request, entity: str, project: str, run_id: str) -> str:
    base = str(request.base_url).rstrip("/")
    parts = "/".join(quote(p, safe="") for p in (entity, project, "runs", run_id))
    return f"{base}/{parts}"


@router.get(PATH, response_model=Acked)
def ingest_status(
    request: Request, caller: CurrentCaller, entity: str, project: str, run_id: str, segment: str
) -> dict[str, int]:
    """How much of the segment the server holds: where a restarted shipper resumes."""
    _authorize(request, caller, entity, project)
    _check_names(entity, project, run_id, segment)
    return {"acked": acked_of(engine(request), entity, project, run_id, segment)}


# The most pieces one batch post may carry (each is a run's segment from an offset).
MAX_PIECES = 10_000
_PIECES = msgspec.msgpack.Decoder(list[tuple[str, str, str, str, int, bytes]])
_BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/msgpack": {
                "schema": {
                    "type": "string",
                    "format": "binary",
                    "description": "A MessagePack array of pieces, each "
                    "[entity, project, run_id, segment, offset, bytes]",
                }
            }
        },
    }
}


class PieceOut(BaseModel):
    """What became of one piece: ``status`` as its own post would have answered (200,
    or 409 with ``acked`` where to resend from, 400/403/404 with ``detail``)."""

    status: int
    acked: int
    url: str | None = None
    detail: str | None = None


class PiecesOut(BaseModel):
    """One answer per piece, in the order they were posted."""

    pieces: list[PieceOut]


@router.post(
    "/ingest",
    response_model=PiecesOut,
    openapi_extra=_BATCH_BODY,
    responses={413: _doc(ErrorOut, "A body over 16 MiB")},
)
async def ingest_many(request: Request, caller: CurrentCaller) -> object:
    """Store and index pieces of several runs' segments at once (one transaction):
    what ``runbase sync`` sends many small runs with."""
    if caller.user is None:
        raise HTTPException(401, "send an API key with write access to the runs' projects")
    data = await _body(request)
    try:
        raw = _PIECES.decode(data)
    except msgspec.DecodeError as e:
        raise HTTPException(
            400, f"the body must be a MessagePack array of [entity, project, run_id, "
            f"segment, offset, bytes] arrays: {e}"
        ) from None  # fmt: skip
    if len(raw) > MAX_PIECES:
        raise HTTPException(400, f"at most {MAX_PIECES} pieces a post: send the rest in another")
    out: list[dict[str, object] | None] = [None] * len(raw)
    refused = await run_in_threadpool(_refused_projects, request, caller, raw)
    take: list[int] = []
    for i, (entity, project, run_id, segment, offset, _) in enumerate(raw):
        why = refused.get((entity, project)) or _names_problem(entity, project, run_id, segment)
        if why is None and offset < 0:
            why = (
                400,
                "offset must be 0 or more: the byte of the segment file the piece starts at",
            )
        if why is not None:
            out[i] = {"status": why[0], "acked": 0, "detail": why[1]}
        else:
            take.append(i)
    pieces = [Piece(*raw[i]) for i in take]
    async with _group(request).batches:
        stored = await run_in_threadpool(
            ship_pieces, request.app.state.store.store, pieces, caller.user.name
        )
    for i, s in zip(take, stored, strict=True):
        out[i] = _piece_answer(request, raw[i], s)
    return {"pieces": out}


def _refused_projects(
    request: Request, caller: Caller, raw: list[tuple[str, str, str, str, int, bytes]]
) -> dict[tuple[str, str], tuple[int, str]]:
    """(entity, project) -> (status, why) for the projects the caller may not write to."""
    refused = {}
    for entity, project in sorted({(r[0], r[1]) for r in raw}):
        try:
            if name_problem("entity", entity) or name_problem("project", project):
                continue  # said per piece
            _authorize(request, caller, entity, project)
        except HTTPException as e:
            refused[(entity, project)] = (e.status_code, str(e.detail))
    return refused


def _names_problem(entity: str, project: str, run_id: str, segment: str) -> tuple[int, str] | None:
    try:
        _check_names(entity, project, run_id, segment)
    except HTTPException as e:
        return (e.status_code, str(e.detail))
    return None


def _piece_answer(
    request: Request, raw: tuple[str, str, str, str, int, bytes], stored: Stored | str
) -> dict[str, object]:
    entity, project, run_id, segment = raw[:4]
    if isinstance(stored, str):
        why = f"run {run_id} has a segment {segment} that was not shipped: use another name"
        return {"status": 409, "acked": 0, "detail": why}
    if stored.problem is not None:
        return {
            "status": 409,
            "acked": stored.acked,
            "detail": _refusal(stored.problem, stored.acked),
        }
    return {"status": 200, "acked": stored.acked, "url": _run_url(request, entity, project, run_id)}
