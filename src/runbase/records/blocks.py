"""Blocks: stretches of HISTORY records read as columns (``columns.py`` reads them).

Defined apart from the reader so that code which only recognises blocks (the
indexer's fold) does not load NumPy before it meets one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runbase.records.framing import Frame

if TYPE_CHECKING:
    from typing import TypeAlias

    import numpy as np
    import numpy.typing as npt

    I8Array: TypeAlias = npt.NDArray[np.int64]
    F8Array: TypeAlias = npt.NDArray[np.float64]
    Column: TypeAlias = "F8Array | I8Array | Same"

# Frame.kind of a block: no record kind. Readers check the payload's type (a
# HistoryBlock), which no file can make.
HISTORY_BLOCK = -1


@dataclass(frozen=True, slots=True)
class Same:
    """A column whose value is the same in every record (template bytes)."""

    value: Any


@dataclass(slots=True)
class HistoryBlock:
    """Consecutive HISTORY records with the same keys, as columns.

    ``columns[j]`` holds the values of ``keys[j]``: float64 or int64 arrays
    (the logged floats and ints), or ``Same`` for a value every record repeats.
    Record ``i`` starts at byte ``offset + i * stride`` of its file.
    """

    offset: int
    stride: int
    steps: I8Array
    times: F8Array
    keys: tuple[str, ...]
    columns: tuple[Column, ...]

    def __len__(self) -> int:
        return len(self.steps)

    def row(self, i: int) -> dict[str, Any]:
        """Record ``i``'s values as the decoder gives them (a fresh dict)."""
        return {k: _value(c, i) for k, c in zip(self.keys, self.columns, strict=True)}

    def take(self, sel: slice | I8Array) -> HistoryBlock:
        """The records ``sel`` picks (a slice, or indices in order); ``offset`` and
        ``stride`` then describe the block they came from."""
        cols = tuple(c if isinstance(c, Same) else c[sel] for c in self.columns)
        return HistoryBlock(
            self.offset, self.stride, self.steps[sel], self.times[sel], self.keys, cols
        )


def _value(column: Column, i: int) -> Any:
    if isinstance(column, Same):
        return column.value
    return column[i].item()


def records_in(frames: list[Frame]) -> int:
    """How many records ``frames`` hold (a block holds many)."""
    return sum(len(f.payload) if f.kind == HISTORY_BLOCK else 1 for f in frames)
