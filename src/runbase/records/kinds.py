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
    # payload: {"exit_code": int, "stopped"?: str (why it was asked to stop: killed)}
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
    # payload: [step, {flat_key: value}, token, {flat_key: placeholder}]: a history
    # row whose media files are still being written by the run's media thread. It is
    # written in order, at log() time, so nothing after it waits; readers see it as a
    # HISTORY record once the MEDIA_DONE with its token follows (see records/media_rows.py).
    MEDIA_ROW = 15
    # payload: [token, {flat_key: pointer dict}]: the files of a MEDIA_ROW are in place
    MEDIA_DONE = 16
    # payload: {"entity", "project", "name", "version": int, "type", "digest",
    # "aliases": [str]}: the run logged this artifact version (docs/artifacts.md)
    ARTIFACT_LOGGED = 17
    # payload: {"entity", "project", "name", "version": int, "type", "digest"}:
    # the run used this artifact version as an input
    ARTIFACT_USED = 18
