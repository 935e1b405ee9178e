"""``runbase.Histogram`` (``wandb.Histogram``): stored inline in the row, no file.

A numpy array (or tensor) of more than 32 numbers logged as a value becomes a
32-bin histogram, as in W&B.
"""

from __future__ import annotations

from typing import Any, ClassVar

from runbase.sdk.data_types.base import WBValue, is_tensor, numpy, tensor_to_numpy

AUTO_BINS = 32


class Histogram(WBValue):
    """``Histogram(sequence, num_bins=64)`` or ``Histogram(np_histogram=np.histogram(x))``."""

    MAX_LENGTH: ClassVar[int] = 512
    _log_type: ClassVar[str] = "histogram"

    def __init__(
        self,
        sequence: Any = None,
        np_histogram: tuple[Any, Any] | None = None,
        num_bins: int = 64,
    ) -> None:
        if np_histogram is not None:
            if len(np_histogram) != 2:
                raise ValueError(
                    "Histogram: np_histogram must be the (values, bin_edges) pair that "
                    "numpy.histogram returns"
                )
            values, bins = np_histogram
            self.histogram = _as_list(values)
            self.bins = _as_list(bins)
        elif sequence is None:
            raise ValueError("Histogram: pass a sequence of numbers or np_histogram=")
        else:
            self.histogram, self.bins = _compute(sequence, num_bins)
        if len(self.histogram) > self.MAX_LENGTH:
            raise ValueError(
                f"Histogram: at most {self.MAX_LENGTH} bins, got {len(self.histogram)}"
            )
        if len(self.histogram) + 1 != len(self.bins):
            raise ValueError("Histogram: there must be one more bin edge than bin values")

    def _prepare(self, key: str) -> dict[str, Any]:
        return self.to_json()

    def to_json(self) -> dict[str, Any]:
        """The inline JSON W&B writes: ``{"_type": "histogram", "values", "bins"}``."""
        return {"_type": self._log_type, "values": self.histogram, "bins": self.bins}


def _as_list(values: Any) -> list[Any]:
    return list(values.tolist() if hasattr(values, "tolist") else values)


def _compute(sequence: Any, num_bins: int) -> tuple[list[Any], list[float]]:
    np = numpy()
    if is_tensor(sequence):
        sequence = tensor_to_numpy(sequence)
    arr = np.asarray(sequence)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"Histogram: the values must be numbers, got dtype {arr.dtype}")
    arr = arr.reshape(-1)
    finite = arr[np.isfinite(arr)] if arr.dtype.kind == "f" else arr
    values, bins = np.histogram(finite, bins=num_bins)
    return values.tolist(), bins.tolist()


def array_histogram(value: Any, key: str, what: str) -> dict[str, Any]:
    """A big array logged as a value: its 32-bin histogram (NaN and inf left out)."""
    try:
        return Histogram(value, num_bins=AUTO_BINS).to_json()
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"{what}: {key!r} is an array of {getattr(value, 'size', '?')} values, which runbase "
            f"stores as a histogram, but: {e}. Log a summary of it instead (e.g. arr.mean())"
        ) from None
