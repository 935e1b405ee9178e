"""The client side of the ingest protocol (docs/server.md#log-runs-to-the-server).

``POST {base}/api/v1/ingest/{entity}/{project}/{run_id}/{segment}?offset=N`` carries
the segment file's bytes from byte N; the server answers how far it holds the
segment durably (``acked``), so a resend of bytes it has is harmless and a gap is
answered with 409 and where to resume. ``GET`` on the same path says where to resume.

The standard library's ``http.client`` is used (one kept-alive connection per
client): the SDK's dependencies stay as they are, and ``import runbase`` pays nothing.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import time
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import quote, urlsplit

from runbase.sdk.ship.credentials import Target

# The server refuses bodies over 16 MiB; 4 MiB keeps every post well under it.
MAX_BATCH = 4 << 20
REQUEST_TIMEOUT = 30.0
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RunRef:
    """Which run a segment belongs to on the server."""

    entity: str
    project: str
    run_id: str

    def __str__(self) -> str:
        return f"{self.entity}/{self.project}/{self.run_id}"


@dataclass(frozen=True)
class Ack:
    """The server's answer to a post: where it holds the segment to; ``gap`` for a 409."""

    acked: int
    url: str | None = None
    gap: bool = False


class Unavailable(Exception):
    """Try again later: the server is down, slow, overloaded (5xx) or rate-limiting (429)."""

    def __init__(self, why: str, retry_after: float | None = None) -> None:
        super().__init__(why)
        self.retry_after = retry_after


class Refused(Exception):
    """The server will not take the run (401/403/404/400...): retrying does not help."""


class NoRoute(Refused):
    """404 without a reason: the server has no such route (an older or a minimal one)."""


class TooLarge(Exception):
    """413: the body was over the server's limit; send less at once."""


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _detail(body: bytes) -> str:
    """The server's reason in an error body (FastAPI's ``detail``), else the text."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace").strip()[:300]
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])[:300]
    return str(data)[:300]


class Client:
    """One connection to a server; used by one thread at a time."""

    def __init__(self, target: Target, timeout: float = REQUEST_TIMEOUT) -> None:
        parts = urlsplit(target.base_url)
        self._https = parts.scheme == "https"
        self._netloc = parts.netloc
        self._prefix = parts.path.rstrip("/")
        self._key = target.api_key
        self._timeout = timeout
        self._conn: http.client.HTTPConnection | None = None
        self.base_url = target.base_url

    def _path(self, run: RunRef, segment: str) -> str:
        names = (run.entity, run.project, run.run_id, segment)
        return f"{self._prefix}/api/v1/ingest/" + "/".join(quote(n, safe="") for n in names)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | BinaryIO | None,
        content_type: str = "application/octet-stream",
        length: int | None = None,
    ) -> tuple[int, bytes, str | None]:
        headers = {"Authorization": f"Bearer {self._key}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type
        if length is not None:  # a file body: http.client streams it
            headers["Content-Length"] = str(length)
        try:
            if self._conn is None:
                kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
                self._conn = kind(self._netloc, timeout=self._timeout)
            self._conn.request(method, path, body=body, headers=headers)
            resp = self._conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            self.close()  # the connection's state is unknown: start a new one next time
            raise Unavailable(f"cannot reach {self.base_url}: {e or type(e).__name__}") from None
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        return resp.status, data, resp.getheader("Retry-After")

    def _answer(self, status: int, data: bytes, retry_after: str | None) -> dict[str, object]:
        if status in _RETRY_STATUS:
            why = f"{self.base_url} answered {status}: {_detail(data)}"
            raise Unavailable(why, _retry_after(retry_after))
        if status == 413:
            raise TooLarge(_detail(data))
        if status not in (200, 409):
            raise Refused(f"{self.base_url} answered {status}: {_detail(data)}")
        try:
            answer = json.loads(data)
            int(answer["acked"])
        except (ValueError, KeyError, TypeError):
            if status == 409:  # a conflict no resend fixes (another file under this name)
                raise Refused(f"{self.base_url} answered 409: {_detail(data)}") from None
            why = f"{self.base_url} sent an answer without 'acked': {data[:200]!r}"
            raise Unavailable(why) from None
        return dict(answer)

    def acked(self, run: RunRef, segment: str) -> int:
        """How much of the segment the server holds (0 for a run it has not seen)."""
        status, data, retry_after = self._request("GET", self._path(run, segment), None)
        if status == 404:
            return 0  # a new run; a post says whether the key may create it
        return int(str(self._answer(status, data, retry_after)["acked"]))

    def post(self, run: RunRef, segment: str, offset: int, body: bytes) -> Ack:
        """Send ``body`` as the segment's bytes from ``offset``."""
        path = f"{self._path(run, segment)}?offset={offset}"
        status, data, retry_after = self._request("POST", path, body)
        answer = self._answer(status, data, retry_after)
        url = answer.get("url")
        acked = int(str(answer["acked"]))
        return Ack(acked, url if isinstance(url, str) else None, gap=status == 409)

    def post_pieces(
        self, pieces: list[tuple[RunRef, str, int, bytes]]
    ) -> list[tuple[int, int, str | None, str | None]]:
        """Send pieces of several runs' segments in one post (``POST /api/v1/ingest``):
        (run, segment, offset, bytes) each. Per piece (status, acked, url, why) as its own
        post would have answered. Raises NoRoute on a server without the route."""
        import msgspec  # the SDK's record codec; loaded by every run already

        body = msgspec.msgpack.encode(
            [(r.entity, r.project, r.run_id, seg, offset, data) for r, seg, offset, data in pieces]
        )
        path = f"{self._prefix}/api/v1/ingest"
        status, data, retry_after = self._request("POST", path, body, "application/msgpack")
        if status in _RETRY_STATUS:
            why = f"{self.base_url} answered {status}: {_detail(data)}"
            raise Unavailable(why, _retry_after(retry_after))
        if status in (404, 405) and _detail(data).lower() in ("not found", "method not allowed"):
            raise NoRoute(f"{self.base_url} has no route POST /api/v1/ingest")
        if status == 413:
            raise TooLarge(_detail(data))
        if status != 200:
            raise Refused(f"{self.base_url} answered {status}: {_detail(data)}")
        try:
            answers = json.loads(data)["pieces"]
            out = [
                (int(a["status"]), int(a["acked"]), a.get("url"), a.get("detail")) for a in answers
            ]
        except (ValueError, KeyError, TypeError):
            raise Unavailable(f"{self.base_url} sent an answer without 'pieces'") from None
        if len(out) != len(pieces):
            raise Unavailable(f"{self.base_url} answered {len(out)} of {len(pieces)} pieces")
        return out

    def call(
        self,
        method: str,
        path: str,
        payload: object = None,
        file: BinaryIO | None = None,
        length: int | None = None,
    ) -> dict[str, object]:
        """A JSON (or, with ``file``, a file's bytes) request to ``/api/v1`` + ``path``;
        the JSON answer. Raises Unavailable (retry later) or Refused (4xx)."""
        url = f"{self._prefix}/api/v1{path}"
        if file is not None:
            status, data, retry_after = self._request(method, url, file, length=length)
        else:
            body = json.dumps(payload).encode()
            status, data, retry_after = self._request(method, url, body, "application/json")
        if status in _RETRY_STATUS:
            why = f"{self.base_url} answered {status}: {_detail(data)}"
            raise Unavailable(why, _retry_after(retry_after))
        if status == 404 and _detail(data).lower() == "not found":  # no such route
            raise NoRoute(f"{self.base_url} has no route {method} {path}")
        if status >= 300:
            raise Refused(f"{self.base_url} answered {status} to {method} {path}: {_detail(data)}")
        try:
            answer = json.loads(data)
        except ValueError:
            raise Unavailable(f"{self.base_url} sent an answer that is not JSON") from None
        return answer if isinstance(answer, dict) else {}

    def whoami(self) -> str | None:
        """The key's user (``GET /api/v1/auth/me``); None when the server does not say.
        Raises Refused for a key the server does not accept, Unavailable when unreachable."""
        status, data, retry_after = self._request("GET", f"{self._prefix}/api/v1/auth/me", None)
        if status in (401, 403):
            raise Refused(f"{self.base_url} does not accept this key ({status}: {_detail(data)})")
        if status in _RETRY_STATUS:
            raise Unavailable(f"{self.base_url} answered {status}", _retry_after(retry_after))
        try:
            name = json.loads(data).get("user") if status == 200 else None
        except (ValueError, AttributeError):
            return None
        return name if isinstance(name, str) and name else None
