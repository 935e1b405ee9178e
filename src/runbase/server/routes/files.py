"""A run's saved files: the list, and one file's bytes.

A run's files are whatever the training script saved, so the server treats
them as hostile: an SVG or HTML file opened at its URL must not run script in
the app's origin (it could edit or delete every run through the API). Each file
response carries ``nosniff`` and a sandboxing Content-Security-Policy, and only
types a browser shows passively (images, plain text, JSON, audio, video) are
served inline; everything else is an attachment.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from runbase.server import shapes
from runbase.server.blob_files import blob_response, shipped_file
from runbase.server.deps import FreshStore, fast_json, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.models import FileList
from runbase.server.security import FILE_CSP, view_csp
from runbase.store import queries

router = APIRouter(responses=BAD_INPUT, tags=["files"])

INLINE_TYPES = {
    "text/plain; charset=utf-8",
    "application/json",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/avif",
}
INLINE_PREFIXES = ("audio/", "video/")
HTML_SUFFIXES = (".html", ".htm")
# Media as the SDK names it: media/<kind>/<key>_<step>_<sha256[:20]>.<ext>. The name
# holds a hash of the bytes, so a browser may keep the file: a step slider moved
# back and forth loads each image once.
_CONTENT_NAMED = re.compile(r"media/.*_[0-9a-f]{20}(\.[\w.]+)?")
IMMUTABLE = "private, max-age=31536000, immutable"


def disposition(media: str) -> str:
    """``inline`` for types a browser only displays, else ``attachment``."""
    if media in INLINE_TYPES or media.startswith(INLINE_PREFIXES):
        return "inline"
    return "attachment"


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/files", response_model=FileList, responses=NOT_FOUND
)
def run_files(store: FreshStore, entity: str, project: str, run_id: str) -> Response:
    """Files saved with the run."""
    run = run_or_404(store, entity, project, run_id)
    return fast_json({"files": shapes.files_out(queries.files(store, run))})


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/files/{path:path}",
    responses={
        200: {"description": "The file's bytes", "content": {"*/*": {}}},
        **NOT_FOUND,
    },
)
def run_file(
    request: Request,
    store: FreshStore,
    entity: str,
    project: str,
    run_id: str,
    path: str,
    download: bool = False,
    view: bool = False,
) -> Response:
    """One file's bytes; ``?download=1`` asks the browser to save it. Files a browser
    could run script in (HTML, SVG, XML, PDF, ...) always download, except that
    ``?view=1`` shows an HTML file as a page in a sandbox of its own (an opaque
    origin that may load nothing from the network), for an ``<iframe sandbox>``."""
    # Only whether the run exists: a media panel loads dozens of files per step,
    # and reading the whole run for each would cost more than sending the file.
    if run_id not in queries.history_versions(store, entity, project, [run_id]):
        raise HTTPException(404, f"no run {entity}/{project}/{run_id}")
    target = shapes.file_path(store, (entity, project, run_id), path)
    run = (entity, project, run_id)
    blob = None if target is not None else shipped_file(request, store, run, path)
    if target is None and blob is None:
        raise HTTPException(404, f"no file {path!r} in run {entity}/{project}/{run_id}")
    name = target.name if target is not None else PurePosixPath(path).name
    headers = {"cache-control": IMMUTABLE} if _CONTENT_NAMED.fullmatch(path) else {}
    if view and not download and name.lower().endswith(HTML_SUFFIXES):
        media, kind = "text/html; charset=utf-8", "inline"
        origins = getattr(request.app.state, "media_origins", ())
        headers["content-security-policy"] = view_csp(origins)
    else:
        media = shapes.media_type(Path(name))
        kind = "attachment" if download else disposition(media)
        headers["content-security-policy"] = FILE_CSP
    if target is not None:
        return FileResponse(
            target, media_type=media, filename=name, content_disposition_type=kind, headers=headers
        )
    assert blob is not None
    return blob_response(blob, media, name, kind, headers)
