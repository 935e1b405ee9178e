"""Media files are stored once: run files are hard links to blobs in RUNBASE_DIR/blobs."""

from __future__ import annotations

import hashlib

from runbase.blobs import open_blob_store
from tests.sdk.media.conftest import run_logged

SAME_IMAGES = """
img = np.zeros((64, 64, 3), dtype=np.uint8)
img[8:24, 8:24] = 255
for step in range(50):
    run.log({"img": wandb.Image(img), "other": wandb.Image(img[::-1])})
clip = os.path.join(os.path.dirname(__file__), "clip.gif")
from PIL import Image as PILImage
PILImage.fromarray(img).save(clip)
run.log({"file": wandb.Image(clip)})
run.log({"file": wandb.Image(clip)})
run.finish()
run = wandb.init(project="other", settings={"silent": True, "console": "off"})
for step in range(5):
    run.log({"img": wandb.Image(img)})
"""


def test_an_image_logged_at_many_steps_and_in_many_runs_is_stored_once(tmp_path):
    first = run_logged(tmp_path, "import os\n" + SAME_IMAGES)
    root = first.root
    images = [r["img"] for r in first.rows if "img" in r]
    assert len(images) == 50 and len({i["path"] for i in images}) == 50  # W&B's names
    runs_dir = root / "runs"
    for key in ("img", "other", "file"):
        pointers = [r[key] for r in first.rows if key in r]
        files = [next(runs_dir.rglob(p["path"])) for p in pointers]
        assert len({f.stat().st_ino for f in files}) == 1, f"{key}: one inode for every step"
        blob = root / "blobs" / "sha256" / pointers[0]["sha256"][:2] / pointers[0]["sha256"]
        assert blob.stat().st_ino == files[0].stat().st_ino
        # The blob store reads it by digest, and the Api downloads it byte for byte.
        data = open_blob_store(root / "blobs").get(pointers[0]["sha256"])
        assert hashlib.sha256(data).hexdigest() == pointers[0]["sha256"]
        assert first.file_bytes(pointers[-1]["path"]) == data
    assert not any((root / "blobs" / "tmp").iterdir())
    # The other run's copies of "img" are the same file too.
    img = next(r["img"] for r in first.rows if "img" in r)
    (other,) = list(first.api.runs("other"))
    paths = {r["img"]["path"] for r in other.history(pandas=False)}
    inodes = {next(runs_dir.rglob(p)).stat().st_ino for p in paths}
    assert inodes == {next(runs_dir.rglob(img["path"])).stat().st_ino}
    assert len(list((root / "blobs" / "sha256").rglob("*.*"))) == 0
    assert len([f for f in (root / "blobs" / "sha256").rglob("*") if f.is_file()]) == 3


def test_without_a_usable_blob_folder_media_are_plain_copies(tmp_path):
    root = tmp_path / "runbase"
    root.mkdir()
    (root / "blobs").write_text("not a folder")  # the blob folder cannot be made
    logged = run_logged(
        tmp_path,
        """
        img = np.full((16, 16, 3), 7, dtype=np.uint8)
        for step in range(3):
            run.log({"img": wandb.Image(img)})
        """,
    )
    pointers = [r["img"] for r in logged.rows]
    for p in pointers:
        data = logged.file_bytes(p["path"])
        assert hashlib.sha256(data).hexdigest() == p["sha256"]
    files = [next((root / "runs").rglob(p["path"])) for p in pointers]
    assert len({f.stat().st_ino for f in files}) == 3


def test_deleting_runs_drops_the_blobs_no_other_run_uses(tmp_path):
    logged = run_logged(
        tmp_path,
        """
        shared = np.full((16, 16, 3), 9, dtype=np.uint8)
        own = np.full((16, 16, 3), 200, dtype=np.uint8)
        run.log({"shared": wandb.Image(shared), "own": wandb.Image(own)})
        run.finish()
        run = wandb.init(project="other", settings={"silent": True, "console": "off"})
        run.log({"shared": wandb.Image(shared)})
        """,
    )
    shared, own = logged.value("shared")["sha256"], logged.value("own")["sha256"]
    blobs = logged.root / "blobs" / "sha256"
    assert (blobs / shared[:2] / shared).exists() and (blobs / own[:2] / own).exists()
    logged.run.delete()
    assert not (blobs / own[:2] / own).exists()  # only the deleted run used it
    assert (blobs / shared[:2] / shared).exists()  # the other run still does
    (other,) = list(logged.api.runs("other"))
    (row,) = other.history(pandas=False)
    other.file(row["shared"]["path"]).download(root=str(tmp_path / "dl"))
    assert (tmp_path / "dl" / row["shared"]["path"]).stat().st_size > 0
    other.delete()
    assert not any(f.is_file() for f in blobs.rglob("*"))
