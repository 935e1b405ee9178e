"""Record kinds. A record is the msgpack array ``[kind, unix_time, payload]``."""

from enum import IntEnum


class Kind(IntEnum):
    # payload: dict with id, name, project, entity, notes, tags, group, job_type,
    # config, user, host, pid, pid_start, start_time, resumed, runbase_version, mode
    START = 1
    # payload: [step, {flat_key: value}]; consecutive records with the same step
    # form one history row (commit=False and step= merging).
    HISTORY = 2
    # payload: {"set": {top_key: value}, "del": [top_key]}
    CONFIG = 3
    # payload: {"set": {flat_key: value}, "del": [flat_key]}
    SUMMARY = 4
    # payload: {"name", "step_metric", "summary", "goal", "hidden", "step_sync"}
    METRIC = 5
    # payload: a subset of {"name", "notes", "tags", "group", "job_type"}
    INFO = 6
    # payload: {"exit_code": int}
    EXIT = 7
    # payload: None. Proof of life for readers on another host.
    HEARTBEAT = 8
    # payload: {metadata key: value}, merged (see docs/records.md)
    METADATA = 9
    # payload: {system metric key: number}, one sample
    SYSTEM = 10
    # payload: [[unix_time, stream, line], ...]; stream is "stdout" or "stderr"
    OUTPUT = 11
    # payload: {"path": relative path under files/, "size": int, "policy": str}
    FILE = 12
    # payload: {"deleted": True}; written to the edits stream by Api.delete()
    DELETE = 13
    # payload: {"entity", "project", "run_id", "segment"} for a new segment, or
    # {"entity", "project", "run_id", "edits": True} after edits; only in journal.rbr
    JOURNAL = 14
