"""The blob store's behaviour, the same on a local folder and on an S3-compatible bucket."""

from __future__ import annotations

import base64
import hashlib
import io
import shutil

import pytest

from runbase.blobs import BlobInfo, BlobNotFoundError, key_for
from runbase.errors import Error, UsageError

HELLO_SHA = hashlib.sha256(b"hello").hexdigest()


def test_put_returns_the_sha256_and_size_and_get_returns_the_bytes(store):
    info = store.put(b"hello")
    assert info == BlobInfo(HELLO_SHA, 5, None, True)
    assert store.get(info.sha256) == b"hello"
    assert store.exists(HELLO_SHA)
    assert store.stat(HELLO_SHA) == BlobInfo(HELLO_SHA, 5)
    assert store.size(HELLO_SHA) == 5


def test_md5_is_computed_in_the_same_pass_as_w_and_b_artifact_digests(store, tmp_path):
    # W&B's manifest entry digest of b"hello" (a 5-byte a.txt) is base64(md5).
    assert store.put(b"hello", md5=True).md5 == "XUFAKrxLKna5cZ2REBfFkg=="
    f = tmp_path / "f.bin"
    f.write_bytes(b"abc" * 1000)
    expected = base64.b64encode(hashlib.md5(b"abc" * 1000).digest()).decode()
    assert store.put_file(f, md5=True).md5 == expected
    assert store.put_stream(io.BytesIO(b"abc" * 1000), md5=True).md5 == expected


def test_identical_content_is_stored_once_whichever_way_it_comes(store, tmp_path):
    data = b"same bytes " * 5000
    f = tmp_path / "data.bin"
    f.write_bytes(data)
    first = store.put(data)
    again = [
        store.put(data),
        store.put_file(f),
        store.put_stream(io.BytesIO(data)),
        store.put_stream(data[i : i + 777] for i in range(0, len(data), 777)),
    ]
    assert first.created
    assert {i.sha256 for i in again} == {first.sha256}
    assert [i.created for i in again] == [False] * 4
    assert list(store) == [first.sha256]


def test_the_blob_is_named_by_the_sha256_of_its_bytes(store, tmp_path):
    f = tmp_path / "ckpt.bin"
    f.write_bytes(bytes(range(256)) * 4000)
    info = store.put_file(f)
    assert info.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()
    assert info.size == f.stat().st_size
    assert store.verify(info.sha256)
    assert key_for(info.sha256) == f"sha256/{info.sha256[:2]}/{info.sha256}"


def test_an_empty_blob_is_a_blob(store):
    info = store.put_stream([])
    assert info.sha256 == hashlib.sha256(b"").hexdigest() and info.size == 0
    assert store.get(info.sha256) == b""


def test_reading_in_chunks_as_a_file_and_into_a_path(store, tmp_path):
    data = bytes(range(256)) * 40_000  # 10 MB: more than one chunk
    info = store.put(data)
    assert b"".join(store.chunks(info.sha256, chunk_size=1 << 20)) == data
    with store.open(info.sha256) as f:
        assert f.read(4) == data[:4]
        f.seek(5_000_000)
        assert f.tell() == 5_000_000
        assert f.read(10) == data[5_000_000:5_000_010]
        f.seek(0)
        out = io.BytesIO()
        shutil.copyfileobj(f, out)
    assert out.getvalue() == data
    dest = store.copy_to(info.sha256, tmp_path / "out" / "copy.bin")
    assert dest.read_bytes() == data
    assert sorted(p.name for p in dest.parent.iterdir()) == ["copy.bin"]  # no temp left


def test_listing_gives_every_stored_digest(store):
    digests = {store.put(f"blob {i}".encode()).sha256 for i in range(25)}
    assert set(store) == digests


def test_delete_removes_and_deleting_again_is_not_an_error(store):
    info = store.put(b"to delete")
    store.delete(info.sha256)
    store.delete(info.sha256)
    assert not store.exists(info.sha256)
    assert list(store) == []
    assert store.put(b"to delete").created


def test_a_missing_blob_is_a_clear_not_found_error(store, tmp_path):
    missing = hashlib.sha256(b"never stored").hexdigest()
    for read in (store.get, store.stat, store.open, store.chunks, store.size):
        with pytest.raises(BlobNotFoundError, match=f"no blob {missing} in") as e:
            read(missing)
        assert isinstance(e.value, FileNotFoundError) and isinstance(e.value, Error)
    assert not store.exists(missing)
    with pytest.raises(BlobNotFoundError):
        store.copy_to(missing, tmp_path / "sub" / "out.bin")
    assert not (tmp_path / "sub").exists()


@pytest.mark.parametrize("bad", ["abc", "g" * 64, HELLO_SHA + "0", 42, None, "../" + "a" * 61])
def test_a_name_that_is_not_a_sha256_is_a_usage_error(store, bad):
    with pytest.raises(UsageError, match="64 hex characters"):
        store.get(bad)
    with pytest.raises(UsageError):
        store.exists(bad)


def test_upper_case_digests_name_the_same_blob(store):
    store.put(b"hello")
    assert store.get(HELLO_SHA.upper()) == b"hello"


def test_putting_a_folder_or_a_missing_file_says_so(store, tmp_path):
    with pytest.raises(UsageError, match="it is a folder"):
        store.put_file(tmp_path)
    with pytest.raises(UsageError, match="it is missing"):
        store.put_file(tmp_path / "nope.bin")


def test_a_text_stream_is_a_usage_error_and_stores_nothing(store, backend):
    with pytest.raises(UsageError, match="binary mode"):
        store.put_stream(io.StringIO("text"))
    assert list(store) == []
    assert backend.leftovers() == []


def test_a_failing_source_stores_nothing_and_its_error_comes_through(store, backend):
    def source():
        yield b"x" * (3 << 20)
        raise RuntimeError("the camera disconnected")

    with pytest.raises(RuntimeError, match="camera disconnected"):
        store.put_stream(source())
    assert list(store) == []
    assert backend.leftovers() == []
