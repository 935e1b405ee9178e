"""History rows whose media files are written after the row: MEDIA_ROW and MEDIA_DONE.

Encoding a PNG or a video takes milliseconds to minutes, and a media pointer names
its file by the file's sha256, so the pointer exists only once the file does. A row
holding media is therefore recorded at ``log()`` time as a MEDIA_ROW (its plain
values, a token, a placeholder per media key), and everything the script logs after
it is recorded at once behind it: a SIGKILL while a file is being encoded loses no
row. The run's media thread writes each file (temporary name, then rename), its FILE
record, then a MEDIA_DONE with the token and the pointers.

Readers turn the pair back into the HISTORY record W&B scripts expect
(:func:`resolve`). A reader of a live run stops in front of a MEDIA_ROW whose
MEDIA_DONE has not been written yet and reads on from there at its next pass, so it
never shows a pointer to a file that is not in place. Once the writer is gone, a row
left without its MEDIA_DONE keeps its plain values and says which files are missing:
``{"_type": ..., "missing": True}``.
"""

from __future__ import annotations

from typing import Any

from runbase.records.framing import Frame, FrameProblem
from runbase.records.kinds import Kind

_ROW = int(Kind.MEDIA_ROW)
_DONE = int(Kind.MEDIA_DONE)
_HISTORY = int(Kind.HISTORY)


def has_media_rows(frames: list[Frame]) -> bool:
    """True when ``frames`` hold MEDIA_ROW or MEDIA_DONE records (a cheap scan)."""
    return any(f.kind == _ROW or f.kind == _DONE for f in frames)


def resolve(
    frames: list[Frame], final: bool, problems: list[FrameProblem]
) -> tuple[list[Frame], int | None]:
    """The frames with each MEDIA_ROW made a HISTORY record, and where to stop.

    Returns (frames, hold): ``hold`` is the byte offset of the first MEDIA_ROW still
    waiting for its files when the writer may still write them (``final`` false);
    the frames returned end before it. Malformed records are reported in
    ``problems`` and dropped.
    """
    done: dict[Any, dict[str, Any]] = {}
    for f in frames:
        if f.kind == _DONE:
            p = f.payload
            if type(p) is list and len(p) == 2 and type(p[1]) is dict:
                done[_token(p[0])] = p[1]
            else:
                problems.append(FrameProblem(f.offset, f.end - f.offset, "bad MEDIA_DONE record"))
    out: list[Frame] = []
    for f in frames:
        if f.kind == _DONE:
            continue
        if f.kind != _ROW:
            out.append(f)
            continue
        p = f.payload
        if not _row_shape(p):
            problems.append(FrameProblem(f.offset, f.end - f.offset, "bad MEDIA_ROW record"))
            continue
        step, values, token, placeholders = p
        pointers = done.get(_token(token))
        if pointers is None and not final:
            return out, f.offset
        row = dict(values)
        for key, placeholder in placeholders.items():
            if pointers is None:
                row[key] = {**placeholder, "missing": True}
            elif key in pointers:
                row[key] = pointers[key]
        if row:
            out.append(Frame(f.offset, f.end, _HISTORY, f.time, [step, row]))
    return out, None


def _token(value: Any) -> Any:
    # Tokens are ints; anything unhashable that slipped through a valid checksum
    # must not crash the reader.
    return value if type(value) is int else repr(value)


def _row_shape(p: Any) -> bool:
    return (
        type(p) is list
        and len(p) == 4
        and type(p[0]) is int
        and type(p[1]) is dict
        and type(p[3]) is dict
        and all(type(v) is dict for v in p[3].values())
    )
