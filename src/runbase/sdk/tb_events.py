"""TensorBoard summaries as runbase values: scalars, histograms and images.

Shared by ``sync_tensorboard`` (events as the writer emits them) and
``runbase import tensorboard`` (events read back from files). The protos are
duck-typed: torch's writer uses tensorboard's classes, tensorboardX its own
copies with the same fields.
"""

from __future__ import annotations

import math
from typing import Any

# Histograms W&B accepts have at most 512 bins; TensorFlow-style buckets can be ~1500.
_MAX_BINS = 512


def summary_values(summary: Any, images: bool = True) -> dict[str, Any]:
    """``{tag: value}`` for one ``Summary`` proto; kinds runbase does not keep are left out."""
    out: dict[str, Any] = {}
    for value in summary.value:
        try:
            got = _one_value(value, images)
        except (ValueError, TypeError, OSError):
            got = None  # a malformed value is skipped, never the whole event
        if got is not None:
            out[value.tag] = got
    return out


def _one_value(value: Any, images: bool) -> Any:
    kind = value.WhichOneof("value")
    if kind == "simple_value":
        return float(value.simple_value)
    if kind == "histo":
        return histogram_from_proto(value.histo)
    if kind == "image":
        return _image(value.image.encoded_image_string) if images else None
    if kind == "tensor":
        plugin = value.metadata.plugin_data.plugin_name
        return _from_tensor(plugin, value.tensor, images)
    return None


def _from_tensor(plugin: str, tensor: Any, images: bool) -> Any:
    try:
        from tensorboard.util.tensor_util import make_ndarray
    except ImportError:  # tensorboardX alone writes no tensor values but its hparams
        return None

    if plugin == "scalars":
        return float(make_ndarray(tensor).reshape(-1)[0])
    if plugin == "histograms":
        rows = make_ndarray(tensor)  # k x 3: left edge, right edge, count
        if rows.size == 0:
            return None
        edges = [float(rows[0][0])] + [float(r[1]) for r in rows]
        return _histogram([float(r[2]) for r in rows], edges)
    if plugin == "images" and images:
        strings = list(tensor.string_val)  # width, height, then encoded images
        return _image(strings[2]) if len(strings) > 2 else None
    return None


def encoded_images(summary: Any) -> list[tuple[str, bytes]]:
    """``(tag, encoded image)`` for the image values of a ``Summary`` (files, not decoded)."""
    out = []
    for value in summary.value:
        kind = value.WhichOneof("value")
        if kind == "image":
            out.append((value.tag, bytes(value.image.encoded_image_string)))
        elif kind == "tensor" and value.metadata.plugin_data.plugin_name == "images":
            strings = list(value.tensor.string_val)
            if len(strings) > 2:
                out.append((value.tag, bytes(strings[2])))
    return out


def hparams(summary: Any) -> dict[str, Any]:
    """The hyperparameters of an ``add_hparams`` session-start value, else ``{}``."""
    out: dict[str, Any] = {}
    for value in summary.value:
        if value.metadata.plugin_data.plugin_name != "hparams":
            continue
        try:
            from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData
        except ImportError:  # tensorboardX alone: its hparams cannot be decoded
            return out

        data = HParamsPluginData.FromString(value.metadata.plugin_data.content)
        if data.WhichOneof("data") == "session_start_info":
            for name, v in data.session_start_info.hparams.items():
                kind = v.WhichOneof("kind")
                if kind is not None:
                    out[name] = getattr(v, kind)
    return out


def histogram_from_proto(histo: Any) -> Any:
    """A ``HistogramProto`` (right bucket edges plus min/max) as a ``runbase.Histogram``."""
    counts = [float(c) for c in histo.bucket]
    limits = [float(x) for x in histo.bucket_limit]
    if not counts or len(counts) != len(limits):
        return None
    # The last bucket's edge is often DBL_MAX; the observed max is the honest edge.
    if not math.isfinite(limits[-1]) or limits[-1] > histo.max:
        limits[-1] = float(histo.max)
    edges = [min(float(histo.min), limits[0])] + limits
    return _histogram(counts, edges)


def _histogram(counts: list[float], edges: list[float]) -> Any:
    from runbase.sdk.data_types import Histogram

    while len(counts) > _MAX_BINS:
        counts = [sum(counts[i : i + 2]) for i in range(0, len(counts), 2)]
        edges = edges[::2] if len(edges) % 2 == 1 else edges[::2] + [edges[-1]]
    counts_out: list[Any] = [int(c) if float(c).is_integer() else c for c in counts]
    return Histogram(np_histogram=(counts_out, edges))


def _image(encoded: bytes) -> Any:
    import io

    from PIL import Image as PILImage

    from runbase.sdk.data_types import Image

    with PILImage.open(io.BytesIO(encoded)) as img:
        img.load()
        return Image(img)
