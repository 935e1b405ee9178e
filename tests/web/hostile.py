"""A project of hostile runs for the security tests: files that would run script if
a browser rendered them, a name that makes a backtracking regex engine take
seconds, and a victim run whose notes those scripts try to change."""

from __future__ import annotations

import struct
import time
import zlib
from pathlib import Path

import httpx

from .fill import RunWriter

PROJECT = "/api/v1/projects/team/sec"
RUNS = f"{PROJECT}/runs"
VICTIM_NOTES = "notes nobody else may change"
# 26 a's then a mismatch: Python's re needs ~2^26 steps for (a+)+$ on it.
REDOS_NAME = "a" * 26 + "!"

_ATTACK = f"""
fetch('{RUNS}/victim', {{method: 'PATCH', headers: {{'content-type': 'application/json'}},
  body: JSON.stringify({{notes: 'changed by a saved file'}})}});
console.log('saved file script ran');
window.alert('saved file script ran');
"""
SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">
<rect width="40" height="40" fill="red"/>
<script><![CDATA[{_ATTACK}]]></script>
</svg>""".encode()
HTML = f"<!doctype html><html><body><h1>hi</h1><script>{_ATTACK}</script></body></html>".encode()
XML = f"""<?xml version="1.0"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body>
<script><![CDATA[{_ATTACK}]]></script></body></html>""".encode()


def png(width: int = 2, height: int = 2) -> bytes:
    """A small valid PNG (grey pixels)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


FILES = {
    "evil.svg": SVG,
    "evil.html": HTML,
    "evil.xml": XML,
    "plots/fake.png": SVG,  # SVG bytes under an image name: must not be sniffed
    "plots/pic.png": png(),
    "data.json": b'{"a": 1}',
}


def write_hostile_project(root: Path, client: httpx.Client) -> None:
    """Write team/sec (idempotent) and wait until the server lists its runs."""
    if not (root / "runs/team/sec").exists():
        victim = RunWriter(root, "team", "sec", "victim", name="victim", notes=VICTIM_NOTES)
        victim.finish(0)
        attacker = RunWriter(root, "team", "sec", "files", name="files", tags=["evil"])
        for name, content in FILES.items():
            attacker.file(name, content)
        attacker.finish(0)
        slow = RunWriter(root, "team", "sec", "redos", name=REDOS_NAME, tags=["redos"])
        slow.finish(0)
    deadline = time.monotonic() + 15
    while True:
        r = client.get(RUNS)
        if r.status_code == 200 and r.json()["total"] == 3:
            return
        assert time.monotonic() < deadline, r.text
        time.sleep(0.2)


def victim_notes(client: httpx.Client) -> str:
    """The victim run's notes as the server shows them now."""
    r = client.get(f"{RUNS}/victim")
    assert r.status_code == 200, r.text
    return r.json()["notes"]
