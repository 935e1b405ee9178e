"""``runbase.Object3D`` (``wandb.Object3D``): point clouds and 3-D model files."""

from __future__ import annotations

import json
import os
from typing import Any, ClassVar

from runbase.sdk.data_types.base import FileMedia, file_ext, is_array, is_tensor, tensor_to_numpy

SUPPORTED_TYPES = ("obj", "gltf", "glb", "babylon", "stl", "pts.json")
SHAPE_HINT = "pass an N x 3 (x y z), N x 4 (x y z category 1-14) or N x 6 (x y z r g b) array"


class Object3D(FileMedia):
    """``Object3D(points)`` (an N x 3/4/6 array), a ``lidar/beta`` dict, or a model file."""

    SUBDIR: ClassVar[str] = "media/object3D"
    SUPPORTED_TYPES: ClassVar[tuple[str, ...]] = SUPPORTED_TYPES
    _log_type: ClassVar[str] = "object3D-file"

    def __init__(self, data_or_path: Any, caption: str | None = None, **kwargs: Any) -> None:
        self._caption = None if caption is None else str(caption)
        data = data_or_path
        if hasattr(data, "name") and hasattr(data, "read") and isinstance(data.name, str):
            data = data.name  # an open file: W&B reads it by name
        if is_tensor(data):
            data = tensor_to_numpy(data)
        if isinstance(data, str | os.PathLike):
            path = os.fspath(data)
            ext = file_ext(path, SUPPORTED_TYPES)
            if ext[1:] not in SUPPORTED_TYPES:
                raise ValueError(
                    f"Object3D: {path!r} is not one of the file types it takes: "
                    + ", ".join(SUPPORTED_TYPES)
                )
            self._set_path(path, ext)
        elif hasattr(data, "read"):
            self._from_stream(data, kwargs.get("file_type"))
        elif isinstance(data, dict):
            self._set_json(_lidar(data))
        elif is_array(data):
            if data.ndim != 2 or data.shape[1] not in (3, 4, 6) or data.dtype.kind not in "biuf":
                raise ValueError(f"Object3D: an array of shape {data.shape}; {SHAPE_HINT}")
            self._set_json(data.tolist())
        else:
            raise ValueError(
                f"Object3D: pass a numpy array, a lidar/beta dict or a path; {SHAPE_HINT}"
            )

    def _from_stream(self, stream: Any, file_type: Any) -> None:
        if file_type not in SUPPORTED_TYPES:
            raise ValueError(
                "Object3D: an open stream needs file_type=, one of " + ", ".join(SUPPORTED_TYPES)
            )
        if hasattr(stream, "seek"):
            stream.seek(0)
        body = stream.read()
        self._set_bytes(body.encode() if isinstance(body, str) else body, "." + file_type)

    def _set_json(self, value: Any) -> None:
        self._set_bytes(json.dumps(value).encode(), ".pts.json")

    @classmethod
    def seq_json(cls, pointers: list[dict[str, Any]], items: list[Any]) -> dict[str, Any]:
        return {
            "_type": "object3D",
            "filenames": [os.path.relpath(p["path"], cls.SUBDIR) for p in pointers],
            "count": len(items),
            "objects": pointers,
        }


def _lidar(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("type") != "lidar/beta":
        raise ValueError("Object3D: a dict must have type 'lidar/beta' (the one W&B supports)")

    def listed(name: str) -> Any:
        value = data.get(name)
        if value is None:
            return []
        return value.tolist() if hasattr(value, "tolist") else list(value)

    return {
        "type": "lidar/beta",
        "vectors": listed("vectors"),
        "points": listed("points"),
        "boxes": listed("boxes"),
    }
