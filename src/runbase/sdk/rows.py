"""Checks and messages of ``log()`` that stay off its hot path.

An explicit ``step=``, an oversized record, values logged under the names readers
derive (``_step``, ``_timestamp``, ``_runtime``). Every check that raises runs
before anything is written, so a call that raises changes nothing.
"""

from __future__ import annotations

from typing import Any

from runbase.records.framing import MAX_FRAME

# Steps are stored as signed 64-bit integers, and the step after the last must fit too.
STEP_LIMIT = 2**63 - 1


def checked_step(step: Any) -> int:
    """``step`` as an int in [0, STEP_LIMIT), or an error naming the argument."""
    if isinstance(step, bool) or not hasattr(step, "__index__"):
        raise TypeError(f"run.log(step=...) must be an int, got {type(step).__name__}")
    step = int(step.__index__())
    if not 0 <= step < STEP_LIMIT:  # one comparison when the step is fine
        if step < 0:
            raise ValueError(f"run.log(step={step}) must not be negative; nothing was logged")
        raise ValueError(
            f"run.log(step={step}) is too large: steps must be below 2**63 - 1. "
            "Nothing was logged and the run's step is unchanged"
        )
    return int(step)


def lower_step_warning(run_id: str, step: int, current: int) -> str:
    """The one-time warning for a step below the current one (the row is kept)."""
    return (
        f"runbase: run {run_id} logged step {step}, lower than the current step "
        f"{current}. The data is kept as its own row at step {step} (not dropped); "
        "the next log() without step= continues at the current step. This warning "
        "is shown once per run."
    )


RESERVED = frozenset(("_step", "_timestamp", "_runtime"))


def reserved_warning(run_id: str, key: str) -> str:
    """Readers set ``_step``, ``_timestamp`` and ``_runtime`` of each row themselves.

    W&B drops a logged ``_step`` and ``_runtime`` without a word (and takes
    ``_timestamp`` as the row's time); runbase says so, once per key and run.
    """
    what = "the row's step" if key == "_step" else "the time of each log() call"
    fix = "Pass step= to log() to choose a row's step, or log" if key == "_step" else "Log"
    return (
        f"runbase: run {run_id} logged values under {key!r}; readers set {key} of every row "
        f"themselves (from {what}), so those values are not kept. {fix} the value under "
        f"another key such as {key[1:]!r}. This warning is shown once per run."
    )


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
    """The one-time warning for a row over LARGE_ROW bytes (it is stored)."""
    return (
        f"runbase: run {run_id} logged a row of {len(body) >> 20} MB; it is stored, "
        "but rows this large make charts and history slow. Log large data as files "
        "(run.save) instead."
    )
