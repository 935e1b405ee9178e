"""What every data type shares: the two phases of logging one, and lazy imports.

Logging a data type happens in two phases (see docs/architecture.md, "Media"):

1. ``_prepare(key)`` on the caller's thread checks everything that can be wrong
   with the input and takes a cheap copy of it (an array copy, a file's size),
   so a bad value raises before anything of its ``log()`` call is stored, and a
   later change to the user's array does not change what was logged. It returns
   the final JSON for inline types (``Histogram``) or a :class:`Pending`.
2. ``Pending.write(ctx, key, step)`` on the run's media thread encodes, hashes
   and writes the files (through ``ctx``) and returns W&B's pointer dict.

Nothing here imports numpy or Pillow at import time: ``import runbase`` stays light.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from runbase.sdk.data_types.writer import MediaContext

# A media file runbase keeps with a run: bigger ones are refused with a hint.
MAX_FILE_BYTES = 1 << 30
MEDIA_EXTRA = "runbase[media]"


class Pending(Protocol):
    """A prepared value whose files the media thread writes."""

    @property
    def nbytes(self) -> int:
        """Memory it holds until written (for back-pressure)."""
        ...

    def write(self, ctx: MediaContext, key: str, step: int | str) -> dict[str, Any]:
        """Write the files and return the pointer dict for the history row."""
        ...


class WBValue:
    """Base of the objects ``log()`` turns into W&B's JSON values."""

    _log_type: ClassVar[str] = ""

    def _prepare(self, key: str) -> Pending | dict[str, Any]:
        """Check and copy on the caller's thread (see the module doc)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<runbase.{type(self).__name__}>"


class Media(WBValue):
    """A value stored as a file under the run's ``media/`` folder."""

    _caption: str | None = None

    @staticmethod
    def captions(items: list[Media]) -> list[str | None] | bool:
        """W&B's list form: every caption, or False when the first has none."""
        if items[0]._caption is not None:
            return [m._caption for m in items]
        return False


class Batchable(Media):
    """Media that several of can be logged under one key as a list."""

    MAX_ITEMS: ClassVar[int] = 108  # W&B's Image.MAX_ITEMS; a longer list is cut

    @classmethod
    def seq_json(cls, pointers: list[dict[str, Any]], items: list[Any]) -> dict[str, Any]:
        """The pointer dict of a list of this type, from each item's pointer."""
        raise NotImplementedError


def find_media(data: dict[str, Any]) -> list[str] | None:
    """Keys of ``data`` holding data types (or lists of them); None when there are none."""
    found = None
    for k, v in data.items():
        if isinstance(v, WBValue) or (type(v) is list and v and isinstance(v[0], WBValue)):
            if found is None:
                found = []
            found.append(k)
    return found


def numpy() -> Any:
    """numpy, imported on first use (a base dependency)."""
    import numpy

    return numpy


def pil_image() -> Any:
    """``PIL.Image``, imported on first use."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a base dependency
        raise ImportError(
            "runbase needs Pillow for images: pip install pillow (it is a dependency of "
            "runbase; your environment lacks it)"
        ) from None
    return Image


def module_of(value: Any) -> str:
    """The top-level package of a value's type (``numpy``, ``torch``, ``PIL``...)."""
    return type(value).__module__.split(".")[0]


def is_array(value: Any) -> bool:
    return module_of(value) == "numpy" and hasattr(value, "shape")


def is_tensor(value: Any) -> bool:
    return module_of(value) == "torch" and hasattr(value, "detach")


def tensor_to_numpy(value: Any) -> Any:
    """A torch tensor as a numpy array (detached, on the CPU)."""
    return value.detach().cpu().numpy()


def check_file(path: str, what: str, exts: tuple[str, ...] | None = None) -> int:
    """The size of a readable regular file for ``what``, or a clear error."""
    if exts is not None and not path.lower().endswith(exts):
        raise ValueError(
            f"{what}: {path!r} is not one of the file types it takes ({', '.join(exts)}); "
            "convert it first"
        )
    try:
        st = os.stat(path)
    except OSError as e:
        raise FileNotFoundError(
            f"{what}: cannot read {path!r} ({e.strerror}); check the path"
        ) from None
    if not os.path.isfile(path):
        raise ValueError(f"{what}: {path!r} is not a regular file")
    if st.st_size > MAX_FILE_BYTES:
        raise ValueError(
            f"{what}: {path!r} is {st.st_size / 1e9:.1f} GB; runbase keeps media files of at "
            f"most {MAX_FILE_BYTES >> 30} GiB. Make it smaller (shorter, lower resolution) "
            "or keep it with run.save()"
        )
    return st.st_size


def check_nbytes(nbytes: int, what: str) -> None:
    """Refuse in-memory data too big to keep as one media file."""
    if nbytes > MAX_FILE_BYTES:
        raise ValueError(
            f"{what}: the data is {nbytes / 1e9:.1f} GB; runbase keeps media files of at most "
            f"{MAX_FILE_BYTES >> 30} GiB. Log a smaller one (fewer frames, lower resolution)"
        )


def file_ext(path: str, known: tuple[str, ...]) -> str:
    """The extension of ``path`` among ``known`` (longest match first, e.g. ``.pts.json``)."""
    lower = path.lower()
    for ext in sorted(known, key=len, reverse=True):
        if lower.endswith("." + ext):
            return "." + ext
    return os.path.splitext(path)[1].lower()


class FileMedia(Batchable):
    """Media kept as one file: bytes made by the constructor, or a file copied in."""

    SUBDIR: ClassVar[str] = ""

    def _set_bytes(self, data: bytes, ext: str) -> None:
        check_nbytes(len(data), type(self).__name__)
        self._bytes: bytes | None = data
        self._src: str | None = None
        self._ext = ext

    def _set_path(self, path: str, ext: str) -> None:
        check_file(path, type(self).__name__)
        self._bytes = None
        self._src = path
        self._ext = ext

    @property
    def nbytes(self) -> int:
        return len(self._bytes) if self._bytes is not None else 0

    def _prepare(self, key: str) -> Pending:
        return self

    def write(self, ctx: MediaContext, key: str, step: int | str) -> dict[str, Any]:
        out: dict[str, Any] = {"_type": self._log_type}
        if self._caption is not None:
            out["caption"] = self._caption
        if self._bytes is not None:
            out.update(ctx.store(self.SUBDIR, key, step, self._bytes, self._ext))
        else:
            assert self._src is not None
            out.update(ctx.store_path(self.SUBDIR, key, step, self._src, self._ext))
        return out
