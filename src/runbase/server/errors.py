"""Errors as the API sends and documents them: always ``{"detail": message}``.

400 is bad input (a parameter, filter or body), 404 an unknown project, run or
file. A crash answers 500 with a generic message and an id; the traceback goes
to the server's log under that id, never to the client. The OpenAPI schema
lists these responses and not FastAPI's default 422, which this API never sends.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from runbase.server.filters import FilterError
from runbase.server.security import with_security_headers

log = logging.getLogger("runbase.server")


class ErrorOut(BaseModel):
    """Every error: a message for a person to read."""

    detail: str


def _doc(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


# Typed as FastAPI's ``responses`` argument takes them (it also allows "default", "4XX").
Responses = dict[int | str, dict[str, Any]]

BAD_INPUT: Responses = {400: _doc("Bad input: a parameter, filter or body is not valid")}
NOT_FOUND: Responses = {404: _doc("No such project, run or file")}
WRITE: Responses = {
    403: _doc("A browser request from another site"),
    409: _doc("The store is read-only: it serves what is indexed and takes no edits"),
    415: _doc("A body that is not JSON"),
}


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as ``{"detail": "..."}``: the UI shows the message, never a trace."""

    @app.exception_handler(FilterError)
    async def _bad_filter(_req: Request, exc: FilterError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _bad_params(_req: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_message(exc)}, status_code=400)

    @app.exception_handler(Exception)
    async def _crash(req: Request, exc: Exception) -> JSONResponse:
        error_id = uuid.uuid4().hex[:12]
        log.error(
            "internal error %s serving %s %s", error_id, req.method, req.url.path, exc_info=exc
        )
        resp = JSONResponse(
            {"detail": f"internal error (id {error_id}); the server's log has the details"},
            status_code=500,
        )
        # Starlette sends this from outside the app's middleware: add the headers here.
        resp.raw_headers[:] = with_security_headers(resp.raw_headers)
        return resp


def validation_message(exc: RequestValidationError) -> str:
    """FastAPI's validation errors as one line: ``offset: Input should be ...``."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path"))
        msg = str(err.get("msg", "invalid"))
        parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts) or "invalid request"


def install_openapi(app: FastAPI) -> None:
    """The schema without FastAPI's 422 responses (errors here are 400, documented per route)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, summary=app.summary, routes=app.routes
            )
            for path in schema.get("paths", {}).values():
                for op in path.values():
                    op.get("responses", {}).pop("422", None)
            comps = schema.get("components", {}).get("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                comps.pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
