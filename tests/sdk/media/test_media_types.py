"""Histogram, Html, Object3D, Audio, Video, Plotly and figures, as W&B writes them."""

from __future__ import annotations

import importlib.util
import io
import json
import wave

import numpy as np
import pytest

from tests.sdk.media.conftest import png_pixels, run_logged

FILE_FIELDS = {"_type", "path", "sha256", "size"}
HAS_FFMPEG = all(importlib.util.find_spec(m) for m in ("imageio", "imageio_ffmpeg"))

SCRIPT = """
rng = np.random.default_rng(1)
values = rng.normal(size=1000)
np.save("values.npy", values)
run.log({"h": wandb.Histogram(values), "h8": wandb.Histogram(values, num_bins=8),
         "hn": wandb.Histogram(np_histogram=np.histogram(values, bins=4)),
         "auto": values, "small": np.arange(5)})
run.log({"page": wandb.Html("<html><body><p>hi</p></body></html>"),
         "raw": wandb.Html("<p>x</p>", inject=False)})
points = rng.random((20, 3))
np.save("points.npy", points)
run.log({"cloud": wandb.Object3D(points)})
tone = np.sin(np.linspace(0, 2 * np.pi * 440, 8000)).astype(np.float32) * 0.5
run.log({"tone": wandb.Audio(tone, sample_rate=8000, caption="A4")})
frames = rng.integers(0, 256, (3, 3, 8, 8), dtype=np.uint8)
run.log({"gif": wandb.Video(frames, fps=2, format="gif")})
import plotly.graph_objects as go
run.log({"chart": wandb.Plotly(go.Figure(data=[go.Scatter(x=[1, 2, 3], y=[3, 1, 2])]))})
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.imshow(rng.random((4, 4)))
run.log({"mpl_image": fig, "mpl_as_image": wandb.Image(fig)})
fig2, ax2 = plt.subplots()
ax2.plot([1, 2, 3], [3, 1, 2])
run.log({"mpl_line": fig2})
try:
    import torch
except ImportError:  # the tensor tests skip
    torch = None
if torch is not None:
    t = torch.from_numpy(rng.integers(0, 256, (3, 16, 24), dtype=np.uint8))
    np.save("tensor.npy", t.numpy())
    run.log({"tensor_img": wandb.Image(t), "tensor_hist": torch.arange(100.0)})
"""
HAS_TORCH = importlib.util.find_spec("torch") is not None


def test_histograms_are_inline_with_wandb_bins(logged):
    values = np.load(logged.root.parent / "values.npy")
    h = logged.value("h")
    assert set(h) == {"_type", "values", "bins"} and h["_type"] == "histogram"
    counts, edges = np.histogram(values, bins=64)
    assert h["values"] == counts.tolist() and h["bins"] == pytest.approx(edges.tolist())
    assert len(logged.value("h8")["values"]) == 8
    counts4, edges4 = np.histogram(values, bins=4)
    assert logged.value("hn")["values"] == counts4.tolist()
    auto = logged.value("auto")  # a numpy array of more than 32 numbers
    assert auto["_type"] == "histogram" and len(auto["values"]) == 32 and len(auto["bins"]) == 33
    assert logged.value("small") == [0, 1, 2, 3, 4]
    assert not [f for f in logged.run.files() if "histogram" in f.name]


def test_html(logged):
    page = logged.value("page")
    assert set(page) == FILE_FIELDS and page["_type"] == "html-file"
    text = logged.check_file(page, "media/html", "page", ".html").decode()
    assert text == '<html><head><base target="_blank"></head><body><p>hi</p></body></html>'
    raw = logged.value("raw")
    assert logged.check_file(raw, "media/html", "raw", ".html") == b"<p>x</p>"


def test_object3d_points_are_a_json_list(logged):
    cloud = logged.value("cloud")
    assert set(cloud) == FILE_FIELDS and cloud["_type"] == "object3D-file"
    data = json.loads(logged.check_file(cloud, "media/object3D", "cloud", ".pts.json"))
    assert np.allclose(data, np.load(logged.root.parent / "points.npy"))


def test_audio_is_a_16_bit_wav(logged):
    tone = logged.value("tone")
    assert set(tone) == FILE_FIELDS | {"caption"} and tone["_type"] == "audio-file"
    data = logged.check_file(tone, "media/audio", "tone", ".wav")
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (
            1,
            2,
            8000,
            8000,
        )
        samples = np.frombuffer(w.readframes(8000), dtype="<i2")
    assert abs(samples.max() - 16384) < 5


def test_gif_video(logged):
    gif = logged.value("gif")
    assert gif["_type"] == "video-file" and (gif["width"], gif["height"]) == (8, 8)
    assert logged.check_file(gif, "media/videos", "gif", ".gif")[:6] == b"GIF89a"


def test_plotly_and_matplotlib(logged):
    chart = logged.value("chart")
    assert set(chart) == FILE_FIELDS and chart["_type"] == "plotly-file"
    body = json.loads(logged.check_file(chart, "media/plotly", "chart", ".plotly.json"))
    assert body["data"][0]["y"] == [3, 1, 2]
    # A figure holding images becomes an Image, as in W&B; a line plot a Plotly chart.
    assert logged.value("mpl_image")["_type"] == "image-file"
    assert logged.value("mpl_as_image")["_type"] == "image-file"
    assert logged.value("mpl_line")["_type"] == "plotly-file"


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed in this environment")
def test_torch_tensor_image_is_channels_first(logged):
    chw = np.load(logged.root.parent / "tensor.npy")
    pointer = logged.value("tensor_img")
    pixels = png_pixels(logged.check_file(pointer, "media/images", "tensor_img", ".png"))
    assert np.array_equal(pixels, chw.transpose(1, 2, 0))
    assert logged.value("tensor_hist")["_type"] == "histogram"  # a tensor of > 32 numbers


@pytest.mark.skipif(
    not HAS_FFMPEG, reason="imageio and imageio-ffmpeg (runbase[media]) are not installed"
)
def test_mp4_video_and_an_existing_file(tmp_path):
    logged = run_logged(
        tmp_path,
        """
        frames = np.random.default_rng(2).integers(0, 256, (2, 5, 3, 32, 32), dtype=np.uint8)
        run.log({"clip": wandb.Video(frames, fps=5, format="mp4")})
        with open("given.webm", "wb") as f:
            f.write(b"\\x1aE\\xdf\\xa3 not really a webm")
        run.log({"given": wandb.Video("given.webm")})
        """,
    )
    clip = logged.value("clip")
    data = logged.check_file(clip, "media/videos", "clip", ".mp4")
    assert data[4:8] == b"ftyp" and (clip["width"], clip["height"]) == (64, 32)  # 2 videos tiled
    given = logged.value("given")
    assert logged.check_file(given, "media/videos", "given", ".webm").endswith(b"not really a webm")


def test_video_without_the_extra_names_it(tmp_path):
    logged = run_logged(
        tmp_path,
        """
        import sys
        sys.modules["imageio_ffmpeg"] = None  # as if the extra were not installed
        try:
            wandb.Video(np.zeros((2, 3, 8, 8), dtype=np.uint8), format="mp4")
        except ImportError as e:
            print("ERROR:", e)
        """,
    )
    assert "pip install 'runbase[media]'" in logged.proc.stdout
