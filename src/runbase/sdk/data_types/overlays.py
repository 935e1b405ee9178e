"""Masks and bounding boxes drawn over an ``Image`` (W&B's ImageMask, BoundingBoxes2D).

Each becomes a file of its own next to the image's (``media/images/mask/`` PNGs,
``media/metadata/boxes2D/`` JSON) and a small pointer under the image's
``masks``/``boxes``; their class labels go to the run's config under
``_wandb`` as W&B's "singletons" do.
"""

from __future__ import annotations

import io
import json
import numbers
from typing import TYPE_CHECKING, Any

from runbase.sdk.data_types.base import is_tensor, numpy, pil_image, tensor_to_numpy

if TYPE_CHECKING:
    from runbase.sdk.data_types.writer import MediaContext

BOX_HINT = (
    "each box needs a 'position' with minX, maxX, minY, maxY (or middle, width, height), "
    "an int 'class_id', and optionally a str 'box_caption' and a dict of number 'scores'"
)


def jsonable(value: Any) -> Any:
    """numpy and torch values inside user dicts as plain JSON values."""
    if is_tensor(value):
        value = tensor_to_numpy(value)
    if hasattr(value, "tolist") and type(value).__module__.split(".")[0] == "numpy":
        return value.tolist()
    if isinstance(value, dict):
        return {
            k if isinstance(k, str | int | float) else str(k): jsonable(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _labels(labels: Any, what: str) -> dict[Any, str]:
    if not isinstance(labels, dict) or not all(
        isinstance(k, numbers.Number) and isinstance(v, str) for k, v in labels.items()
    ):
        raise TypeError(f"{what}: class_labels must be a dict of numbers to strings")
    return {jsonable(k): v for k, v in labels.items()}


class ImageMask:
    """A segmentation mask: ``{"mask_data": 2-D ints 0..255, "class_labels": {0: "bg"}}``."""

    _log_type = "mask"

    def __init__(self, val: dict[str, Any], key: str) -> None:
        np = numpy()
        what = f"Image mask {key!r}"
        if not isinstance(val, dict) or "mask_data" not in val:
            raise TypeError(
                f"{what}: pass a dict with 'mask_data' (a 2-D array of class ids) and "
                "optionally 'class_labels' ({id: name})"
            )
        data = val["mask_data"]
        data = tensor_to_numpy(data) if is_tensor(data) else data
        arr = np.array(data)  # a copy: the mask logged is the mask as it is now
        if arr.ndim != 2:
            raise TypeError(f"{what}: mask_data must be a 2-D array, got shape {arr.shape}")
        if arr.dtype.kind not in "biu" or arr.size and (arr.min() < 0 or arr.max() > 255):
            raise TypeError(f"{what}: mask_data must be integers between 0 and 255")
        if "class_labels" in val:
            self.class_labels = _labels(val["class_labels"], what)
        else:
            self.class_labels = {int(c): f"class_{int(c)}" for c in np.unique(arr)}
        self._mask = arr
        self._key = key
        self.nbytes = arr.nbytes

    def write(self, ctx: MediaContext, key: str, step: int | str) -> dict[str, Any]:
        np = numpy()
        image = pil_image().fromarray(self._mask.astype(np.int8)).convert("L")
        buf = io.BytesIO()
        image.save(buf, format="PNG", transparency=None)
        out = {"_type": self._log_type}
        out.update(ctx.store("media/images/mask", key, step, buf.getvalue(), ".mask.png"))
        return out


class BoundingBoxes2D:
    """Boxes: ``{"box_data": [{"position": {...}, "class_id": 1, ...}], "class_labels": {...}}``."""

    _log_type = "boxes2D"

    def __init__(self, val: dict[str, Any], key: str) -> None:
        what = f"Image boxes {key!r}"
        if not isinstance(val, dict) or not isinstance(val.get("box_data"), list | tuple):
            raise TypeError(f"{what}: pass a dict with a 'box_data' list; {BOX_HINT}")
        plain = jsonable(val)
        for box in plain["box_data"]:
            _check_box(box, what)
        if "class_labels" in plain:
            self.class_labels = _labels(val["class_labels"], what)
        else:
            ids = sorted({int(b["class_id"]) for b in plain["box_data"] if "class_id" in b})
            self.class_labels = {i: f"class_{i}" for i in ids}
        try:
            self._json = json.dumps(plain).encode()
        except (TypeError, ValueError) as e:
            raise TypeError(f"{what}: the boxes are not JSON-like ({e}); {BOX_HINT}") from None
        self._key = key
        self.nbytes = len(self._json)

    def write(self, ctx: MediaContext, key: str, step: int | str) -> dict[str, Any]:
        out = {"_type": self._log_type}
        out.update(ctx.store("media/metadata/boxes2D", key, step, self._json, ".boxes2D.json"))
        return out


def _num(d: dict[str, Any], name: str) -> bool:
    return isinstance(d.get(name), numbers.Number)


def _check_box(box: Any, what: str) -> None:
    pos = box.get("position") if isinstance(box, dict) else None
    if not isinstance(pos, dict):
        raise TypeError(f"{what}: a box has no 'position'; {BOX_HINT}")
    corners = all(_num(pos, n) for n in ("minX", "maxX", "minY", "maxY"))
    middle = pos.get("middle")
    centred = (
        isinstance(middle, list) and len(middle) == 2 and _num(pos, "width") and _num(pos, "height")
    )
    if not (corners or centred):
        raise TypeError(f"{what}: box position {pos!r} is incomplete; {BOX_HINT}")
    scores = box.get("scores")
    if scores is not None and not (
        isinstance(scores, dict)
        and all(isinstance(k, str) and isinstance(v, numbers.Number) for k, v in scores.items())
    ):
        raise TypeError(f"{what}: box scores must be a dict of str to numbers")
    if "class_id" in box and not isinstance(box["class_id"], int):
        raise TypeError(f"{what}: a box's class_id must be an int, got {box['class_id']!r}")
    if "box_caption" in box and not isinstance(box["box_caption"], str):
        raise TypeError(f"{what}: a box's box_caption must be a str")


def overlays(value: Any, cls: type[Any], what: str) -> dict[str, Any] | None:
    """``masks=``/``boxes=`` of an Image as {name: ImageMask | BoundingBoxes2D}."""
    if not value:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"Image: {what} must be a dict of name -> {cls.__name__} or dict")
    return {str(k): v if isinstance(v, cls) else cls(v, str(k)) for k, v in value.items()}
