"""``runbase.Audio`` (``wandb.Audio``): arrays written as 16-bit WAV, or audio files."""

from __future__ import annotations

import io
import os
import wave
from typing import Any, ClassVar

from runbase.sdk.data_types.base import FileMedia, is_tensor, numpy, tensor_to_numpy


class Audio(FileMedia):
    """``Audio(samples, sample_rate=16000, caption=)`` or ``Audio("clip.mp3")``."""

    SUBDIR: ClassVar[str] = "media/audio"
    _log_type: ClassVar[str] = "audio-file"

    def __init__(
        self, data_or_path: Any, sample_rate: int | None = None, caption: str | None = None
    ) -> None:
        self._caption = None if caption is None else str(caption)
        self._sample_rate = sample_rate
        self._duration: float | None = None
        if isinstance(data_or_path, str | os.PathLike):
            path = os.fspath(data_or_path)
            self._set_path(path, os.path.splitext(path)[1])
            return
        if sample_rate is None:
            raise ValueError("Audio: sample_rate= is needed with raw samples (e.g. 16000)")
        if not isinstance(sample_rate, int) or not 0 < sample_rate < 2**31:
            raise ValueError(f"Audio: sample_rate must be a positive int, got {sample_rate!r}")
        data = tensor_to_numpy(data_or_path) if is_tensor(data_or_path) else data_or_path
        samples = _pcm16(numpy().asarray(data))
        self._duration = len(samples) / float(sample_rate)
        self._set_bytes(_wav(samples, sample_rate), ".wav")

    @classmethod
    def seq_json(cls, pointers: list[dict[str, Any]], items: list[Any]) -> dict[str, Any]:
        meta: dict[str, Any] = {"_type": "audio", "count": len(items), "audio": pointers}
        meta["sampleRates"] = [a._sample_rate for a in items]
        meta["durations"] = [a._duration for a in items]
        captions = [a._caption for a in items]
        if any(c is not None for c in captions):
            meta["captions"] = ["" if c is None else c for c in captions]
        return meta


def _pcm16(arr: Any) -> Any:
    """Samples (frames [x channels]) as int16, as soundfile writes a WAV by default."""
    np = numpy()
    if arr.ndim not in (1, 2) or arr.size == 0 or arr.dtype.kind not in "biuf":
        raise ValueError(
            f"Audio: samples must be a non-empty 1-D (mono) or frames x channels array of "
            f"numbers, got shape {arr.shape} and dtype {arr.dtype}"
        )
    if arr.dtype.kind == "f":
        return np.round(np.clip(np.nan_to_num(arr), -1.0, 1.0) * 32767).astype("<i2")
    if arr.dtype == np.int16:
        return arr.astype("<i2")
    if arr.dtype == np.uint8:
        return ((arr.astype(np.int32) - 128) << 8).astype("<i2")
    info = np.iinfo(arr.dtype)
    shift = max(info.bits - 16, 0)
    return (arr.astype(np.int64) >> shift).clip(-32768, 32767).astype("<i2")


def _wav(samples: Any, rate: int) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1 if samples.ndim == 1 else samples.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return buf.getvalue()
