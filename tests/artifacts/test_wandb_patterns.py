"""The artifact patterns of W&B's documentation (Artifacts guide: create, add files,
download and use, update, aliases, delete, TTL, incremental, lineage, tables, models,
``files()``), written as W&B's pages write them, run with ``import runbase as wandb``
and read back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

import runbase as wandb
from tests.artifacts.conftest import QUIET, write_tree


@pytest.fixture
def data(here: Path) -> Path:
    write_tree(
        here,
        {
            "dataset.h5": b"\x89HDF fake",
            "path/file.format": "x,y\n1,2\n",
            "path/to/directory/a.txt": "a",
            "path/to/directory/images/bikes/bike.png": b"\x89PNG bike",
            "model.h5": b"weights",
            "file_to_add.txt": "new",
        },
    )
    return here


def test_create_add_and_save_without_log_artifact(data: Path) -> None:
    # "Construct an artifact": save() inside a run logs the draft through that run.
    run = wandb.init(project="artifacts-example", job_type="add-dataset", settings=QUIET)
    artifact = wandb.Artifact(name="example_artifact", type="dataset")
    artifact.add_file(local_path="./dataset.h5", name="training_dataset")
    artifact.save()
    run.finish()
    # Without a run, save() makes one of job type "auto" for it.
    other = wandb.Artifact(name="other_artifact", type="dataset")
    other.add_dir(local_path="path/to/directory", name="destination")
    other.save(project="artifacts-example")
    api = wandb.Api()
    back = api.artifact("artifacts-example/example_artifact:latest")
    assert [f.name for f in back.files()] == ["training_dataset"]
    assert back.logged_by().id == run.id
    saved = api.artifact("artifacts-example/other_artifact:v0")
    assert sorted(f.name for f in saved.files()) == [
        "destination/a.txt",
        "destination/images/bikes/bike.png",
    ]
    assert saved.logged_by().job_type == "auto"


def test_add_files_download_and_partial_download(data: Path) -> None:
    with wandb.init(project="bikes", settings=QUIET) as run:
        artifact = wandb.Artifact("bike-dataset", type="dataset")
        artifact.add_file(local_path="path/file.format")
        artifact.add_dir(local_path="path/to/directory")
        with artifact.new_file("hello.txt", mode="w") as f:
            f.write("hello!")
        run.log_artifact(artifact, aliases=["latest", "best-ap50"])

    run = wandb.init(project="bikes", job_type="train", settings=QUIET)
    artifact = run.use_artifact("bike-dataset:latest")
    datadir = artifact.download()
    assert Path(datadir, "hello.txt").read_text() == "hello!"
    assert Path(datadir, "file.format").read_text() == "x,y\n1,2\n"
    artifact.get_entry("images/bikes/bike.png").download(root="one")
    assert Path("one/images/bikes/bike.png").read_bytes() == b"\x89PNG bike"
    part = artifact.download(root="part", path_prefix="images/bikes/")
    assert [p.name for p in Path(part).rglob("*") if p.is_file()] == ["bike.png"]
    run.finish()

    api = wandb.Api()
    artifact = api.artifact("bikes/bike-dataset:best-ap50")
    assert artifact.version == "v0" and "best-ap50" in artifact.aliases
    for f in artifact.files():  # W&B's File objects
        assert f.size > 0 and f.md5 == f.digest
    [hello] = artifact.files(names=["hello.txt"])
    with hello.download(root="files") as fh:
        assert fh.read() == "hello!"
    with pytest.raises(ValueError, match="exist_ok=True"):
        hello.download(root="files")
    assert hello.download(root="files", exist_ok=True).read() == "hello!"


def test_update_aliases_ttl_and_delete(data: Path) -> None:
    with wandb.init(project="upd", settings=QUIET) as run:
        for i in range(3):
            Path("model.h5").write_bytes(b"weights %d" % i)
            art = wandb.Artifact("my-model", type="model")
            art.add_file("model.h5")
            run.log_artifact(art)
    api = wandb.Api()
    artifact = api.artifact("upd/my-model:v0")
    artifact.description = "My new description"
    artifact.metadata["oldKey"] = "new value"
    artifact.aliases.append("best")
    artifact.ttl = timedelta(days=30)
    artifact.save()
    again = api.artifact("upd/my-model:best")
    assert again.version == "v0" and again.description == "My new description"
    assert again.metadata == {"oldKey": "new value"}
    assert again.ttl == timedelta(days=30)

    api.artifact("upd/my-model:v1").delete()
    with pytest.raises(wandb.Error):
        api.artifact("upd/my-model:best").delete()  # has an alias: say so
    api.artifact("upd/my-model:best").delete(delete_aliases=True)
    versions = api.artifacts(type_name="model", name="upd/my-model")
    assert [v.version for v in versions] == ["v2"]
    collection = api.artifact_collection(type_name="model", name="upd/my-model")
    assert [a.version for a in collection.artifacts()] == ["v2"]


def test_incremental_lineage_tables_and_models(data: Path) -> None:
    with wandb.init(project="inc", settings=QUIET) as run:
        art = wandb.Artifact("my_artifact", type="dataset")
        art.add_dir("path/to/directory", name="dir_to_remove")
        art.add_file("path/file.format")
        table = wandb.Table(columns=["a", "b"], data=[[1, "x"]])
        art.add(table, "my_table")
        run.log_artifact(art)
    with wandb.init(project="inc", job_type="update", settings=QUIET) as run:
        saved_artifact = run.use_artifact("my_artifact:latest")
        draft_artifact = saved_artifact.new_draft()
        draft_artifact.add_file("file_to_add.txt")
        draft_artifact.remove("dir_to_remove/")
        run.log_artifact(draft_artifact)
        assert draft_artifact.version == "v1"
        table = run.use_artifact("my_artifact:v1").get("my_table")
        assert table.data == [[1, "x"]]
        run.log_model(path="./model.h5", name="my-model", aliases=["staging"])
        downloaded_model_path = run.use_model(name="my-model:latest")
        assert Path(downloaded_model_path, "model.h5").read_bytes() == b"weights"
        run.link_model(path="./model.h5", registered_model_name="my-registered-model")
        updater = run.id
    api = wandb.Api()
    v1 = api.artifact("inc/my_artifact:v1")
    assert sorted(f.name for f in v1.files()) == [
        "file.format",
        "file_to_add.txt",
        "my_table.table.json",
    ]
    assert v1.logged_by().id == updater
    assert [r.id for r in api.artifact("inc/my_artifact:v0").used_by()] == [updater]
    run_api = api.run(f"inc/{updater}")
    assert {a.name for a in run_api.logged_artifacts()} >= {"my_artifact:v1", "my-model:v0"}
    assert "my_artifact:v0" in {a.name for a in run_api.used_artifacts()}
    assert api.artifact("model-registry/my-registered-model:latest", type="model").type == "model"


def test_the_module_level_calls_after_init(data: Path) -> None:
    with pytest.raises(wandb.Error, match=r"call runbase.init\(\) before runbase.log_artifact"):
        wandb.log_artifact("dataset.h5", name="raw", type="dataset")
    wandb.init(project="glob", settings=QUIET)
    wandb.log_artifact("dataset.h5", name="raw", type="dataset")
    assert wandb.use_artifact("raw:latest").version == "v0"
    wandb.log_model("model.h5", name="net")
    assert Path(wandb.use_model("net:latest"), "model.h5").read_bytes() == b"weights"
    wandb.link_model("model.h5", "registered-net")
    wandb.finish()
    with pytest.raises(wandb.Error, match="before runbase.use_artifact"):
        wandb.use_artifact("raw:latest")
