"""What one ``log()`` call becomes besides its values: its step and its time.

Only calls off the hot path come here: an explicit ``step=``, a row that names
``_step``, ``_timestamp`` or ``_runtime``, an oversized record. Every check runs
before anything is written, so a call that raises changes nothing.
"""

from __future__ import annotations

from typing import Any

from runbase.records.framing import MAX_FRAME

# Steps are stored as signed 64-bit integers, and the step after the last must fit too.
STEP_LIMIT = 2**63 - 1


def checked_step(step: Any, arg: str = "step") -> int:
    """``step`` as an int in [0, STEP_LIMIT), or an error naming ``arg``."""
    if isinstance(step, bool) or not hasattr(step, "__index__"):
        raise TypeError(f"run.log({arg}=...) must be an int, got {type(step).__name__}")
    step = int(step.__index__())
    if not 0 <= step < STEP_LIMIT:
        if step < 0:
            raise ValueError(f"run.log({arg}={step}) must not be negative; nothing was logged")
        raise ValueError(
            f"run.log({arg}={step}) is too large: steps must be below 2**63 - 1. "
            "Nothing was logged and the run's step is unchanged"
        )
    return step


def lower_step_warning(run_id: str, step: int, current: int) -> str:
    return (
        f"runbase: run {run_id} logged step {step}, lower than the current step "
        f"{current}. The data is kept as its own row at step {step} (not dropped); "
        "the next log() without step= continues at the current step. This warning "
        "is shown once per run."
    )


def split_reserved(data: dict[str, Any], step: Any) -> tuple[dict[str, Any], Any]:
    """A row without ``_step``, and its step; an error for ``_timestamp`` / ``_runtime``.

    W&B drops a logged ``_step`` and ``_runtime`` without a word and takes ``_timestamp``
    as the row's time. Here ``_step`` is taken as ``step=``; ``_timestamp`` and
    ``_runtime`` are refused: readers derive both from the time each record was written,
    and that time also tells readers on other hosts whether the writer is alive.
    """
    for key in ("_timestamp", "_runtime"):
        if key in data:
            raise ValueError(
                f"run.log: {key!r} is set by runbase from the time of each log() call and "
                f"cannot be logged; log your value under another key (e.g. {key[1:]!r}). "
                "Nothing was logged"
            )
    data = dict(data)  # the caller's dict is left as it was
    given = checked_step(data.pop("_step"), "_step")
    if step is not None and step != given:
        raise ValueError(
            f"run.log: '_step' ({given!r}) and step= ({step!r}) disagree; pass only step=. "
            "Nothing was logged"
        )
    return data, given


LARGE_ROW = 10 << 20


def check_size(run_id: str, body: bytes) -> None:
    """Refuse a record over the frame limit (the writer would refuse it forever)."""
    if len(body) > MAX_FRAME:
        raise ValueError(
            f"run {run_id}: a record of {len(body) >> 20} MB is over the {MAX_FRAME >> 20} MB "
            "limit; nothing from this call was recorded. Log large data as files (run.save) "
            "instead."
        )


def large_row_warning(run_id: str, body: bytes) -> str:
    return (
        f"runbase: run {run_id} logged a row of {len(body) >> 20} MB; it is stored, "
        "but rows this large make charts and history slow. Log large data as files "
        "(run.save) instead."
    )
