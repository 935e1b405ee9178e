"""``runbase.Video`` (``wandb.Video``): frame arrays encoded on the media thread, or files.

GIFs are written with Pillow (a base dependency). mp4, webm and ogg need
ffmpeg, through imageio and imageio-ffmpeg: the ``runbase[media]`` extra. A
file that is already encoded needs neither.
"""

from __future__ import annotations

import io
import os
import tempfile
import warnings
from typing import Any, ClassVar

from runbase.sdk.data_types.base import (
    MEDIA_EXTRA,
    FileMedia,
    check_nbytes,
    is_array,
    is_tensor,
    numpy,
    pil_image,
    tensor_to_numpy,
)
from runbase.sdk.data_types.writer import MediaContext

EXTS = ("gif", "mp4", "webm", "ogg")
_CODECS = {"mp4": "libx264", "webm": "libvpx", "ogg": "libtheora"}


class Video(FileMedia):
    """``Video(frames, fps=4, format="mp4")`` (T x C x H x W or B x T x C x H x W) or a path."""

    SUBDIR: ClassVar[str] = "media/videos"
    EXTS: ClassVar[tuple[str, ...]] = EXTS
    _log_type: ClassVar[str] = "video-file"

    def __init__(
        self,
        data_or_path: Any,
        caption: str | None = None,
        fps: int | None = None,
        format: str | None = None,
    ) -> None:
        self._caption = None if caption is None else str(caption)
        self._width: int | None = None
        self._height: int | None = None
        self._frames: Any = None
        if isinstance(data_or_path, str | os.PathLike):
            path = os.fspath(data_or_path)
            ext = os.path.splitext(path)[1][1:].lower()
            if ext not in EXTS:
                raise ValueError(f"Video: {path!r}: runbase takes {', '.join(EXTS)} files")
            self._format = ext
            self._set_path(path, "." + ext)
            return
        self._format = _format(format)
        if isinstance(data_or_path, io.BytesIO):
            self._set_bytes(data_or_path.getvalue(), "." + self._format)
            return
        data = tensor_to_numpy(data_or_path) if is_tensor(data_or_path) else data_or_path
        if hasattr(data, "numpy") and not is_array(data):
            data = data.numpy()
        if not is_array(data):
            raise ValueError("Video: pass a numpy array of frames, a tensor or a path")
        if self._format != "gif":
            _need_ffmpeg(self._format)
        check_nbytes(data.nbytes, "Video")
        self._frames = _tile(numpy().array(data))  # a copy, T x H x W x C uint8
        self._fps = fps or 4
        _, self._height, self._width, _ = self._frames.shape
        self._bytes = None
        self._src = None
        self._ext = "." + self._format

    @property
    def nbytes(self) -> int:
        return int(self._frames.nbytes) if self._frames is not None else super().nbytes

    def write(self, ctx: MediaContext, key: str, step: int | str) -> dict[str, Any]:
        if self._frames is not None:
            self._bytes = _encode(self._frames, self._fps, self._format)
        out = super().write(ctx, key, step)
        if self._frames is not None:
            self._bytes = None  # the frames stay; the encoded copy is not kept twice
        if self._width is not None:
            out["width"] = self._width
            out["height"] = self._height
        return out

    @classmethod
    def seq_json(cls, pointers: list[dict[str, Any]], items: list[Any]) -> dict[str, Any]:
        return {
            "_type": "videos",
            "count": len(items),
            "videos": pointers,
            "captions": cls.captions(items),
        }


def _format(fmt: str | None) -> str:
    if fmt is None:
        warnings.warn(
            "Video: no format= given; writing a gif (pass format='mp4', 'webm', 'ogg' or 'gif')",
            stacklevel=3,
        )
        return "gif"
    if fmt not in EXTS:
        raise ValueError(f"Video: format must be one of {', '.join(EXTS)}, got {fmt!r}")
    return fmt


def _need_ffmpeg(fmt: str) -> None:
    try:
        import imageio  # noqa: F401
        import imageio_ffmpeg  # noqa: F401
    except ImportError:
        raise ImportError(
            f"Video: encoding frames as {fmt} needs imageio and imageio-ffmpeg: "
            f"pip install '{MEDIA_EXTRA}' (or log format='gif', which needs nothing more)"
        ) from None


def _tile(video: Any) -> Any:
    """T x C x H x W, or a batch B x T x C x H x W tiled into one grid (W&B's layout)."""
    np = numpy()
    if video.ndim not in (4, 5) or video.dtype.kind not in "biuf":
        raise ValueError(
            f"Video: frames of shape {video.shape}; pass T x C x H x W or B x T x C x H x W numbers"
        )
    if video.ndim == 4:
        video = video.reshape(1, *video.shape)
    b, t, c, h, w = video.shape
    if c not in (1, 3, 4):
        raise ValueError(f"Video: {c} channels; frames need 1, 3 or 4 (T x C x H x W)")
    video = video.astype(np.uint8)
    if b & (b - 1):  # pad the batch to a power of two with blank videos
        pad = (1 << b.bit_length()) - b
        video = np.concatenate([video, np.zeros((pad, t, c, h, w), dtype=np.uint8)])
        b = video.shape[0]
    rows = 2 ** ((b.bit_length() - 1) // 2)
    cols = b // rows
    video = video.reshape(rows, cols, t, c, h, w).transpose(2, 0, 4, 1, 5, 3)
    return video.reshape(t, rows * h, cols * w, c)


def _encode(frames: Any, fps: int, fmt: str) -> bytes:
    if fmt == "gif":
        image = pil_image()
        ims = [image.fromarray(f[:, :, 0] if f.shape[-1] == 1 else f) for f in frames]
        buf = io.BytesIO()
        ims[0].save(
            buf, format="GIF", save_all=True, append_images=ims[1:], duration=1000 / fps, loop=0
        )
        return buf.getvalue()
    import imageio.v2 as imageio

    if frames.shape[-1] == 1:
        frames = frames.repeat(3, axis=-1)
    with tempfile.TemporaryDirectory(prefix="runbase-video-") as tmp:
        path = os.path.join(tmp, "video." + fmt)
        imageio.mimwrite(
            path, list(frames[..., :3]), fps=fps, codec=_CODECS[fmt], macro_block_size=2
        )
        with open(path, "rb") as f:
            return f.read()
