"""Versions, aliases, digests and dedup, as a W&B user sees them."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

import runbase as wandb
from runbase.records import Kind
from runbase.records.reader import read_segment
from tests.artifacts.conftest import QUIET, blob_count, write_tree


def _md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def test_digest_follows_wandbs_manifest_rule(here: Path) -> None:
    write_tree(here / "d", {"a.txt": "hello", "sub/b.txt": "world"})
    art = wandb.Artifact("ds", type="dataset")
    art.add_dir(here / "d")
    lines = f"a.txt:{_md5(b'hello')}\nsub/b.txt:{_md5(b'world')}\n"
    expected = hashlib.md5(b"wandb-artifact-manifest-v1\n" + lines.encode()).hexdigest()
    assert art.digest == expected
    assert art.get_entry("a.txt").digest == "XUFAKrxLKna5cZ2REBfFkg=="  # as W&B 0.31 wrote it


def test_versions_aliases_and_identical_content(run, here: Path) -> None:
    (here / "a.txt").write_text("one")
    first = run.log_artifact(str(here / "a.txt"), name="data", type="dataset", aliases=["best"])
    assert (first.version, sorted(first.aliases)) == ("v0", ["best", "latest"])
    (here / "a.txt").write_text("two")
    second = run.log_artifact(str(here / "a.txt"), name="data", type="dataset")
    assert (second.name, second.aliases) == ("data:v1", ["latest"])
    again = wandb.Artifact("data", "dataset")
    again.add_file(here / "a.txt")
    assert run.log_artifact(again).version == "v1"  # identical content: the same version
    api = wandb.Api()
    assert api.artifact("p/data:latest").version == "v1"
    assert api.artifact("p/data:best").version == "v0"
    assert [a.version for a in api.artifacts("dataset", "p/data")] == ["v0", "v1"]
    v0 = api.artifact("p/data:v0")
    v0.aliases.append("prod")
    v0.aliases.remove("best")
    v0.save()
    assert api.artifact("p/data:prod").version == "v0"
    with pytest.raises(wandb.Error, match="no version 'best'"):
        api.artifact("p/data:best")


def test_a_name_holds_one_type(run, here: Path) -> None:
    (here / "a.txt").write_text("x")
    run.log_artifact(str(here / "a.txt"), name="thing", type="dataset")
    with pytest.raises(wandb.Error, match="has type 'dataset', not 'model'"):
        run.log_artifact(str(here / "a.txt"), name="thing", type="model")


def test_checkpoints_store_each_changed_file_once(run, runbase_dir: Path, here: Path) -> None:
    files = {f"layer{i}.bin": bytes([i]) * 1000 for i in range(20)}
    for step in range(10):
        files["layer0.bin"] = f"step {step}".encode() * 100
        write_tree(here / "ckpt", files)
        art = wandb.Artifact("model", type="model")
        art.add_dir(here / "ckpt")
        run.log_artifact(art)
    assert art.version == "v9"
    assert blob_count(runbase_dir) == 20 + 9  # not 200


def test_lineage_records_and_files(run, runbase_dir: Path, here: Path) -> None:
    import runbase

    (here / "a.txt").write_text("x")
    run.log_artifact(str(here / "a.txt"), name="data", type="dataset")
    run.finish()
    reader = runbase.init(project="p", settings=QUIET)
    used = reader.use_artifact("data:v0")
    assert used.logged_by().id == run.id
    assert [r.id for r in used.used_by()] == [reader.id]
    reader.finish()
    kinds = {}
    for r in (run, reader):
        seg_dir = runbase_dir / "runs" / r.entity / "p" / r.id / "segments"
        for seg in seg_dir.iterdir():
            for f in read_segment(seg, final=True).frames:
                kinds.setdefault(r.id, []).append((f.kind, f.payload))
    logged = [p for k, p in kinds[run.id] if k == Kind.ARTIFACT_LOGGED]
    assert logged == [
        {
            "entity": run.entity,
            "project": "p",
            "name": "data",
            "version": 0,
            "type": "dataset",
            "digest": used.digest,
            "aliases": ["latest"],
        }
    ]
    assert [p["name"] for k, p in kinds[reader.id] if k == Kind.ARTIFACT_USED] == ["data"]
    api = runbase.Api()
    assert [a.name for a in api.run(f"p/{run.id}").logged_artifacts()] == ["data:v0"]
    assert [a.name for a in api.run(f"p/{reader.id}").used_artifacts()] == ["data:v0"]
    assert api.artifact("p/data:v0").logged_by().id == run.id


def test_use_artifact_of_a_missing_name(run) -> None:
    with pytest.raises(wandb.Error, match="no artifact .*/p/nope: log it first"):
        run.use_artifact("nope:latest")
    with pytest.raises(LookupError):
        run.use_artifact("nope:v3")


def test_incremental_and_delete(run, here: Path) -> None:
    write_tree(here, {"a.txt": "a", "b.txt": "b"})
    base = wandb.Artifact("inc", "dataset")
    base.add_file(here / "a.txt")
    run.log_artifact(base)
    more = wandb.Artifact("inc", "dataset", incremental=True)
    more.add_file(here / "b.txt")
    run.log_artifact(more, aliases=["keep"])
    assert sorted(e.path for e in more.files()) == ["a.txt", "b.txt"]
    with pytest.raises(wandb.Error, match="delete_aliases=True"):
        more.delete()
    wandb.Api().artifact("p/inc:v1").delete(delete_aliases=True)
    assert wandb.Api().artifact("p/inc:latest").version == "v0"


def test_collections_and_models(run, here: Path) -> None:
    (here / "w.pt").write_bytes(b"weights")
    model = run.log_model(str(here / "w.pt"), name="net")
    linked = run.link_model(str(here / "w.pt"), "resnet", name="net")
    assert (model.type, linked.qualified_name.split("/")[1:]) == (
        "model",
        ["model-registry", "resnet:v0"],
    )
    path = run.use_model("net:latest")
    assert (Path(path) / "w.pt").read_bytes() == b"weights"
    api = wandb.Api()
    assert [c.name for c in api.artifact_collections("p", "model")] == ["net"]
    assert api.artifact_exists("p/net:v0") and not api.artifact_exists("p/net:v9")
