"""s3:// references against a real S3 API: moto's server on a loopback port (HTTP, not
the in-process mock), reached by the same client code a user's bucket would be."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runbase.sdk.artifacts.errors import ArtifactReferenceError
from tests.artifacts.conftest import blob_count

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "runbase-test",
    "AWS_SECRET_ACCESS_KEY": "runbase-test-secret",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    server_mod = pytest.importorskip("moto.server", reason="pip install -e '.[test]'")
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_server: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A boto3 client of the server, with the AWS_* variables runbase reads set for it."""
    boto3 = pytest.importorskip("boto3")
    for key, value in {**CREDENTIALS, "AWS_ENDPOINT_URL": s3_server}.items():
        monkeypatch.setenv(key, value)
    return boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")


def test_prefix_reference_records_etags_and_versions_without_copying(
    s3: Any, run: Any, here: Path, runbase_dir: Path
) -> None:
    import runbase

    s3.create_bucket(Bucket="data")
    s3.put_bucket_versioning(Bucket="data", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="data", Key="ds/train.csv", Body=b"a,b\n1,2\n")
    s3.put_object(Bucket="data", Key="ds/sub/val.csv", Body=b"a,b\n3,4\n")
    s3.put_object(Bucket="data", Key="other.txt", Body=b"not under the prefix")
    blobs_before = blob_count(runbase_dir)

    art = runbase.Artifact("remote", type="dataset")
    art.add_reference("s3://data/ds")
    art.add_reference("s3://data/other.txt", name="extra/other.txt")
    run.log_artifact(art)

    got = runbase.Api().artifact("p/remote:latest")
    manifest = got.manifest
    assert sorted(manifest) == ["extra/other.txt", "sub/val.csv", "train.csv"]
    head = s3.head_object(Bucket="data", Key="ds/train.csv")
    train = manifest["train.csv"]
    assert train.ref == "s3://data/ds/train.csv"
    assert train.digest == head["ETag"].strip('"')
    assert train.size == 8
    assert train.extra["versionID"] == head["VersionId"]
    assert all(e.sha256 is None for e in manifest.values())  # recorded, not copied
    assert blob_count(runbase_dir) == blobs_before

    # The object changes after logging: the version still downloads the bytes it recorded.
    s3.put_object(Bucket="data", Key="ds/train.csv", Body=b"a,b\nchanged\n")
    out = Path(got.download(here / "dl"))
    assert (out / "train.csv").read_bytes() == b"a,b\n1,2\n"
    assert (out / "sub" / "val.csv").read_bytes() == b"a,b\n3,4\n"
    assert (out / "extra" / "other.txt").read_bytes() == b"not under the prefix"
    assert Path(got.get_entry("sub/val.csv").download(here / "one")).read_bytes() == b"a,b\n3,4\n"


def test_s3_reference_faults_name_the_uri(s3: Any, run: Any) -> None:
    import runbase

    s3.create_bucket(Bucket="faults")
    s3.put_object(Bucket="faults", Key="k.bin", Body=b"x" * 10)
    art = runbase.Artifact("faulty", type="dataset")
    with pytest.raises(ArtifactReferenceError, match="s3://faults/nothing-here"):
        art.add_reference("s3://faults/nothing-here")
    with pytest.raises(ArtifactReferenceError, match="s3://no-such-bucket/k"):
        art.add_reference("s3://no-such-bucket/k")
    s3.put_object(Bucket="faults", Key="gone.bin", Body=b"y" * 10)
    [entry] = art.add_reference("s3://faults/k.bin")
    assert entry.size == 10
    art.add_reference("s3://faults/gone.bin")
    run.log_artifact(art)
    got = runbase.Api().artifact("p/faulty:latest")
    # Unversioned objects: one overwritten since logging is refused, not read as logged.
    s3.put_object(Bucket="faults", Key="k.bin", Body=b"other bytes")
    with pytest.raises(ArtifactReferenceError, match="s3://faults/k.bin.*ETag"):
        got.download("out", path_prefix="k.bin")
    s3.delete_object(Bucket="faults", Key="gone.bin")
    with pytest.raises(ArtifactReferenceError, match="s3://faults/gone.bin"):
        got.download("out", path_prefix="gone.bin")
    assert not Path("out/k.bin").exists() and not Path("out/gone.bin").exists()
