"""Fill RUNBASE_DIR with runs that log tables, histograms and every ``wandb.plot``
chart, for the table, histogram and chart panels' tests (run as a subprocess).

Usage: python make_media_runs.py  (RUNBASE_DIR set by the caller)
"""

from __future__ import annotations

import numpy as np

import runbase as wandb

ENTITY = "team"
PROJECT = "media"
BIG_ROWS = 100_000
LABELS = ["cat", "dog", "bird"]


def big_table() -> wandb.Table:
    """100,000 rows: ``score`` is a permutation of i / BIG_ROWS, so the top is known."""
    wandb.Table.MAX_ROWS = BIG_ROWS
    perm = (np.arange(BIG_ROWS) * 7919) % BIG_ROWS
    rows = [[i, f"item-{i:06d}", float(perm[i]) / BIG_ROWS, LABELS[i % 3]] for i in range(BIG_ROWS)]
    return wandb.Table(columns=["id", "name", "score", "label"], data=rows)


def samples(rng: np.random.Generator, shade: int) -> wandb.Table:
    """Six rows with an image each (a colour block, brighter down the rows)."""
    t = wandb.Table(columns=["idx", "image", "pred"])
    for i in range(6):
        img = np.zeros((24, 32, 3), dtype=np.uint8)
        img[:, :, shade] = 40 + 40 * i
        img[4:20, 8:24, :] = rng.integers(0, 255, (16, 16, 3), dtype=np.uint8)
        t.add_data(i, wandb.Image(img, caption=f"sample {i}"), LABELS[i % 3])
    return t


def charts(rng: np.random.Generator) -> dict[str, object]:
    xy = wandb.Table(columns=["x", "y"], data=[[x, float(np.sin(x / 5))] for x in range(60)])
    bars = wandb.Table(columns=["label", "value"], data=[["cat", 3], ["dog", 7], ["bird", 5]])
    vals = wandb.Table(columns=["v"], data=[[float(v)] for v in rng.normal(0, 1, 500)])
    y_true = rng.integers(0, 3, 200)
    probas = rng.dirichlet([1, 1, 1], 200)
    probas[np.arange(200), y_true] += 0.6
    probas /= probas.sum(axis=1, keepdims=True)
    return {
        "line": wandb.plot.line(xy, "x", "y", title="Sine"),
        "scatter": wandb.plot.scatter(xy, "x", "y", title="Scatter"),
        "bar": wandb.plot.bar(bars, "label", "value", title="Bars"),
        "hist": wandb.plot.histogram(vals, "v", title="Values"),
        "series": wandb.plot.line_series(
            list(range(20)),
            [[i * i for i in range(20)], [i * 10 for i in range(20)]],
            keys=["square", "linear"],
            title="Series",
        ),  # fmt: skip
        "pr": wandb.plot.pr_curve(y_true, probas, labels=LABELS),
        "roc": wandb.plot.roc_curve(y_true, probas, labels=LABELS),
        "cm": wandb.plot.confusion_matrix(
            y_true=list(y_true), preds=list(probas.argmax(axis=1)), class_names=LABELS
        ),
    }


def main() -> None:
    rng = np.random.default_rng(3)
    for n, run_id in enumerate(["tab1", "tab2"]):
        run = wandb.init(entity=ENTITY, project=PROJECT, id=run_id, name=f"media-{n}")
        for step in range(50):
            run.log({"weights": wandb.Histogram(rng.normal(step / 10, 1 + n, 2000))}, step=step)
        run.log({"samples": samples(rng, n)}, step=50)
        if n == 0:
            run.log({"big": big_table()}, step=51)
            run.log(charts(rng), step=52)
        run.finish()


if __name__ == "__main__":
    main()
