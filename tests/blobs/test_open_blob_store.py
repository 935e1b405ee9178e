"""open_blob_store: which locations it accepts, what it says about the rest, and its cost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from runbase.blobs import LocalBlobStore, S3BlobStore, open_blob_store
from runbase.errors import UsageError


def test_a_path_a_string_and_a_file_url_open_the_same_local_folder(tmp_path):
    stores = [
        open_blob_store(tmp_path / "b"),
        open_blob_store(str(tmp_path / "b")),
        open_blob_store((tmp_path / "b").as_uri()),
    ]
    assert all(isinstance(s, LocalBlobStore) for s in stores)
    info = stores[0].put(b"shared")
    assert all(s.get(info.sha256) == b"shared" for s in stores)


def test_a_relative_path_is_taken_from_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = open_blob_store("rel/blobs")
    assert store.root == tmp_path / "rel" / "blobs"


def test_an_s3_url_opens_a_bucket_store_without_touching_the_network(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    store = open_blob_store("s3://my-bucket/some/prefix/")
    assert isinstance(store, S3BlobStore)
    assert store.location == "s3://my-bucket/some/prefix"
    assert store.endpoint == "http://127.0.0.1:9"


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("gs://bucket/x", "unsupported blob store 'gs://bucket/x'"),
        ("http://host/x", "use a folder path, file:///folder, or s3://bucket/prefix"),
        ("s3://", "does not name a bucket"),
        ("s3:///prefix-only", "does not name a bucket"),
        ("s3://Bad_Bucket/x", "3-63 lower-case letters"),
        ("file://otherhost/x", "a file:// URL names a local folder"),
        ("", "a blob store location must be"),
        ("   ", "a blob store location must be"),
    ],
)
def test_a_bad_location_is_a_usage_error_that_shows_the_accepted_forms(location, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        open_blob_store(location)


def test_an_unknown_s3_option_is_a_usage_error():
    with pytest.raises(UsageError, match="cannot open blob store s3://bkt: .*'colour'"):
        open_blob_store("s3://bkt", options={"colour": "blue"})


def _modules_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_import_runbase_does_not_load_the_blob_store():
    loaded = _modules_after("import runbase")
    assert [m for m in loaded if m.startswith(("runbase.blobs", "obstore"))] == []


def test_import_runbase_blobs_loads_no_object_store_library_until_a_store_opens(tmp_path):
    loaded = _modules_after("import runbase.blobs")
    assert "runbase.blobs" in loaded
    assert [m for m in loaded if m.startswith("obstore")] == []
    loaded = _modules_after(
        f"import runbase.blobs\nrunbase.blobs.open_blob_store({str(tmp_path)!r})"
    )
    assert "obstore" in loaded


def test_the_docs_example_runs(tmp_path):
    repo = Path(__file__).parents[2]
    example = (repo / "docs" / "blobs.md").read_text().split("```python\n", 1)[1].split("```")[0]
    path = os.pathsep.join([str(repo / "src"), os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, RUNBASE_DIR=str(tmp_path / "rb"), PYTHONPATH=path)
    proc = subprocess.run(
        [sys.executable, "-c", example], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "rb" / "blobs" / "sha256").is_dir()
