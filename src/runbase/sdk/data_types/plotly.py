"""``runbase.Plotly`` (``wandb.Plotly``), and matplotlib figures logged as values.

A matplotlib figure logged as a value becomes a Plotly chart when plotly is
installed and can convert it (``plotly.tools.mpl_to_plotly``), as in W&B. When
it cannot (no plotly, a figure holding images, or a conversion error) runbase
stores the figure as an ``Image`` (a PNG), where W&B would raise: the script
goes on and the figure is kept.
"""

from __future__ import annotations

import json
import warnings
from typing import Any, ClassVar

from runbase.sdk.data_types.base import FileMedia, module_of
from runbase.sdk.data_types.overlays import jsonable


class Plotly(FileMedia):
    """``Plotly(figure)``: a plotly figure (or a matplotlib one plotly can convert)."""

    SUBDIR: ClassVar[str] = "media/plotly"
    _log_type: ClassVar[str] = "plotly-file"

    def __init__(self, val: Any) -> None:
        self._caption = None
        if module_of(val) == "matplotlib":
            if _has_images(val):
                raise ValueError(
                    "Plotly: this matplotlib figure holds images, which plotly cannot convert; "
                    "log it as runbase.Image(fig)"
                )
            val = _mpl_to_plotly(val)
        if not hasattr(val, "to_plotly_json"):
            raise ValueError(
                "Plotly: pass a plotly figure, or a matplotlib figure that plotly can convert"
            )
        body = json.dumps(jsonable(val.to_plotly_json()), default=str)
        self._set_bytes(body.encode("utf-8"), ".plotly.json")

    @classmethod
    def make_plot_media(cls, val: Any) -> Any:
        """What a figure logged as a value becomes (see the module doc)."""
        if module_of(val) != "matplotlib":
            return cls(val)
        from runbase.sdk.data_types.image import Image

        if not _has_images(val):
            try:
                return cls(val)
            except ImportError:
                reason = "plotly is not installed"
            except Exception as e:  # mpl_to_plotly fails on many modern figures
                reason = f"plotly could not convert it ({type(e).__name__})"
            warnings.warn(
                f"runbase: a matplotlib figure was logged as an image: {reason}",
                RuntimeWarning,
                stacklevel=5,
            )
        return Image(val)


def _figure(val: Any) -> Any:
    if hasattr(val, "gcf"):
        return val.gcf()  # the pyplot module
    if not hasattr(val, "savefig") and hasattr(val, "figure"):
        return val.figure
    return val


def _has_images(val: Any) -> bool:
    fig = _figure(val)
    return any(ax.get_images() for ax in getattr(fig, "axes", []))


def _mpl_to_plotly(val: Any) -> Any:
    from plotly import tools

    return tools.mpl_to_plotly(_figure(val))
