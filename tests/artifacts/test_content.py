"""What goes into an artifact and comes back out: files, objects, references, downloads."""

from __future__ import annotations

import http.server
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import runbase as wandb
from runbase.sdk.artifacts import ArtifactReferenceError
from tests.artifacts.conftest import write_tree


def test_files_objects_and_download(run, runbase_dir: Path, here: Path) -> None:
    write_tree(here / "d", {"a.txt": "hello", "sub/b.txt": "world"})
    art = wandb.Artifact("ds", type="dataset", description="demo", metadata={"rows": 2})
    art.add_dir(here / "d")
    art.add_file(here / "d" / "a.txt", name="copies/a.txt")
    with art.new_file("notes.md") as f:
        f.write("# notes")
    art.add(wandb.Table(columns=["x", "y"], data=[[1, "a"], [2, "b"]]), "table")
    art.remove("copies")
    with pytest.raises(wandb.Error, match="already has a file 'a.txt'"):
        art.add_file(here / "d" / "a.txt")
    run.log_artifact(art)
    back = wandb.Api().artifact("p/ds:v0", type="dataset")
    assert [e.path for e in back.files()] == ["a.txt", "notes.md", "sub/b.txt", "table.table.json"]
    assert back.metadata == {"rows": 2} and back.description == "demo"
    assert back.get("table").data == [[1, "a"], [2, "b"]]
    root = Path(back.download())
    assert root == Path("artifacts/ds:v0")
    assert (root / "sub/b.txt").read_text() == "world"
    blob = runbase_dir / "blobs" / "sha256"
    assert os.stat(root / "a.txt").st_nlink == 2  # a hard link to the blob: no copy
    assert any(p.samefile(root / "a.txt") for p in blob.rglob("*") if p.is_file())
    back.verify(root)
    copied = Path(back.download(here / "copy", copy=True))
    assert os.stat(copied / "a.txt").st_nlink == 1
    (copied / "extra.txt").write_text("x")
    with pytest.raises(ValueError, match="not in the artifact: extra.txt"):
        back.verify(copied)
    back.checkout(copied)
    back.verify(copied)
    with pytest.raises(wandb.Error, match="is logged and its files cannot change"):
        back.add_file(here / "d" / "a.txt")


def test_missing_file_and_bad_names(here: Path) -> None:
    art = wandb.Artifact("ds", type="dataset")
    with pytest.raises(wandb.Error, match="no such file"):
        art.add_file(here / "missing.bin")
    with pytest.raises(wandb.Error, match="not allowed"):
        wandb.Artifact("a/b", type="dataset")
    with pytest.raises(wandb.Error, match="cannot name a file"):
        with art.new_file("../escape.txt") as f:
            f.write("x")


def test_a_file_changing_while_hashed_is_not_added(here: Path) -> None:
    big = here / "big.bin"
    big.write_bytes(os.urandom(1 << 20) * 48)
    stop = threading.Event()

    def touch() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            os.utime(big, ns=(n, n))

    toucher = threading.Thread(target=touch)
    toucher.start()
    try:
        art = wandb.Artifact("ds", type="dataset")
        with pytest.raises(wandb.Error, match="changed while it was being added"):
            art.add_file(big)
    finally:
        stop.set()
        toucher.join()
    assert art.files() == []


def test_the_digest_cache_reads_no_unchanged_file(here: Path) -> None:
    f = here / "w.bin"
    f.write_bytes(b"A" * 100)
    first = wandb.Artifact("m", "model").add_file(f)
    st = f.stat()
    f.write_bytes(b"B" * 100)  # same size; the time set back: W&B's cache sees no change
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert wandb.Artifact("m", "model").add_file(f).digest == first.digest
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert wandb.Artifact("m", "model").add_file(f).digest != first.digest


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b"remote bytes"

    def _head(self) -> None:
        self.send_response(200 if self.path == "/data.csv" else 404)
        self.send_header("ETag", '"etag-1"')
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()

    def do_HEAD(self) -> None:  # noqa: N802
        self._head()

    def do_GET(self) -> None:  # noqa: N802
        self._head()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_references(run, here: Path, server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(here / "ext", {"a.txt": "hello", "b/c.txt": "c"})
    art = wandb.Artifact("refs", type="dataset")
    art.add_reference((here / "ext").as_uri(), name="local")
    [web] = art.add_reference(f"{server}/data.csv")
    assert (web.digest, web.size) == ("etag-1", 12)
    with pytest.raises(ArtifactReferenceError, match="cannot reach .*checksum=False"):
        art.add_reference("http://127.0.0.1:9/nothing.csv")
    with pytest.raises(ArtifactReferenceError, match="answered 404"):
        art.add_reference(f"{server}/missing")
    [unchecked] = art.add_reference("http://127.0.0.1:9/x.csv", checksum=False)
    assert unchecked.digest == "http://127.0.0.1:9/x.csv"
    run.log_artifact(art)
    assert art.get_entry("local/a.txt").digest == "XUFAKrxLKna5cZ2REBfFkg=="
    monkeypatch.setenv("RUNBASE_CACHE_DIR", str(here / "cache"))
    root = Path(art.download(here / "out", allow_missing_references=True))
    assert (root / "data.csv").read_bytes() == b"remote bytes"
    assert (root / "local/b/c.txt").read_text() == "c"
    assert len(list((here / "cache" / "artifacts").iterdir())) == 1
    with pytest.raises(ArtifactReferenceError, match="x.csv"):
        art.download(here / "out2")


def test_the_download_cache_keeps_to_its_limit(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from runbase.sdk.artifacts import cache

    monkeypatch.setenv("RUNBASE_CACHE_DIR", str(here / "cache"))
    monkeypatch.setenv("RUNBASE_CACHE_MAX_BYTES", "250")
    made: list[str] = []

    def fetch(key: str) -> Path:
        time.sleep(0.05)  # file times tick in steps of a few ms
        return cache.fetch(key, lambda: made.append(key) or [b"x" * 100])

    first, second = fetch("k0"), fetch("k1")
    assert fetch("k0") == first and made == ["k0", "k1"]  # a hit: used again, not fetched
    third = fetch("k2")  # 300 bytes > 250: the least recently used goes
    assert sorted((here / "cache" / "artifacts").iterdir()) == sorted([first, third])
    assert not second.exists()


def test_a_large_file_hashed_on_two_threads_has_the_same_digests(here: Path) -> None:
    import base64
    import hashlib

    from runbase.sdk.artifacts import ingest

    data = os.urandom(ingest.SPLIT_MIN + 12345)
    (here / "big.bin").write_bytes(data)
    split = ingest.store_file(here / "a", here / "big.bin", os.stat(here / "big.bin"), split=True)
    plain = ingest.store_file(here / "b", here / "big.bin", os.stat(here / "big.bin"))
    assert split == plain
    assert split.sha256 == hashlib.sha256(data).hexdigest()
    assert split.md5 == base64.b64encode(hashlib.md5(data).digest()).decode()
    assert split.size == len(data)
