"""A logged media pointer as the files a panel draws: URLs, captions, sizes, and the
overlays of images (masks with their class labels, boxes read from their file).

One answer carries everything a media panel needs but the bytes of the files,
so moving the step slider costs one request plus the images themselves.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

from runbase.blobs import BlobStore
from runbase.server.blob_files import small_file
from runbase.server.cache import LruCache
from runbase.store import Store, queries

# A boxes2D file larger than this is not inlined (its boxes are left out).
MAX_BOXES_BYTES = 4 << 20

# Lists of media: the list's key in the pointer, for each _type that holds one.
_LISTS = {"audio": "audio", "videos": "videos", "html": "html", "object3D": "objects"}
_INLINE_KINDS = {"histogram"}
# Images at most this large travel inside the answer as data: URLs.
MAX_INLINE_BYTES = 16 << 10
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".webp": "image/webp"}  # fmt: skip


def file_url(entity: str, project: str, run_id: str, path: str) -> str:
    """The files route's URL of a run's file."""
    parts = (quote(entity, safe=""), quote(project, safe=""), quote(run_id, safe=""))
    return f"/api/v1/projects/{parts[0]}/{parts[1]}/runs/{parts[2]}/files/{quote(path)}"


def _pointers(value: dict[str, Any]) -> list[dict[str, Any]]:
    """The single-file pointers inside a logged value (a list holds several)."""
    tag = value.get("_type")
    if tag == "images/separated":
        names = value.get("filenames") or []
        captions = value.get("captions") or []
        masks = value.get("all_masks") or []
        boxes = value.get("all_boxes") or []
        out = []
        for i, name in enumerate(names):
            out.append(
                {
                    "path": name,
                    "caption": captions[i] if i < len(captions) else None,
                    "width": value.get("width"),
                    "height": value.get("height"),
                    "format": value.get("format"),
                    "masks": masks[i] if i < len(masks) else None,
                    "boxes": boxes[i] if i < len(boxes) else None,
                }
            )
        return out
    if isinstance(tag, str) and tag in _LISTS:
        items = [p for p in value.get(_LISTS[tag]) or [] if isinstance(p, dict)]
        captions = value.get("captions") or []
        return [
            {**p, "caption": p.get("caption") or (captions[i] if i < len(captions) else None)}
            for i, p in enumerate(items)
        ]
    return [value] if isinstance(value.get("path"), str) else []


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


class FileShaper:
    """Turns the media items of one request into ``MediaItem`` bodies."""

    def __init__(
        self,
        store: Store,
        entity: str,
        project: str,
        key: str,
        boxes: LruCache,
        blobs: BlobStore | None = None,
    ) -> None:
        self.store, self.entity, self.project, self.key = store, entity, project, key
        self.boxes = boxes
        self.blobs = blobs  # the team server's: where shipped runs' files are

    def _read(self, run_id: str, path: str, limit: int) -> bytes | None:
        """Up to ``limit`` + 1 bytes of a run's file (on disk, else a shipped run's blob)."""
        run = (self.entity, self.project, run_id)
        try:
            with queries.local_file(self.store, run, path).open("rb") as f:
                return f.read(limit + 1)
        except (OSError, ValueError):
            return small_file(self.blobs, self.store, run, path, limit)

    def item(self, it: queries.MediaItem) -> dict[str, Any]:
        value = it.value if isinstance(it.value, dict) else {}
        # A row recorded before its files were written, by a run killed in between:
        # nothing to draw, and the panel says why.
        missing = queries.is_missing(value)
        files = (
            []
            if missing or it.kind in _INLINE_KINDS
            else [self._file(it, p) for p in _pointers(value)]
        )
        return {"run_id": it.run_id, "step": it.step, "kind": it.kind, "value": value,
                "files": files, "missing": missing}  # fmt: skip

    def _file(self, it: queries.MediaItem, p: dict[str, Any]) -> dict[str, Any]:
        url = file_url(self.entity, self.project, it.run_id, str(p["path"]))
        out: dict[str, Any] = {
            "path": p["path"],
            "url": url,
            "view_url": url + "?view=1" if it.kind == "html" else None,
            "caption": _text(p.get("caption")),
            "width": _int(p.get("width")),
            "height": _int(p.get("height")),
            "format": _text(p.get("format")),
            "size": _int(p.get("size")),
            "inline": self._inline(it.run_id, str(p["path"])) if it.kind == "image" else None,
            "masks": [],
            "boxes": [],
        }
        mask_labels = it.labels.get("mask/class_labels", {})
        for name, m in _overlays(p.get("masks")):
            labels = mask_labels.get(f"{self.key}_wandb_delimeter_{name}", {})
            out["masks"].append(self._overlay(it, name, m) | {"class_labels": labels})
        box_labels = it.labels.get("bounding_box/class_labels", {})
        for name, b in _overlays(p.get("boxes")):
            data = self._box_file(it.run_id, str(b["path"]))
            labels = data.get("class_labels") or box_labels.get(
                f"{self.key}_wandb_delimeter_{name}", {}
            )
            out["boxes"].append(
                self._overlay(it, name, b)
                | {"box_data": data.get("box_data", []),
                   "class_labels": {str(k): str(v) for k, v in labels.items()}}
            )  # fmt: skip
        return out

    def _overlay(self, it: queries.MediaItem, name: str, p: dict[str, Any]) -> dict[str, Any]:
        path = str(p["path"])
        return {"name": name, "path": path, "inline": self._inline(it.run_id, path),
                "url": file_url(self.entity, self.project, it.run_id, path)}  # fmt: skip

    def _inline(self, run_id: str, path: str) -> str | None:
        """A small image's bytes as a data: URL (never SVG: only types that cannot
        hold script), or None."""
        kind = _IMAGE_TYPES.get(path[path.rfind(".") :].lower()) if "." in path else None
        if kind is None:
            return None
        data = self._read(run_id, path, MAX_INLINE_BYTES)
        if data is None or len(data) > MAX_INLINE_BYTES:
            return None
        return f"data:{kind};base64,{base64.b64encode(data).decode()}"

    def _box_file(self, run_id: str, path: str) -> dict[str, Any]:
        """A boxes2D file's JSON (cached: the files are content-addressed, never rewritten)."""
        ck = (self.store.url, self.entity, self.project, run_id, path)
        cached = self.boxes.get(ck)
        if cached is not None:
            return dict(cached)
        data: dict[str, Any] = {}
        try:
            raw = self._read(run_id, path, MAX_BOXES_BYTES)
            if raw is None:
                return {}  # not written yet (a live run): no boxes, try again later
            if len(raw) <= MAX_BOXES_BYTES:
                loaded = json.loads(raw)
                if isinstance(loaded, dict):
                    boxes = loaded.get("box_data")
                    labels = loaded.get("class_labels")
                    data = {
                        "box_data": [b for b in boxes if isinstance(b, dict)]
                        if isinstance(boxes, list) else [],
                        "class_labels": labels if isinstance(labels, dict) else {},
                    }  # fmt: skip
        except (OSError, ValueError):
            return {}  # not written yet (a live run) or not JSON: no boxes, try again later
        self.boxes.put(ck, data)
        return dict(data)


def _overlays(group: Any) -> list[tuple[str, dict[str, Any]]]:
    """(name, pointer) of a masks or boxes dict, skipping anything without a path."""
    if not isinstance(group, dict):
        return []
    return [
        (str(name), p)
        for name, p in group.items()
        if isinstance(p, dict) and isinstance(p.get("path"), str)
    ]
