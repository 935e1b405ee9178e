"""Fill RUNBASE_DIR with two real SDK runs that log media (run as a subprocess).

Run "m1" logs an image key "seg" (with a mask and boxes) at steps 0, 10, 20;
run "m2" logs it at steps 5 and 15, in another colour, so a step slider shows
each run's nearest logged step. Both log audio, video, HTML, a point cloud, a
histogram, a table and a wandb.plot chart. Run "pl1" (project "plots", when
plotly is installed) logs Plotly figures: lines and markers, bars with a
histogram, a heat-map, a pie (not drawn) and a matplotlib figure. Each image is one flat colour per
step (its RGB is listed in ``COLOURS``), so a test can tell which step a panel
shows from the pixels alone.

Usage: python make_media.py  (RUNBASE_DIR set by the caller)
"""

from __future__ import annotations

import numpy as np

import runbase as wandb

ENTITY = "team"
PROJECT = "media"
# run id -> {step: (r, g, b)} of its "seg" images.
COLOURS = {
    "m1": {0: (200, 40, 40), 10: (40, 200, 40), 20: (40, 40, 200)},
    "m2": {5: (220, 220, 40), 15: (40, 220, 220)},
}
# An HTML page whose script tries to reach the API and the app, and reports
# what it could do to the page that frames it.
HTML = """<!doctype html><html><body><h1 id="t">logged html</h1><script>
const out = {ran: true};
try { out.cookie = document.cookie; } catch (e) { out.cookie = "blocked"; }
try { out.parent = String(window.parent.document.title); } catch (e) { out.parent = "blocked"; }
fetch("/api/v1/projects").then(r => r.text()).then(
  t => { out.api = "reached"; parent.postMessage(out, "*"); },
  e => { out.api = "blocked"; parent.postMessage(out, "*"); });
</script></body></html>"""


def image(colour: tuple[int, int, int], step: int) -> wandb.Image:
    arr = np.zeros((48, 64, 3), dtype=np.uint8)
    arr[:, :] = colour
    mask = np.zeros((48, 64), dtype=np.uint8)
    mask[8:24, 8:32] = 1
    mask[28:44, 36:60] = 2
    boxes = [
        {"position": {"minX": 0.1, "maxX": 0.5, "minY": 0.1, "maxY": 0.5}, "class_id": 1,
         "box_caption": "cat", "scores": {"score": 0.9}},
        {"position": {"minX": 0.55, "maxX": 0.95, "minY": 0.55, "maxY": 0.95}, "class_id": 2,
         "box_caption": "dog", "scores": {"score": 0.3}},
    ]  # fmt: skip
    return wandb.Image(
        arr,
        caption=f"step {step}",
        masks={"truth": {"mask_data": mask, "class_labels": {0: "bg", 1: "cat", 2: "dog"}}},
        boxes={"pred": {"box_data": boxes, "class_labels": {1: "cat", 2: "dog"}}},
    )


def main() -> None:
    rng = np.random.default_rng(3)
    for run_id, colours in COLOURS.items():
        run = wandb.init(entity=ENTITY, project=PROJECT, id=run_id, name=f"media-{run_id}")
        for step, colour in colours.items():
            t = np.linspace(0, 1, 8000)
            frames = (rng.random((4, 3, 16, 16)) * 255).astype(np.uint8)
            run.log(
                {
                    "seg": image(colour, step),
                    "sound": wandb.Audio(np.sin(2 * np.pi * 440 * t), sample_rate=8000),
                    "clip": wandb.Video(frames, fps=4, format="gif"),
                    "page": wandb.Html(HTML),
                    "cloud": wandb.Object3D(rng.random((200, 3))),
                    "weights": wandb.Histogram(rng.normal(size=200)),
                    "loss": 1.0 / (step + 1),
                },
                step=step,
            )
        table = wandb.Table(columns=["x", "y"], data=[[0, 0], [1, 1], [2, 4]])
        run.log({"curve": wandb.plot.line(table, "x", "y", title="curve")})
        run.finish()


def plots() -> None:
    """Plotly figures, as ``wandb.Plotly`` and as a matplotlib figure logged as a value."""
    try:
        import plotly.graph_objects as go
    except ImportError:
        return  # the browser test of Plotly figures skips
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(5)
    x = np.arange(30)
    lines = go.Figure(
        [
            go.Scatter(x=x, y=np.sqrt(x), mode="lines", name="sqrt"),
            go.Scatter(x=x[::3], y=np.log1p(x[::3]), mode="markers", name="log1p"),
        ]
    )
    lines.update_layout(title="Growth curves", xaxis_title="epoch", yaxis_title="value")
    bars = go.Figure(
        [go.Bar(x=["cat", "dog", "bird"], y=[5, 3, 4], name="count"),
         go.Histogram(x=rng.normal(size=300), name="noise")]
    )  # fmt: skip
    bars.update_layout(title="Bars and a histogram")
    heat = go.Figure(go.Heatmap(z=rng.random((6, 8))))
    heat.update_layout(title="Heat")
    pie = go.Figure(go.Pie(labels=["a", "b"], values=[1, 2]))
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2, 3], [1, 3, 2, 4], label="mpl line")
    ax.set_title("From matplotlib")
    run = wandb.init(entity=ENTITY, project="plots", id="pl1", name="plots-pl1")
    run.log({"lines": wandb.Plotly(lines), "bars": wandb.Plotly(bars), "heat": wandb.Plotly(heat),
             "pie": wandb.Plotly(pie), "mpl": fig})  # fmt: skip
    run.finish()


if __name__ == "__main__":
    main()
    plots()
