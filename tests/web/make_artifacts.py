"""Fill RUNBASE_DIR with artifacts logged and used by real runs, W&B's way: a prep run
logs a dataset, a training run uses it and logs two model versions, an eval run uses
the model. Lineage: prep → mnist:v0 → train → classifier:v1 → eval.

Usage: python make_artifacts.py  (RUNBASE_DIR set by the caller; run ids are fixed)
"""

from __future__ import annotations

import os
import tempfile

import numpy as np
from PIL import Image

import runbase as wandb

ENTITY = "team"
PROJECT = "arts"
HOSTILE_HTML = "<html><body><script>fetch('/api/v1/x?ran=1')</script>hi</body></html>"
HOSTILE_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _run(run_id: str, job: str) -> wandb.Run:
    return wandb.init(
        entity=ENTITY,
        project=PROJECT,
        id=run_id,
        name=f"{job}-run",
        job_type=job,
        settings={"silent": True, "console": "off"},
    )


def dataset(folder: str) -> wandb.Artifact:
    art = wandb.Artifact("mnist", type="dataset", description="toy digits", metadata={"rows": 3})
    os.makedirs(f"{folder}/images", exist_ok=True)
    for i in range(3):
        pixels = np.zeros((32, 48, 3), dtype=np.uint8)
        pixels[:, :, i] = 200
        pixels[8:24, 12:36] = 255
        Image.fromarray(pixels).save(f"{folder}/images/digit{i}.png")
    with open(f"{folder}/train.csv", "w") as f:
        f.write("x,y\n1,2\n3,4\n")
    art.add_dir(f"{folder}/images", name="images")
    art.add_file(f"{folder}/train.csv")
    with art.new_file("page.html") as f:
        f.write(HOSTILE_HTML)
    with art.new_file("drawing.svg") as f:
        f.write(HOSTILE_SVG)
    art.add(wandb.Table(columns=["x", "label"], data=[[1, "cat"], [2, "dog"]]), "sample")
    return art


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        prep = _run("prep1", "prep")
        prep.log_artifact(dataset(tmp), aliases=["first"])
        prep.finish()

        train = _run("train1", "train")
        train.use_artifact("mnist:latest").download(root=f"{tmp}/data")
        for epoch in range(2):
            with open(f"{tmp}/model.pt", "wb") as f:
                f.write(b"weights" * (epoch + 1))
            art = wandb.Artifact("classifier", type="model", metadata={"epoch": epoch})
            art.add_file(f"{tmp}/model.pt")
            train.log_artifact(art, aliases=["best"] if epoch == 1 else [])
            train.log({"loss": 1.0 / (epoch + 1)})
        train.finish()

        ev = _run("eval1", "eval")
        ev.use_artifact("classifier:best")
        ev.finish()


if __name__ == "__main__":
    main()
