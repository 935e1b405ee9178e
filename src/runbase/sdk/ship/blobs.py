"""Sending the files a segment's records name, before the records themselves.

Every file a run writes under ``files/`` (media files and files saved with run.save)
has a FILE record. Before the shipper posts a stretch of a segment, it hashes the
files that stretch's FILE records name, asks the server which blobs it lacks
(``POST /api/v1/blobs/{entity}/{project}/uploads``), uploads those (to a presigned
bucket URL, or through the server), and says which blob holds which path; so the
server never shows a file it cannot serve. Content the server has is not sent again.
Runs in the shipper's thread (or ``runbase sync``), never in log()'s.
"""

from __future__ import annotations

import hashlib
import http.client
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from runbase.records import read_segment
from runbase.records.kinds import Kind
from runbase.sdk.ship.protocol import (
    REQUEST_TIMEOUT,
    Client,
    NoRoute,
    Refused,
    RunRef,
    Unavailable,
)

_FILE = int(Kind.FILE)
_PER_CALL = 500  # blobs per announcement (the server takes up to 1000)


@dataclass(frozen=True)
class LocalBlob:
    path: str
    sha256: str
    size: int


def _hash_file(path: Path) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


class FileBlobs:
    """The files of one run the server holds, and where in a segment the scan stands."""

    def __init__(self, run_dir: Path) -> None:
        self.files_dir = run_dir / "files"
        # path -> (size, mtime_ns, sha256) of what the server was told: unchanged files
        # are neither hashed nor announced again.
        self._sent: dict[str, tuple[int, int, str]] = {}
        self._scanned: dict[str, int] = {}  # segment name -> frame offset scanned to
        self.server_takes_files = True  # False: a server without the blob routes

    def before(self, client: Client, run: RunRef, segment: Path, end: int) -> None:
        """Send the files named by the FILE records of ``segment`` before byte ``end``."""
        start = self._scanned.get(segment.name, 0)
        if start >= end or not self.server_takes_files:
            return
        paths: list[str] = []
        scanned = start
        for frame in read_segment(segment, start).frames:
            if frame.end > end:
                break
            scanned = frame.end
            if frame.kind == _FILE and isinstance(frame.payload, dict):
                path = frame.payload.get("path")
                if isinstance(path, str) and path:
                    paths.append(path)
        blobs = [b for p in dict.fromkeys(paths) if (b := self._changed(p)) is not None]
        try:
            for i in range(0, len(blobs), _PER_CALL):
                self._send(client, run, blobs[i : i + _PER_CALL])
        except NoRoute:
            # A server that takes records only (an older one): they still go.
            self.server_takes_files = False
        self._scanned[segment.name] = scanned

    def _changed(self, path: str) -> LocalBlob | None:
        """The file as a blob, unless it is gone or the server has this version of it."""
        local = self.files_dir / path
        try:
            st = local.stat()
            if not local.is_file():
                return None
            sent = self._sent.get(path)
            if sent is not None and sent[:2] == (st.st_size, st.st_mtime_ns):
                return None
            sha, size = _hash_file(local)
        except OSError:
            return None  # removed since its record was written: nothing to serve
        return LocalBlob(path, sha, size)

    def _send(self, client: Client, run: RunRef, blobs: list[LocalBlob]) -> None:
        base = f"/blobs/{quote(run.entity, safe='')}/{quote(run.project, safe='')}"
        unique = {b.sha256: b for b in blobs}
        wanted = [{"sha256": b.sha256, "size": b.size} for b in unique.values()]
        answer = client.call("POST", base + "/uploads", {"blobs": wanted})
        for item in answer.get("blobs") or []:  # type: ignore[attr-defined]
            upload = item.get("upload")
            if not item.get("stored") and isinstance(upload, dict):
                self._upload(client, unique[item["sha256"]], upload)
        files = [{"path": b.path, "sha256": b.sha256, "size": b.size} for b in blobs]
        client.call("POST", f"{base}/runs/{quote(run.run_id, safe='')}/files", {"files": files})
        for b in blobs:
            st = (self.files_dir / b.path).stat()
            self._sent[b.path] = (st.st_size, st.st_mtime_ns, b.sha256)

    def _upload(self, client: Client, blob: LocalBlob, upload: dict[str, object]) -> None:
        url, done = str(upload["url"]), upload.get("done")
        local = self.files_dir / blob.path
        with open(local, "rb") as f:
            if upload.get("auth"):  # through the server: a path under it
                path = url.removeprefix("/api/v1")
                client.call("PUT", path, file=f, length=blob.size)
            else:
                _put_presigned(url, f, blob.size)
        if isinstance(done, str):
            try:
                client.call("POST", done.removeprefix("/api/v1"))
            except Refused as e:  # the file changed while it was uploaded: try again later
                raise Unavailable(f"the upload of {blob.path} was refused: {e}") from None


def _put_presigned(url: str, f: object, size: int) -> None:
    """PUT a file to a presigned URL (no API key: the URL is the permission)."""
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.netloc, timeout=REQUEST_TIMEOUT)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("PUT", target, body=f, headers={"Content-Length": str(size)})  # type: ignore[arg-type]
        resp = conn.getresponse()
        detail = resp.read()[:300]
    except (OSError, http.client.HTTPException) as e:
        raise Unavailable(f"cannot upload to {parts.netloc}: {e or type(e).__name__}") from None
    finally:
        conn.close()
    if resp.status >= 300:
        why = f"the bucket at {parts.netloc} answered {resp.status} to an upload: {detail!r}"
        if resp.status >= 500 or resp.status in (403, 408, 429):  # 403: an expired URL
            raise Unavailable(why)
        raise Refused(why)
