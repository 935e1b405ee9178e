"""The shapes record payloads must have before a reader derives anything from them.

A frame whose checksum verifies can still carry a payload of the wrong shape: a
bug in another writer, a file written by hand, bytes damaged before the checksum
was taken. :func:`check_frames` returns the frames a reader may trust. A record
of a known kind whose payload has the wrong shape is dropped; in START and INFO
records (which make a run visible and name it) only the bad fields are dropped,
and the dicts of CONFIG, SUMMARY and METADATA lose only their bad keys. Every
drop is reported as a ``FrameProblem`` at the record's offset. Records of kinds
this version does not know are passed on untouched (readers ignore them).

HISTORY is checked for its outline only ([int64 step, dict]), at the cost of a
few type checks per record; its keys and values are checked where the indexer
already goes through them once per key (``store/history.py``).

The limits below are the contract's: the store's columns are sized to them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runbase.records.framing import TIME_LIMIT, Frame, FrameProblem
from runbase.records.kinds import Kind
from runbase.records.layout import id_problem, name_problem

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT32_MAX = 2**31 - 1
MAX_KEY = 512  # a flat key (history, config, summary)
MAX_TAG = 256
MAX_STREAM = 16
MAX_PATH = 1024
MAX_POLICY = 16
MAX_SEGMENT_NAME = 128
# Nesting deeper than this is not a value anyone logs; it would only exhaust recursion.
MAX_DEPTH = 64
# The fields every history row has, which readers derive from the records: a value
# logged under one of these names is not a series of its own.
ROW_KEYS = ("_step", "_timestamp", "_runtime")

_SCALARS = frozenset((str, int, float, bool, type(None)))
_TEXT_FIELDS = ("name", "notes", "group", "job_type")

Checked = tuple[Any, list[str]]
# The payload stands for "drop the whole record".
DROP: Any = object()


def plain(value: Any, depth: int = 0) -> bool:
    """True for None, bool, int, float, str, and lists and str-keyed dicts of those."""
    t = type(value)
    if t in _SCALARS:
        return True
    if depth >= MAX_DEPTH:
        return False
    if t is list:
        return all(plain(v, depth + 1) for v in value)
    if t is dict:
        return all(type(k) is str and plain(v, depth + 1) for k, v in value.items())
    return False


def key_problem(key: Any) -> str | None:
    """Why ``key`` cannot name a history series, config or summary value (None: it can)."""
    if type(key) is not str:
        return f"key {_short(key)} has type {type(key).__name__}, not str"
    if "\x00" in key:
        return f"key {key!r} contains a NUL character"
    if len(key) > MAX_KEY:
        return f"key {key[:40]!r}... is longer than {MAX_KEY} characters"
    return None


def _text(value: Any, limit: int | None = None) -> str | None:
    """Why ``value`` is not usable text (None: it is)."""
    if type(value) is not str:
        return f"has type {type(value).__name__}, not str"
    if "\x00" in value:
        return "contains a NUL character"
    if limit is not None and len(value) > limit:
        return f"is longer than {limit} characters"
    return None


def _number(value: Any, lo: float, hi: float) -> bool:
    return type(value) in (int, float) and lo <= value <= hi


def _clean_dict(d: dict[Any, Any], what: str, notes: list[str]) -> dict[str, Any]:
    """``d`` without the keys that are not usable or whose values are not plain."""
    out = {}
    for k, v in d.items():
        why = key_problem(k)
        if why is None and not plain(v):
            why = f"the value of {_short(k)} is not JSON-like (or is nested too deeply)"
        if why is None:
            out[k] = v
        else:
            notes.append(f"{what}: {why}: dropped")
    return out


def _fields(payload: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """The run fields of START and INFO, without the bad ones."""
    out = dict(payload)
    for key in _TEXT_FIELDS:
        value = payload.get(key)
        if value is not None and (why := _text(value)) is not None:
            notes.append(f"field {key!r} {why}: dropped")
            del out[key]
    if "tags" in payload and payload["tags"] is not None:
        tags = payload["tags"]
        if type(tags) is not list:
            notes.append(f"field 'tags' has type {type(tags).__name__}, not list: dropped")
            del out["tags"]
        else:
            good = [t for t in tags if _text(t, MAX_TAG) is None]
            if len(good) != len(tags):
                bad = [t for t in tags if _text(t, MAX_TAG) is not None]
                notes.append(
                    f"tags {_short(bad)} are not strings of at most {MAX_TAG} characters: dropped"
                )
                out["tags"] = good
    return out


def _not_dict(p: Any) -> Checked:
    return DROP, [f"payload {_short(p)} is not a dict"]


def _start(p: Any) -> Checked:
    if type(p) is not dict:
        return _not_dict(p)
    notes: list[str] = []
    out = _fields(p, notes)
    # The run's folder names it; these copies are only checked so a bad one is reported.
    for key in ("entity", "project", "id"):
        value = p.get(key)
        if value is None:
            continue
        why = id_problem(value) if key == "id" else name_problem(key, value)
        if why is not None:
            notes.append(f"field {key!r}: {why}: dropped")
            del out[key]
    for key in ("user", "host", "runbase_version", "mode", "sweep"):
        if p.get(key) is not None and (why := _text(p[key])) is not None:
            notes.append(f"field {key!r} {why}: dropped")
            del out[key]
    for key, lo, hi, what in (
        ("pid", 0, INT32_MAX, "a process id"),
        ("pid_start", 0, INT64_MAX, "a process start time in ticks"),
        ("start_time", -TIME_LIMIT, TIME_LIMIT, "a Unix time"),
    ):
        value = p.get(key)
        if value is None:
            continue
        if not (_number(value, lo, hi) and (key == "start_time" or type(value) is int)):
            notes.append(f"field {key!r} is {_short(value)}, not {what}: dropped")
            del out[key]
    if p.get("config") is not None:
        if type(p["config"]) is dict:
            out["config"] = _clean_dict(p["config"], "config", notes)
        else:
            notes.append(f"field 'config' has type {type(p['config']).__name__}, not dict: dropped")
            del out["config"]
    return out, notes


def _info(p: Any) -> Checked:
    if type(p) is not dict:
        return _not_dict(p)
    notes: list[str] = []
    return _fields(p, notes), notes


def _changes(what: str) -> Callable[[Any], Checked]:
    """CONFIG and SUMMARY: ``{"set": {key: value}, "del": [key]}``."""

    def check(p: Any) -> Checked:
        if type(p) is not dict:
            return _not_dict(p)
        sets, dels = p.get("set"), p.get("del")
        if sets is not None and type(sets) is not dict:
            return DROP, [f"'set' is {_short(sets)}, not a dict"]
        if dels is not None and type(dels) is not list:
            return DROP, [f"'del' is {_short(dels)}, not a list"]
        notes: list[str] = []
        kept: list[str] = []
        out = {"set": _clean_dict(sets or {}, what, notes), "del": kept}
        for k in dels or ():
            if (why := key_problem(k)) is None:
                kept.append(k)
            else:
                notes.append(f"{what} deletion: {why}: dropped")
        return out, notes

    return check


def _metric(p: Any) -> Checked:
    if type(p) is not dict:
        return _not_dict(p)
    if _text(p.get("name"), MAX_KEY) is not None or not p["name"]:
        return DROP, [f"metric name {p.get('name')!r} is not a non-empty key"]
    for key in ("step_metric", "summary", "goal"):
        if p.get(key) is not None and (why := _text(p[key])) is not None:
            return DROP, [f"field {key!r} {why}"]
    for key in ("hidden", "step_sync"):
        if p.get(key) is not None and type(p[key]) is not bool:
            return DROP, [f"field {key!r} is {_short(p[key])}, not a bool"]
    if not plain(p):
        return DROP, ["payload is not JSON-like"]
    return p, []


def _metadata(p: Any) -> Checked:
    if type(p) is not dict:
        return _not_dict(p)
    notes: list[str] = []
    return _clean_dict(p, "metadata", notes), notes


def _exit(p: Any) -> Checked:
    code = p.get("exit_code") if type(p) is dict else None
    if type(code) is not int or not -INT32_MAX <= code <= INT32_MAX:
        # The writer did exit, but said nothing usable about how: count it as a failure.
        return {"exit_code": 1}, [f"exit code {code!r} is not an int32: counted as 1 (failed)"]
    stopped = p.get("stopped")
    if stopped is None or type(stopped) is str:
        return p, []
    # Asked to stop, but the reason is unreadable: still a stop (the run was killed).
    note = f"stop reason {stopped!r} is not a string: read as 'stopped'"
    return {**p, "stopped": "stopped"}, [note]


def _system(p: Any) -> Checked:
    if type(p) is not dict:
        return _not_dict(p)
    for k, v in p.items():
        if key_problem(k) is not None or not (v is None or type(v) in (int, float)):
            return DROP, [f"sample {k!r}: {v!r} is not a number under a usable key"]
    return p, []


def _output(p: Any) -> Checked:
    if type(p) is not list:
        return DROP, [f"payload {_short(p)} is not a list"]
    good = [
        item
        for item in p
        if type(item) is list
        and len(item) == 3
        and _number(item[0], -TIME_LIMIT, TIME_LIMIT)
        and _text(item[1], MAX_STREAM) is None
        and type(item[2]) is str
    ]
    if len(good) == len(p):
        return p, []
    return good, [f"{len(p) - len(good)} console lines are not [time, stream, text]: dropped"]


def _file(p: Any) -> Checked:
    if type(p) is not dict:
        return _not_dict(p)
    if _text(p.get("path"), MAX_PATH) is not None or not p["path"]:
        return DROP, [f"file path {p.get('path')!r} is not a non-empty string"]
    size, policy = p.get("size"), p.get("policy")
    if size is not None and not (type(size) is int and 0 <= size <= INT64_MAX):
        return DROP, [f"file size {size!r} is not a non-negative int64"]
    if policy is not None and (why := _text(policy, MAX_POLICY)) is not None:
        return DROP, [f"file policy {why}"]
    return p, []


def _artifact(p: Any) -> Checked:
    """ARTIFACT_LOGGED / ARTIFACT_USED: which version of which collection."""
    if type(p) is not dict:
        return _not_dict(p)
    why = name_problem("entity", p.get("entity")) or name_problem("project", p.get("project"))
    why = why or name_problem("artifact name", p.get("name"))
    version = p.get("version")
    if why is None and not (type(version) is int and 0 <= version <= INT64_MAX):
        why = f"artifact version {version!r} is not an int >= 0"
    for field in ("type", "digest"):
        if why is None and (bad := _text(p.get(field), MAX_TAG)) is not None:
            why = f"artifact {field} {bad}"
    aliases = p.get("aliases", [])
    if why is None and (type(aliases) is not list or any(_text(a, MAX_TAG) for a in aliases)):
        why = f"artifact aliases {_short(aliases)} are not a list of str"
    return (DROP, [why]) if why else (p, [])


def journal_problem(p: Any) -> str | None:
    """Why a JOURNAL payload names no usable run or segment (None: it does)."""
    if type(p) is not dict:
        return f"payload {_short(p)} is not a dict"
    why = (
        name_problem("entity", p.get("entity"))
        or name_problem("project", p.get("project"))
        or id_problem(p.get("run_id"))
    )
    if why is not None:
        return why
    if p.get("edits"):
        return None
    return segment_name_problem(p.get("segment"))


def segment_name_problem(name: Any) -> str | None:
    """Why ``name`` cannot be a segment file of a run (None: it can)."""
    if type(name) is not str or not name.endswith(".rbr"):
        return f"segment {name!r} is not a file name ending in .rbr"
    if "/" in name or "\\" in name or "\x00" in name or len(name) > MAX_SEGMENT_NAME:
        return f"segment {name[:40]!r} is not a plain file name of at most 128 characters"
    return None


def _journal(p: Any) -> Checked:
    why = journal_problem(p)
    return (DROP, [why]) if why else (p, [])


_CHECKS: dict[int, Callable[[Any], Checked]] = {
    Kind.START: _start,
    Kind.CONFIG: _changes("config"),
    Kind.SUMMARY: _changes("summary"),
    Kind.METRIC: _metric,
    Kind.INFO: _info,
    Kind.EXIT: _exit,
    Kind.METADATA: _metadata,
    Kind.SYSTEM: _system,
    Kind.OUTPUT: _output,
    Kind.FILE: _file,
    Kind.JOURNAL: _journal,
    Kind.ARTIFACT_LOGGED: _artifact,
    Kind.ARTIFACT_USED: _artifact,
}


def history_problem(p: Any) -> str | None:
    """Why a HISTORY payload is not ``[int64 step, dict]`` (None: it is)."""
    if type(p) is not list or len(p) != 2:
        return f"payload {_short(p)} is not [step, values]"
    step, values = p
    if type(step) is not int or not INT64_MIN <= step <= INT64_MAX:
        return f"step {_short(step)} is not an int64"
    if type(values) is not dict:
        return f"values {_short(values)} are not a dict"
    return None


def check_frames(frames: list[Frame]) -> tuple[list[Frame], list[FrameProblem]]:
    """The frames whose payloads have their kind's shape (repaired where the module
    doc says), and a problem for each record dropped or repaired."""
    # Keyed by id(frame): cheaper than enumerate() on a loop that sees every row.
    fixes: dict[int, Frame | None] = {}
    problems: list[FrameProblem] = []
    history, checks, lo, hi = Kind.HISTORY, _CHECKS, INT64_MIN, INT64_MAX
    for f in frames:
        kind = f.kind
        if kind == history:
            # Inline, not a call: this runs for every logged row.
            p = f.payload
            if (
                type(p) is list
                and len(p) == 2
                and type(p[1]) is dict
                and type(p[0]) is int
                and lo <= p[0] <= hi
            ):
                continue
            fixes[id(f)] = None
            problems.append(_dropped(f, history_problem(p) or "bad payload"))
            continue
        check = checks.get(kind)
        if check is None:
            continue  # HEARTBEAT, DELETE (payload unused) and kinds this version does not know
        payload, notes = check(f.payload)
        if payload is DROP:
            fixes[id(f)] = None
            problems.append(_dropped(f, notes[0]))
        elif notes:
            fixes[id(f)] = f._replace(payload=payload)
            name = Kind(kind).name
            problems.extend(FrameProblem(f.offset, 0, f"{name} record: {n}") for n in notes)
    if not fixes:
        return frames, problems
    return [g for f in frames if (g := fixes.get(id(f), f)) is not None], problems


def _dropped(f: Frame, why: str) -> FrameProblem:
    return FrameProblem(f.offset, f.end - f.offset, f"{Kind(f.kind).name} record skipped: {why}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
