"""The data types W&B scripts log beyond scalars (``wandb.Image``, ``wandb.Table``...).

One module per type family; see docs/sdk.md ("Media") for what each writes.
numpy and Pillow are imported when a value is made, never at import.
"""

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
