"""``runbase.Image`` (``wandb.Image``): arrays, tensors, PIL images, figures and files.

The constructor checks the input and copies it (an array copy, a PIL copy, the
rendered figure); scaling, PNG encoding and hashing happen on the run's media
thread, as W&B's rules do them: floats in [0, 1] times 255, in [-1, 1] mapped
to 0..255, anything else clipped to 0..255, then ``uint8``.
"""

from __future__ import annotations

import io
import os
import warnings
from typing import Any, ClassVar

from runbase.sdk.data_types.base import (
    Batchable,
    Pending,
    check_file,
    check_nbytes,
    is_array,
    is_tensor,
    module_of,
    numpy,
    pil_image,
)
from runbase.sdk.data_types.overlays import BoundingBoxes2D, ImageMask, overlays
from runbase.sdk.data_types.writer import MediaContext

FORMATS = ("png", "jpg", "jpeg", "bmp")
_PIL_FORMAT = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "bmp": "BMP"}
SHAPE_HINT = "pass H x W (grey), H x W x C or C x H x W with C = 1, 3 or 4 channels"


class Image(Batchable):
    """An image to log: ``runbase.Image(array | PIL image | tensor | figure | path, caption=)``."""

    MAX_ITEMS: ClassVar[int] = 108
    MAX_DIMENSION: ClassVar[int] = 65500
    _log_type: ClassVar[str] = "image-file"

    def __init__(
        self,
        data_or_path: Any,
        mode: str | None = None,
        caption: str | None = None,
        grouping: int | None = None,
        classes: Any = None,
        boxes: dict[str, Any] | None = None,
        masks: dict[str, Any] | None = None,
        file_type: str | None = None,
        normalize: bool = True,
    ) -> None:
        self._caption = None if caption is None else str(caption)
        self._grouping = grouping
        self._classes = classes
        self._normalize = normalize
        self._array: Any = None  # uint8-to-be array, H x W [x C]
        self._pil: Any = None
        self._path: str | None = None
        self._mode = mode
        if isinstance(data_or_path, Image):
            self.__dict__.update(data_or_path.__dict__)
        elif isinstance(data_or_path, str | os.PathLike):
            self._from_path(os.fspath(data_or_path))
        else:
            self._from_data(data_or_path, mode, file_type)
        self._boxes = overlays(boxes, BoundingBoxes2D, "boxes")
        self._masks = overlays(masks, ImageMask, "masks")
        if self._caption is None and caption is not None:
            self._caption = str(caption)

    @property
    def image(self) -> Any:
        """The picture as a PIL image, as W&B's ``Image.image`` gives it (made on first use)."""
        if self._pil is None:
            if self._path is not None:
                with pil_image().open(self._path) as im:
                    self._pil = im.copy()
            else:
                self._pil = self._array_image()
        return self._pil

    @property
    def width(self) -> int:
        return int(self._width)

    @property
    def height(self) -> int:
        return int(self._height)

    def _from_path(self, path: str) -> None:
        check_file(path, "Image")
        try:
            with pil_image().open(path) as im:
                im.load()  # a truncated or corrupt file fails here, not in log()
                self._width, self._height = im.size
        except OSError as e:
            raise ValueError(
                f"Image: {path!r} is not an image Pillow can read ({e}); check the file"
            ) from None
        self._path = path
        self.format = os.path.splitext(path)[1][1:]

    def _from_data(self, data: Any, mode: str | None, file_type: str | None) -> None:
        self.format = file_type or "png"
        if self.format not in FORMATS:
            raise ValueError(f"Image: file_type must be one of {list(FORMATS)}")
        module = module_of(data)
        if module == "matplotlib" or (module == "PIL" and hasattr(data, "save")):
            self._from_pil(render_figure(data) if module == "matplotlib" else data.copy())
            return
        if is_tensor(data):
            arr = data.detach().cpu().numpy()
            arr = arr.transpose(1, 2, 0) if arr.ndim == 3 else arr  # torch is C x H x W
        elif is_array(data) or isinstance(data, list):
            arr = numpy().array(data)  # a copy: later changes to the array are not logged
        else:
            raise TypeError(
                f"Image: cannot make an image of a {type(data).__module__}.{type(data).__name__};"
                " pass a numpy array, a torch tensor, a PIL image, a matplotlib figure or a path"
            )
        self._array = _as_hwc(arr)
        check_nbytes(self._array.nbytes, "Image")
        self._mode = mode or _guess_mode(self._array, self.format)
        self._height, self._width = self._array.shape[:2]
        _check_size(self._width, self._height)

    def _from_pil(self, im: Any) -> None:
        self._pil = im
        self._width, self._height = im.size
        _check_size(self._width, self._height)

    # --- logging ---------------------------------------------------------------------------

    def _prepare(self, key: str) -> Pending:
        return self  # already checked and copied by the constructor

    @property
    def nbytes(self) -> int:
        return int(self._array.nbytes) if self._array is not None else 0

    def encode(self) -> bytes:
        """The file's bytes (on the media thread)."""
        if self._path is not None:
            with open(self._path, "rb") as f:
                return f.read()
        im = self._pil if self._pil is not None else self._array_image()
        buf = io.BytesIO()
        im.save(buf, format=_PIL_FORMAT[self.format.lower()], transparency=None)
        return buf.getvalue()

    def _array_image(self) -> Any:
        np = numpy()
        data = self._array
        if self._normalize:
            data = _rescale(data, np)
        return pil_image().fromarray(data.astype(np.uint8)).convert(self._mode)

    def write(self, ctx: MediaContext, key: str, step: int | str) -> dict[str, Any]:
        ext = "." + self.format
        out: dict[str, Any] = {"_type": self._log_type}
        if self._caption is not None:
            out["caption"] = self._caption
        if self._path is not None:
            out.update(ctx.store_path("media/images", key, step, self._path, ext))
        else:
            out.update(ctx.store("media/images", key, step, self.encode(), ext))
        out["format"] = self.format
        out["width"] = self.width
        out["height"] = self.height
        if self._grouping:
            out["grouping"] = self._grouping
        if self._boxes:
            out["boxes"] = {k: b.write(ctx, key, step) for k, b in self._boxes.items()}
        if self._masks:
            out["masks"] = {k: m.write(ctx, key, step) for k, m in self._masks.items()}
        return out

    def class_label_singletons(self, key: str) -> list[tuple[str, str, dict[Any, str]]]:
        """(config type, name, labels) of the masks' and boxes' class labels."""
        out = []
        for name, mask in (self._masks or {}).items():
            out.append(("mask/class_labels", f"{key}_wandb_delimeter_{name}", mask.class_labels))
        for name, box in (self._boxes or {}).items():
            out.append(
                ("bounding_box/class_labels", f"{key}_wandb_delimeter_{name}", box.class_labels)
            )
        return out

    @classmethod
    def seq_json(cls, pointers: list[dict[str, Any]], items: list[Any]) -> dict[str, Any]:
        first = items[0]
        meta: dict[str, Any] = {
            "_type": "images/separated",
            "width": first.width,
            "height": first.height,
            "format": pointers[0]["format"],
            "count": len(items),
            "filenames": [p["path"] for p in pointers],
        }
        captions = cls.captions(items)
        if captions:
            meta["captions"] = captions
        for field, name in (("masks", "all_masks"), ("boxes", "all_boxes")):
            groups = [p.get(field) for p in pointers]
            if any(g is not None for g in groups):
                meta[name] = groups
        return meta


def render_figure(fig: Any) -> Any:
    """A matplotlib figure (or the pyplot module) rendered to a PIL image, as W&B does."""
    if hasattr(fig, "gcf"):
        fig = fig.gcf()
    elif not hasattr(fig, "savefig") and hasattr(fig, "figure"):
        fig = fig.figure  # an Axes or another artist
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    buf.seek(0)
    im = pil_image().open(buf)
    im.load()
    return im


def _as_hwc(arr: Any) -> Any:
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"Image: the array has dtype {arr.dtype}; pass numbers ({SHAPE_HINT})")
    if arr.ndim > 2:
        arr = arr.squeeze()
    if arr.ndim == 3 and arr.shape[0] in (1, 3, 4) and arr.shape[-1] not in (1, 3, 4):
        arr = arr.transpose(1, 2, 0)  # C x H x W
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[:, :, 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] not in (3, 4)):
        raise ValueError(
            f"Image: an array of shape {tuple(arr.shape)} is not an image; {SHAPE_HINT}"
        )
    return arr


def _guess_mode(arr: Any, file_type: str) -> str:
    if arr.ndim == 2:
        return "L"
    if arr.shape[-1] == 3:
        return "RGB"
    if file_type in ("jpg", "jpeg"):
        warnings.warn("JPEG has no transparency: the alpha channel is dropped", stacklevel=4)
        return "RGB"
    return "RGBA"


def _check_size(width: int, height: int) -> None:
    if width > Image.MAX_DIMENSION or height > Image.MAX_DIMENSION or not width or not height:
        raise ValueError(
            f"Image: {width} x {height} pixels; each side must be 1 to {Image.MAX_DIMENSION}"
        )


def _rescale(data: Any, np: Any) -> Any:
    """W&B's guess at the range of the data, to 0..255."""
    if data.dtype.kind == "b":
        data = data.astype(np.uint8)
    lo, hi = data.min(), data.max()
    if 0 <= lo and hi <= 1:
        return data * 255
    if -1 <= lo and hi <= 1:
        return 255 * 0.5 * (data + 1)
    return data.clip(0, 255)
