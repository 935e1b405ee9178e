"""What only the local folder does: its layout, scratch clean-up, repair, a full disk."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest

from runbase.blobs import open_blob_store


def test_blobs_live_under_sha256_fan_out_folders(tmp_path):
    store = open_blob_store(tmp_path / "b")
    info = store.put(b"hello")
    path = tmp_path / "b" / "sha256" / info.sha256[:2] / info.sha256
    assert path.read_bytes() == b"hello"
    assert store.local_path(info.sha256) == path
    assert store.url(info.sha256) is None and store.upload_url(info.sha256) is None
    assert sorted(p.name for p in (tmp_path / "b" / "tmp").iterdir()) == []
    assert store.location == (tmp_path / "b").as_uri()


def test_the_default_store_is_under_runbase_dir(runbase_dir):
    store = open_blob_store()
    info = store.put(b"x")
    assert (runbase_dir / "blobs" / "sha256" / info.sha256[:2] / info.sha256).exists()


def test_open_gives_a_real_file(tmp_path):
    store = open_blob_store(tmp_path)
    info = store.put(b"0123456789")
    with store.open(info.sha256) as f:
        assert f.fileno() >= 0  # sendfile-able, mmap-able
        f.seek(-3, os.SEEK_END)
        assert f.read() == b"789"


def test_a_damaged_blob_is_replaced_by_the_next_put_of_its_bytes(tmp_path):
    store = open_blob_store(tmp_path)
    info = store.put(b"important bytes")
    store.local_path(info.sha256).write_bytes(b"import")  # a disk that lost the tail
    assert not store.verify(info.sha256)
    assert store.put(b"important bytes").created
    assert store.get(info.sha256) == b"important bytes"


def test_copy_to_refuses_a_damaged_blob_and_leaves_no_file(tmp_path):
    from runbase.blobs import BlobCorruptError

    store = open_blob_store(tmp_path / "b")
    info = store.put(b"abcdef")
    store.local_path(info.sha256).write_bytes(b"abcdeX")
    with pytest.raises(BlobCorruptError, match="is damaged"):
        store.copy_to(info.sha256, tmp_path / "out.bin")
    assert not (tmp_path / "out.bin").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["b"]


def test_clean_temp_removes_only_old_debris(tmp_path):
    store = open_blob_store(tmp_path)
    old = tmp_path / "tmp" / "dead-put#1"
    old.write_bytes(b"partial")
    os.utime(old, (1, 1))
    fresh = tmp_path / "tmp" / "live-put"
    fresh.write_bytes(b"in progress")
    assert store.clean_temp(older_than=timedelta(hours=1)) == 1
    assert sorted(p.name for p in (tmp_path / "tmp").iterdir()) == ["live-put"]


def test_an_unwritable_blob_folder_is_a_clear_error(tmp_path):
    from runbase.blobs import BlobError

    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(BlobError, match="cannot create the blob folder|not a directory"):
        open_blob_store(tmp_path / "file" / "blobs")


def _tmpfs_child(mount: str, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a private mount namespace where ``mount`` is a 2 MiB tmpfs."""
    mount_cmd = ["unshare", "-Urm", "sh", "-c", f"mount -t tmpfs -o size=2m tmpfs {mount}"]
    if not shutil.which("unshare") or subprocess.run(mount_cmd, capture_output=True).returncode:
        pytest.skip("cannot make a small disk here (unshare -Urm + mount tmpfs not allowed)")
    script = f'mount -t tmpfs -o size=2m tmpfs {mount} && exec {sys.executable} -c "$0"'
    return subprocess.run(
        ["unshare", "-Urm", "sh", "-c", script, textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_full_disk_is_a_clear_error_and_leaves_no_partial_blob(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    code = f"""
        import os
        from runbase.blobs import BlobStoreFullError, open_blob_store
        store = open_blob_store({str(mount / "blobs")!r})
        small = store.put(b"fits")
        for put in (lambda: store.put(os.urandom(3 << 20)),
                    lambda: store.put_stream(os.urandom(1 << 20) for _ in range(3))):
            try:
                put()
                raise SystemExit("a 3 MiB put fitted on a 2 MiB disk")
            except BlobStoreFullError as e:
                print("FULL:", e)
        assert list(store) == [small.sha256], list(store)
        assert os.listdir({str(mount / "blobs" / "tmp")!r}) == []
        assert store.put(b"still works").created
        print("OK")
    """
    proc = _tmpfs_child(str(mount), code)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("FULL: no space left for blobs in file://") == 2
    assert "free some space" in proc.stdout


def test_a_full_disk_during_copy_to_is_a_clear_error(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    store = open_blob_store(tmp_path / "blobs")
    big = store.put(os.urandom(3 << 20))
    code = f"""
        from runbase.blobs import BlobStoreFullError, open_blob_store
        store = open_blob_store({str(tmp_path / "blobs")!r})
        try:
            store.copy_to({big.sha256!r}, {str(mount / "out.bin")!r})
        except BlobStoreFullError as e:
            print("FULL:", e)
        import os
        print("LEFT:", os.listdir({str(mount)!r}))
    """
    proc = _tmpfs_child(str(mount), code)
    assert "FULL: no space left on device while writing" in proc.stdout, proc.stderr
    assert "LEFT: []" in proc.stdout


def test_sha256sum_checks_a_blob_by_hand(tmp_path):
    store = open_blob_store(tmp_path)
    info = store.put(b"by hand")
    path = store.local_path(info.sha256)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name
