"""Retention, gc and the ``runbase artifact`` commands, on a real store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import runbase as wandb
from runbase.cli.main import main
from runbase.records.layout import blob_path
from tests.artifacts.conftest import blob_count, write_tree


def _log_versions(run, here: Path, n: int) -> list[wandb.Artifact]:
    out = []
    for i in range(n):
        write_tree(here / "ckpt", {"shared.bin": "same in all", "step.bin": f"step {i}" * 100})
        art = wandb.Artifact("ckpt", "model")
        art.add_dir(here / "ckpt")
        out.append(run.log_artifact(art, aliases=["best"] if i == 1 else []))
    return out


def test_gc_keeps_what_remaining_versions_and_media_need(
    run, runbase_dir: Path, here: Path
) -> None:
    arts = _log_versions(run, here, 5)
    # v2's step file is also a run's media file (a hard link to the same blob)
    media = here / "media-link.bin"
    os.link(blob_path(runbase_dir, arts[2].get_entry("step.bin").sha256), media)
    coll = wandb.Api().artifact_collection("model", "p/ckpt")
    coll.set_retention(keep_last=2)
    assert blob_count(runbase_dir) == 6
    result = CliRunner().invoke(main, ["artifact", "gc", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would be removed" in result.output and blob_count(runbase_dir) == 6
    result = CliRunner().invoke(main, ["artifact", "gc"])
    assert result.exit_code == 0, result.output
    # kept: v4 (latest), v3 (last 2), v1 (aliased 'best'); removed v0 and v2
    assert [a.version for a in coll.versions()] == ["v1", "v3", "v4"]
    assert (
        "2 versions, 1 blobs, 600 bytes freed (1 blobs kept: other files link to them)"
        in result.output
    )
    assert media.read_bytes() == (b"step 2" * 100)
    for a in coll.versions():
        a.download(here / a.version)
        a.verify(here / a.version)
    write_tree(here / "ckpt", {"shared.bin": "same in all", "step.bin": "new"})
    assert run.log_artifact(str(here / "ckpt"), name="ckpt", type="model").version == "v5"


def test_ttl_expires_versions(run, runbase_dir: Path, here: Path) -> None:
    from datetime import timedelta

    from runbase.sdk.artifacts.retention import gc

    arts = _log_versions(run, here, 3)
    arts[0].ttl = timedelta(seconds=10)
    arts[0].save()
    assert wandb.Api().artifact("p/ckpt:latest").version == "v2"  # save() kept it there
    report = gc(runbase_dir, now=arts[0].created_at + 60)
    assert [v.split("/")[-1] for v in report.versions] == ["ckpt:v0"]


def test_cli_put_ls_get(here: Path) -> None:
    write_tree(here / "data", {"a.csv": "1,2\n", "b/c.csv": "3,4\n"})
    cli = CliRunner()
    put = cli.invoke(main, ["artifact", "put", "data", "--name", "p/table-data", "--alias", "raw"])
    assert put.exit_code == 0, put.output
    assert "/p/table-data:v0 latest,raw" in put.output
    ls = cli.invoke(main, ["artifact", "ls", "p"])
    assert ls.exit_code == 0 and "dataset\ttable-data:v0\tlatest,raw\t8\t" in ls.output
    get = cli.invoke(main, ["artifact", "get", "p/table-data:raw", "--root", "out"])
    assert get.exit_code == 0, get.output
    assert (here / "out" / "b" / "c.csv").read_text() == "3,4\n"
    missing = cli.invoke(main, ["artifact", "get", "p/nope:v1"])
    assert missing.exit_code == 1 and "no artifact" in missing.output
    ret = cli.invoke(main, ["artifact", "retention", "p/table-data", "--keep-last", "3"])
    assert ret.exit_code == 0 and "'keep_last': 3" in ret.output


def test_deleting_a_run_keeps_blobs_an_artifact_holds(runbase_dir: Path, here: Path) -> None:
    import runbase
    from tests.artifacts.conftest import QUIET

    pil = pytest.importorskip("PIL.Image")
    data = here / "dot.png"
    pil.new("RGB", (4, 4), (200, 10, 10)).save(data)
    image = runbase.Image(str(data))
    run = runbase.init(project="p", settings=QUIET)
    run.log({"img": image})
    art = runbase.Artifact("pics", "dataset")
    art.add_file(data)
    run.log_artifact(art)
    run.finish()
    sha = art.get_entry(data.name).sha256
    assert blob_path(runbase_dir, sha).stat().st_nlink == 2  # the run's media file links to it
    runbase.Api().run(f"p/{run.id}").delete()
    assert blob_path(runbase_dir, sha).is_file()
    art.download(here / "out")
    art.verify(here / "out")
