"""A reference server for the ingest protocol, for the SDK's shipping tests.

Run as ``python ship_server.py --dir D --port P --key K``: a real HTTP server on
loopback that keeps each segment's bytes in a file (``D/store/<entity>/<project>/
<run_id>/<segment>``), so a killed and restarted server still holds what it acked.

It answers as docs/server.md#log-runs-to-the-server says the team server does:
POST ?offset=N appends the body's new bytes and answers ``{"acked", "url"}``; a gap
is 409 ``{"acked"}``; over 16 MiB 413; a wrong key 401; entity ``forbidden`` 403.
GET answers ``{"acked"}``; ``GET /api/v1/auth/me`` names the key's user (``--user``).
Faults for the tests come from ``D/faults.json``, read at
each request: ``{"fail": [503, 429, ...], "retry_after": "1", "delay": 0.5}`` answers
the next posts with those statuses (one each), and ``delay`` slows every request.
Each request is logged as a JSON line in ``D/requests.log``.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

MAX_BODY = 16 << 20
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root: Path
    key: str
    port: int
    user: str

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _send(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _log(self, **entry: object) -> None:
        with LOCK, open(self.root / "requests.log", "a") as f:
            f.write(json.dumps(entry) + "\n")

    def _fault(self, method: str) -> tuple[int, str | None] | None:
        path = self.root / "faults.json"
        with LOCK:
            try:
                faults = json.loads(path.read_text())
            except (OSError, ValueError):
                return None
            time.sleep(float(faults.get("delay", 0)))
            fail = faults.get("fail") or []
            if method != "POST" or not fail:
                return None
            status = fail.pop(0)
            path.write_text(json.dumps(faults))
            return int(status), faults.get("retry_after")

    def _segment(self) -> tuple[Path, str] | None:
        parts = urlsplit(self.path).path.split("/")
        if len(parts) != 8 or parts[1:4] != ["api", "v1", "ingest"]:
            self._send(404, {"detail": "not found"})
            return None
        entity, project, run_id, segment = (unquote(p) for p in parts[4:])
        if self.headers.get("Authorization") != f"Bearer {self.key}":
            self._send(401, {"detail": "invalid API key; run runbase login --relogin"})
            return None
        if entity == "forbidden":
            self._send(403, {"detail": f"you may not write to entity {entity}"})
            return None
        url = f"http://127.0.0.1:{self.port}/{entity}/{project}/runs/{run_id}"
        return self.root / "store" / entity / project / run_id / segment, url

    def do_GET(self) -> None:  # noqa: N802
        if urlsplit(self.path).path == "/api/v1/auth/me":
            if self.headers.get("Authorization") != f"Bearer {self.key}":
                self._send(401, {"detail": "invalid API key"})
            else:
                self._send(200, {"user": self.user, "admin": False, "scope": "write", "teams": []})
            return
        fault = self._fault("GET")
        found = self._segment()
        if found is None or fault:
            return
        path, _ = found
        acked = path.stat().st_size if path.exists() else 0
        self._log(method="GET", path=str(path), acked=acked)
        self._send(200, {"acked": acked})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        if not urlsplit(self.path).path.startswith("/api/v1/ingest/"):
            # No blob routes (docs/server.md "Files and media"): a shipper sends records
            # only. Faults are for ingest posts.
            self._send(404, {"detail": "not found"})
            return
        fault = self._fault("POST")
        found = self._segment()
        if found is None:
            return
        path, url = found
        offset = int(parse_qs(urlsplit(self.path).query)["offset"][0])
        if fault is not None:
            status, retry_after = fault
            self._log(method="POST", path=str(path), offset=offset, size=length, status=status)
            headers = {"Retry-After": retry_after} if retry_after else {}
            self._send(status, {"detail": "injected failure"}, headers)
            return
        if length > MAX_BODY:
            self._send(413, {"detail": "body over 16 MiB"})
            return
        with LOCK:
            path.parent.mkdir(parents=True, exist_ok=True)
            acked = path.stat().st_size if path.exists() else 0
            if offset > acked:
                status = 409
            else:
                status = 200
                new = body[acked - offset :]
                if new:
                    with open(path, "ab") as f:
                        f.write(new)
                        f.flush()
                        os.fsync(f.fileno())
                    acked += len(new)
        self._log(method="POST", path=str(path), offset=offset, size=length, status=status)
        self._send(status, {"acked": acked} if status == 409 else {"acked": acked, "url": url})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--user", default="ada", help="whom GET /api/v1/auth/me names")
    args = parser.parse_args()
    Handler.root = Path(args.dir)
    Handler.key = args.key
    Handler.port = args.port
    Handler.user = args.user
    Handler.root.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
