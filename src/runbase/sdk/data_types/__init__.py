"""The data types W&B scripts log beyond scalars (``wandb.Image``, ``wandb.Table``...).

One module per type family; see docs/sdk.md ("Media") for what each writes.
Modules load on first use, and numpy and Pillow when a value is made, so a run
that logs only scalars never imports them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runbase.sdk.data_types.audio import Audio
    from runbase.sdk.data_types.base import Media, WBValue
    from runbase.sdk.data_types.histogram import Histogram
    from runbase.sdk.data_types.html import Html
    from runbase.sdk.data_types.image import Image
    from runbase.sdk.data_types.object3d import Object3D
    from runbase.sdk.data_types.overlays import BoundingBoxes2D, ImageMask
    from runbase.sdk.data_types.plotly import Plotly
    from runbase.sdk.data_types.table import Table
    from runbase.sdk.data_types.video import Video

_WHERE = {
    "Audio": "audio",
    "BoundingBoxes2D": "overlays",
    "Histogram": "histogram",
    "Html": "html",
    "Image": "image",
    "ImageMask": "overlays",
    "Media": "base",
    "Object3D": "object3d",
    "Plotly": "plotly",
    "Table": "table",
    "Video": "video",
    "WBValue": "base",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)


__all__ = [
    "Audio",
    "BoundingBoxes2D",
    "Histogram",
    "Html",
    "Image",
    "ImageMask",
    "Media",
    "Object3D",
    "Plotly",
    "Table",
    "Video",
    "WBValue",
]
