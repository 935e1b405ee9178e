"""Blob puts across real processes: killed mid-put, huge streams, two writers at once."""

from __future__ import annotations

import hashlib
import os
import signal
import time

from blob_helpers import child_factory, finish, pattern_chunks

SIZES_MIB = {"local": 256, "s3": 128}  # moto's server is slow; 128 MiB is 16 parts
MAX_GROWTH_MIB = 64


def _write(path, n_mib: int, seed: int = 0):
    with open(path, "wb") as f:
        for chunk in pattern_chunks(n_mib, seed):
            f.write(chunk)
    return path


def _sha_of_pattern(n_mib: int, seed: int = 0) -> str:
    h = hashlib.sha256()
    for chunk in pattern_chunks(n_mib, seed):
        h.update(chunk)
    return h.hexdigest()


def test_a_put_killed_midway_leaves_no_blob_and_the_next_put_works(backend, child, tmp_path):
    n = SIZES_MIB[backend.kind]
    big = _write(tmp_path / "big.bin", n, seed=1)
    proc = child("store.put_file(sys.argv[2])\nprint('done', flush=True)\n", str(big))
    deadline = time.monotonic() + 120
    while not backend.puts_in_flight():
        assert proc.poll() is None, f"the put ended before it could be killed: {proc.stderr.read()}"
        assert time.monotonic() < deadline, "the put never started"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    store = backend.open()
    digest = _sha_of_pattern(n, seed=1)
    assert not store.exists(digest)
    assert list(store) == []
    info = store.put_file(big)
    assert (info.sha256, info.size, info.created) == (digest, n << 20, True)
    assert store.verify(digest)


def test_a_local_put_killed_mid_stream_leaves_only_temp_debris(local_backend, tmp_path):
    start = child_factory(local_backend, tmp_path)
    source = """
        def frames():
            for i in range(4):
                yield bytes([i]) * (3 << 20)
            print("streaming", flush=True)
            time.sleep(600)  # the camera hangs; the test kills us here
        store.put_stream(frames())
    """
    proc = start(source)
    assert proc.stdout.readline().strip() == "streaming"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    store = local_backend.open()
    assert list(store) == []
    assert not any((store.root / "sha256").rglob("*"))
    assert local_backend.leftovers() != []  # the dead put's partial temp file
    assert store.clean_temp(older_than=__import__("datetime").timedelta(0)) >= 1
    assert local_backend.leftovers() == []


def test_a_huge_stream_is_stored_with_bounded_memory(backend, child):
    n = SIZES_MIB[backend.kind]
    source = """
        def rss_mib():
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        store.put(b"warm up")
        before = rss_mib()
        n = int(sys.argv[2])
        chunks = ((i.to_bytes(8, "little") * (1 << 17)) for i in range(n))
        report(store.put_stream(chunks), growth=rss_mib() - before)
    """
    out = finish(child(source, str(n)))
    assert out["size"] == n << 20
    assert out["sha256"] == _sha_of_pattern(n)
    assert out["growth"] < MAX_GROWTH_MIB, out
    assert backend.open().verify(out["sha256"])


def test_a_huge_file_is_stored_with_bounded_memory(backend, child, tmp_path):
    n = SIZES_MIB[backend.kind]
    big = _write(tmp_path / "big.bin", n, seed=2)
    source = """
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        info = store.put_file(sys.argv[2])
        report(info, growth=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024 - before)
    """
    out = finish(child(source, str(big)))
    assert out["sha256"] == _sha_of_pattern(n, seed=2)
    assert out["growth"] < MAX_GROWTH_MIB + 16, out  # + obstore's first load
    dest = backend.open().copy_to(out["sha256"], tmp_path / "back.bin")
    assert dest.stat().st_size == n << 20


def test_two_processes_putting_the_same_bytes_store_one_blob(backend, child, tmp_path):
    data = _write(tmp_path / "same.bin", 32, seed=3)
    go = tmp_path / "go"
    source = """
        while not os.path.exists(sys.argv[3]):
            time.sleep(0.001)
        report(store.put_file(sys.argv[2]))
    """
    procs = [child(source, str(data), str(go)) for _ in range(2)]
    time.sleep(1.0)  # both children have imported and opened the store
    go.write_text("go")
    results = [finish(p) for p in procs]

    digest = _sha_of_pattern(32, seed=3)
    assert {r["sha256"] for r in results} == {digest}
    store = backend.open()
    assert list(store) == [digest]
    assert store.verify(digest)
    assert backend.leftovers() == []
    created = [r["created"] for r in results]
    if backend.kind == "local":
        assert sorted(created) == [False, True]  # exactly one rename wins
    else:
        assert True in created  # a bucket cannot tell two racing uploads apart


def test_many_processes_putting_different_blobs_lose_none(backend, child):
    source = """
        for i in range(20):
            store.put(f"{sys.argv[2]}-{i}".encode() * 1000)
        print(json.dumps({"ok": True}))
    """
    procs = [child(source, f"writer{w}") for w in range(3)]
    for p in procs:
        finish(p)
    assert len(set(backend.open())) == 60
