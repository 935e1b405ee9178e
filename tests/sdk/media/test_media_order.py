"""Rows with media keep their order and step; a SIGKILL loses no row and never leaves
a pointer to a missing or half-written file; bad input stores nothing of its call; limits warn."""

from __future__ import annotations

import hashlib
import signal

import numpy as np

import runbase
from tests.conftest import QUIET
from tests.sdk.media.conftest import run_logged


def test_rows_keep_their_order_and_steps_around_media(tmp_path):
    logged = run_logged(
        tmp_path,
        """
        big = np.random.default_rng(0).integers(0, 256, (256, 256, 3), dtype=np.uint8)
        run.log({"a": 1}, commit=False)
        run.log({"img": wandb.Image(big)})          # joins step 0
        for i in range(20):
            run.log({"loss": float(i)})            # recorded while the image encodes
        run.log({"img": wandb.Image(big[::-1])}, step=30)
        run.log({"acc": 0.5}, step=30)
        run.summary["best"] = 1
        run.log({"loss": 99.0})                     # no step: still row 30 (W&B's rule)
        """,
    )
    rows = logged.rows
    assert [r["_step"] for r in rows] == list(range(21)) + [30]
    assert rows[0]["a"] == 1 and rows[0]["img"]["_type"] == "image-file"
    assert [r["loss"] for r in rows[1:21]] == [float(i) for i in range(20)]
    assert rows[21]["img"]["path"].startswith("media/images/img_30_") and rows[21]["acc"] == 0.5
    assert rows[21]["loss"] == 99.0
    assert logged.run.summary["best"] == 1 and logged.run.summary["loss"] == 99.0


def test_sigkill_while_media_is_encoded_loses_no_row(tmp_path):
    """Killed while the media thread writes: every row logged is kept, in order; each
    pointer's file is complete, and an image not yet written reads as missing."""
    logged = run_logged(
        tmp_path,
        """
        import glob, os, signal, time
        rng = np.random.default_rng(0)
        run.log({"before": 1})
        for i in range(12):
            run.log({"img": wandb.Image(rng.integers(0, 256, (512, 512, 3), dtype=np.uint8)),
                     "i": i})
            run.log({"after": i})
        deadline = time.monotonic() + 30
        while len(glob.glob(run.dir + "/media/images/*.png")) < 2 and time.monotonic() < deadline:
            time.sleep(0.001)
        os.kill(os.getpid(), signal.SIGKILL)  # mid-queue: some images written, most not
        """,
        check=False,
    )
    assert logged.proc.returncode == -signal.SIGKILL
    rows = logged.rows
    expected = [{"before"}] + [s for i in range(12) for s in ({"img", "i"}, {"after"})]
    assert [{k for k in r if not k.startswith("_")} for r in rows] == expected
    assert [r["_step"] for r in rows] == list(range(25))
    assert [r["i"] for r in rows if "i" in r] == list(range(12))
    assert [r["after"] for r in rows if "after" in r] == list(range(12))
    images = [r["img"] for r in rows if "img" in r]
    written = [img for img in images if not img.get("missing")]
    missing = [img for img in images if img.get("missing")]
    # The kill comes once two files are on disk: the first's pointer is recorded by
    # then, the second's may not be yet (a file is moved into place before its pointer is recorded).
    assert written and missing, "killed mid-queue: some written, some not"
    # Files are written in order: the written ones come first.
    assert images == written + missing
    assert all(img == {"_type": "image-file", "missing": True} for img in missing)
    files = logged.root / "runs"
    for img in written:
        (path,) = list(files.rglob(img["path"]))
        assert hashlib.sha256(path.read_bytes()).hexdigest() == img["sha256"]
    assert {img["path"] for img in written} <= {f.name for f in logged.run.files()}


def test_bad_input_stores_nothing_of_its_call(runbase_dir):
    run = runbase.init(project="bad", settings=runbase.Settings(**QUIET))
    good = runbase.Image(np.zeros((4, 4, 3), dtype=np.uint8))
    errors = []
    for make in (
        lambda: runbase.Image(np.zeros((2, 3, 4, 5))),  # not an image shape
        lambda: runbase.Image(np.zeros((4, 4), dtype=object)),
        lambda: runbase.Audio(np.zeros(10)),  # no sample_rate
        lambda: runbase.Object3D(np.zeros((5, 2))),
        lambda: runbase.Video(np.zeros((4, 4)), format="gif"),
    ):
        try:
            make()
        except (TypeError, ValueError) as e:
            errors.append(str(e))
    assert len(errors) == 5 and all(("pass" in e or "needed" in e) for e in errors)
    corrupt = runbase_dir.parent / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    try:
        runbase.Image(str(corrupt))
    except ValueError as e:
        assert "corrupt.png" in str(e) and "not an image" in str(e)
    else:
        raise AssertionError("a corrupt file was accepted")
    try:
        run.log({"img": good, "mixed": [good, runbase.Html("<p/>")]})
    except TypeError as e:
        assert "'mixed'" in str(e) and "one type" in str(e)
    run.log({"ok": 1})
    run.finish()
    rows = list(runbase.Api().run(run.path).history(pandas=False))
    assert [(r["_step"], r.get("ok")) for r in rows] == [(0, 1)]
    assert not list((runbase_dir / "runs").rglob("img_*.png"))


def test_more_images_than_wandb_keeps_warn_once_and_keep_the_first(runbase_dir, recwarn):
    run = runbase.init(project="lim", settings=runbase.Settings(**QUIET))
    images = [runbase.Image(np.full((2, 2), i, dtype=np.uint8)) for i in range(120)]
    run.log({"many": images})
    run.log({"many": images})
    run.finish()
    warned = [w for w in recwarn if "the first 108" in str(w.message)]
    assert len(warned) == 1
    rows = list(runbase.Api().run(run.path).history(pandas=False))
    assert [r["many"]["count"] for r in rows] == [108, 108]


def test_summary_media_and_nested_summary(tmp_path):
    logged = run_logged(
        tmp_path,
        """
        run.summary["best"] = wandb.Image(np.zeros((3, 3), dtype=np.uint8))
        run.summary["eval"] = {"acc": 1, "f1": {"macro": 0.5}}
        assert run.summary["eval"]["acc"] == 1 and run.summary["eval"]["f1"]["macro"] == 0.5
        run.summary["eval"]["acc"] = 2
        assert run.summary.eval["acc"] == 2 and "eval" in run.summary
        print("OK")
        """,
    )
    assert "OK" in logged.proc.stdout
    summary = logged.run.summary
    assert summary["eval"]["acc"] == 2 and summary["eval"]["f1"] == {"macro": 0.5}
    best = summary["best"]
    assert best["_type"] == "image-file" and best["path"].startswith("media/images/best_summary_")
    assert logged.file_bytes(best["path"])[:4] == b"\x89PNG"


def test_import_runbase_loads_neither_numpy_nor_pillow():
    import subprocess
    import sys

    code = "import sys, runbase; print(sorted(m for m in ('numpy', 'PIL') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_saving_the_summary_from_the_api_keeps_pointers_whole(tmp_path):
    logged = run_logged(tmp_path, 'run.log({"img": wandb.Image(np.zeros((2, 2), dtype=np.uint8))})')
    before = logged.run.summary["img"]
    logged.run.summary["note"] = "checked"
    logged.run.summary.update()
    again = runbase.Api(root=logged.root).run("/".join(logged.run.path))
    assert again.summary["img"] == before and again.summary["note"] == "checked"
    assert "img._type" not in again.summary
