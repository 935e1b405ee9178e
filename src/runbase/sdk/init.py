"""``runbase.init()``: decide between a new, the previous, or a resumed run."""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from runbase.errors import UsageError
from runbase.records import Kind, SegmentWriter, StorageError
from runbase.records.appendlog import append_records
from runbase.records.layout import (
    default_entity,
    edits_path,
    files_dir,
    id_problem,
    journal_path,
    runbase_dir,
    segments_dir,
)
from runbase.records.process import host_name, process_start_ticks
from runbase.sdk import config_files, fields, process, resume, sweeprun
from runbase.sdk.config import Config, as_dict
from runbase.sdk.disabled import DisabledRun
from runbase.sdk.ids import generate_id, generate_name, next_run_number
from runbase.sdk.localdir import local_files_dir
from runbase.sdk.run import Run
from runbase.sdk.settings import Resume, Settings
from runbase.sdk.sink import RecordSink

if TYPE_CHECKING:
    from runbase.sdk.ship.credentials import Target
from runbase.sdk.values import encode_problem

DEFAULT_PROJECT = "Uncategorized"


def in_notebook() -> bool:
    """True inside a Jupyter/IPython kernel (where reinit defaults to return_previous)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:
        return False
    return shell is not None and hasattr(shell, "kernel")


def _environment_settings() -> Settings:
    return Settings.from_environment()


def resolve_settings(
    settings: Settings | dict[str, Any] | None, kwargs: dict[str, object]
) -> Settings:
    """kwarg > init(settings=) > setup() > environment > default, run fields checked.

    ``init()``'s own run-field arguments are checked before they become Settings, so
    a bad one is refused as ``runbase.init(group=...)`` rather than as a setting.
    """
    if isinstance(settings, dict):
        settings = Settings(**settings)
    elif settings is not None and not isinstance(settings, Settings):
        raise TypeError(f"settings must be a runbase.Settings, got {type(settings).__name__}")
    given = {k: v for k, v in kwargs.items() if v is not None}
    given.update(_checked_run_fields(given))
    merged = Settings.merged(
        _environment_settings(), process.STATE.setup_settings, settings, Settings(**given)
    )
    return Settings.merged(merged, Settings(**_checked_run_fields(merged.explicit())))


def init(
    project: str | None = None,
    entity: str | None = None,
    name: str | None = None,
    id: str | None = None,  # noqa: A002 - W&B's spelling
    notes: str | None = None,
    tags: Any = None,
    config: Any = None,
    group: str | None = None,
    job_type: str | None = None,
    dir: str | os.PathLike[str] | None = None,  # noqa: A002
    mode: str | None = None,
    reinit: Any = None,
    resume: bool | str | None = None,
    settings: Settings | dict[str, Any] | None = None,
    allow_val_change: bool | None = None,
    config_exclude_keys: list[str] | None = None,
    config_include_keys: list[str] | None = None,
    **unknown: Any,
) -> Run | DisabledRun:
    """Start a run (or return/finish the active one, per ``reinit``). See docs/sdk.md."""
    t0 = time.time()
    sync_tensorboard = unknown.pop("sync_tensorboard", None)
    unknown = {k: v for k, v in unknown.items() if v is not None}  # None: W&B's default
    if unknown:
        warnings.warn(
            "runbase.init: ignoring arguments runbase does not support: "
            + ", ".join(sorted(unknown)),
            stacklevel=2,
        )
    args = {
        "project": project,
        "entity": entity,
        "name": name,
        "id": id,
        "notes": notes,
        "tags": tags,
        "group": group,
        "job_type": job_type,
        "dir": os.fspath(dir) if dir is not None else None,
        "mode": mode,
        "reinit": reinit,
        "resume": resume,
        "allow_val_change": allow_val_change,
        "sync_tensorboard": sync_tensorboard,
    }
    s = resolve_settings(settings, args)
    config_dict, defaults = _initial_config(config, config_include_keys, config_exclude_keys)

    if s.mode == "disabled":
        disabled = DisabledRun(s, {**defaults, **config_dict})
        process.set_globals(disabled)
        return disabled

    policy, previous = _apply_reinit(s)
    if previous is not None:
        return previous
    run = _create_run(s, config_dict, defaults, t0)
    process.register(run, make_global=policy != "create_new")
    online = _start_shipping(run)
    if not s.silent:
        # Printed before console capture starts, so runbase's banner is not in the run's logs.
        _print_banner(run, online)
    _attach_environment(run)
    if s.sync_tensorboard:
        _sync_tensorboard(run)
    return run


def _sync_tensorboard(run: Run) -> None:
    from runbase.sdk import tb_sync

    try:
        tb_sync.sync_run(run)
    except ImportError as e:  # the run still works; only the TensorBoard copy is missing
        warnings.warn(f"runbase.init(sync_tensorboard=True): {e}", stacklevel=3)


def _start_shipping(run: Run) -> str | None:
    """An online run starts sending its records: the line saying where to see it."""
    if type(run._sink) is SegmentWriter:
        return None
    from runbase.sdk import ship

    return ship.start(run._sink)


def _print_banner(run: Run, online: str | None) -> None:
    verb = "Resuming" if run.resumed else "Tracking"
    if online is not None:
        line = f"runbase: {verb} run {run.name} ({run.id}) in project {run.project}"
        print(f"{line}\n{online}", file=sys.stderr)
        return
    print(
        f"runbase: {verb} run {run.name} ({run.id}) in project {run.project}\n"
        f"runbase: View it at {run.url}{_start_ui_hint(run.url)}",
        file=sys.stderr,
    )


def _start_ui_hint(url: str) -> str:
    """How to start the web app, unless it already listens at ``url`` on this machine
    (`make demo` starts it first: telling the user to start it again misleads). One
    connect on loopback, well under a millisecond; another host is never contacted."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return ""  # a team server or a chosen host: the user knows it is there
    try:
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=0.2):
            return ""
    except OSError:
        return "  (start the web app with `runbase ui`)"


def _initial_config(
    config: Any, include: list[str] | None, exclude: list[str] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(``init(config=)`` filtered by the include/exclude keys, ``config-defaults.yaml``),
    checked. Filtered before anything is written: an excluded key (a secret) never
    reaches a record."""
    config_dict = config_files.filtered(as_dict(config), include, exclude)
    defaults = config_files.defaults()
    _check_config({**defaults, **config_dict})
    return config_dict, defaults


def _apply_reinit(s: Settings) -> tuple[str, Run | None]:
    """Act on ``reinit=`` when a run is active: (the policy, the run to return instead)."""
    policy: str = s.reinit
    if policy == "default":
        policy = "return_previous" if in_notebook() else "finish_previous"
    active = process.most_recent_active()
    if active is None:
        return policy, None
    if policy == "finish_previous":
        process.finish_all(0)
    elif policy == "return_previous":
        if not s.silent:
            print(
                f"runbase: init() called while run {active.name} ({active.id}) is active "
                "and reinit='return_previous': returning that run; the new arguments are "
                "ignored. Pass reinit='create_new' to start another run alongside it.",
                file=sys.stderr,
            )
        return policy, active
    return policy, None


def _checked_run_fields(values: Mapping[str, object]) -> dict[str, object]:
    """The run fields among ``values``, checked (see sdk/fields.py) before anything is
    written; ``""`` means not given, except for ``id``."""
    out: dict[str, object] = {}
    for arg, value in values.items():
        if value is None:
            continue
        if arg in ("project", "entity"):  # as before: an empty project or entity is the default
            out[arg] = None if value == "" else fields.path_name(arg, value)
        elif arg == "id":
            out[arg] = fields.path_name(arg, value)
        elif arg in ("name", "notes", "group", "job_type"):
            out[arg] = fields.text(arg, value)
        elif arg == "tags":
            out[arg] = fields.tags(value)
    return out


def _check_config(config_dict: dict[str, Any]) -> None:
    """Refuse here (not half-way through init) a config that cannot be stored."""
    probe = Config()
    probe.update(config_dict, allow_val_change=True)
    try:
        msgspec.msgpack.encode(probe.as_dict())
    except (OverflowError, TypeError, RecursionError) as e:
        raise encode_problem(probe.as_dict(), "config", e) from None


def _resume_mode(value: Resume | bool | None) -> Resume | None:
    if value is True:
        return "auto"
    if value is False:
        return None
    return value


def _run_id(s: Settings, root: Path, mode: Resume | None) -> str:
    """The caller's id (checked), the id resume="auto" remembered, or a new one."""
    run_id = s.id
    if run_id is None and mode == "auto":
        run_id = resume.auto_resume_id(root)
    if run_id is None:
        return generate_id()
    problem = id_problem(run_id)
    if problem:
        raise UsageError(problem)
    return run_id


def _existing(
    s: Settings, root: Path, path: tuple[str, str, str], mode: Resume | None
) -> resume.Existing | None:
    """The run being resumed, or None for a new run; refuses what ``resume=`` does not allow."""
    entity, project, run_id = path
    where = f"{entity}/{project}/{run_id}"
    existing = None
    if s.id is not None or mode:
        existing = resume.load_existing(
            segments_dir(root, *path), edits_path(root, entity, project, run_id)
        )
    if existing is None:
        if mode == "must":
            raise UsageError(
                f"resume='must' but there is no run {where} to resume; "
                "use resume='allow' to create it when it does not exist"
            )
        return None
    if existing.live_pid is not None:
        raise UsageError(
            f"run {where} is in use by process {existing.live_pid}; "
            "finish it there first, or choose another id."
        )
    if mode is None:
        raise UsageError(
            f"a run with id {run_id!r} already exists in {entity}/{project}. Pass "
            "resume='allow' to continue it, or choose another id."
        )
    if mode == "never":
        raise UsageError(f"resume='never' but run {where} exists")
    return existing


def _open_segment(
    root: Path, path: tuple[str, str, str], s: Settings, to: Target | None
) -> tuple[RecordSink, Path, str]:
    """A new segment for this process session of the run: (its sink, files folder, file name).

    ``SegmentWriter`` is a ``RecordSink`` as it is; an online run's is its subclass that
    also ships the file (``sdk/ship/``).
    """
    seg_dir = segments_dir(root, *path)
    fdir = files_dir(root, *path)
    segment_name = f"{time.time_ns():020d}-{os.getpid()}.rbr"
    try:
        seg_dir.mkdir(parents=True, exist_ok=True)
        fdir.mkdir(parents=True, exist_ok=True)
        return _sink(str(seg_dir / segment_name), s, to), fdir, segment_name
    except (OSError, StorageError) as e:
        raise _storage_error(root, e) from None


def _target(s: Settings) -> Target | None:
    """The server an online run ships to (None: the run stays local), checked before
    anything is written."""
    if s.mode != "online" or (s.base_url is None and "mode" not in s.explicit()):
        return None  # no server named: a local run, with nothing more imported
    from runbase.sdk import ship

    return ship.target_for(s)


def _default_entity(to: Target | None) -> str:
    """An online run's entity is the key's user on the server (W&B's default entity);
    a local run's, or one whose server does not answer now, the local user name."""
    if to is not None:
        from runbase.sdk import ship

        user = ship.server_user(to)
        if user:
            return fields.path_name("entity", user)
    return fields.path_name("entity", default_entity())


def _sink(path: str, s: Settings, to: Target | None) -> SegmentWriter:
    if to is None:
        return SegmentWriter(path)
    from runbase.sdk import ship

    return ship.open_sink(path, s, to)


def _run_fields(s: Settings, existing: resume.Existing | None) -> dict[str, Any]:
    """notes, group, job_type and tags: the caller's where given, else the resumed run's."""
    info: dict[str, Any] = dict(existing.info) if existing else {}
    for key, value in (("notes", s.notes), ("group", s.group), ("job_type", s.job_type)):
        if value is not None:
            info[key] = value
    if s.tags is not None or "tags" not in info:
        info["tags"] = list(fields.tags(s.tags))
    return info


def _start_record(run: Run, s: Settings, config: dict[str, Any]) -> dict[str, Any]:
    """The START record. A new run's carries all its fields; a resumed run's only those
    the caller passed, so it does not undo edits made since (docs/records.md)."""
    pid = os.getpid()
    start: dict[str, Any] = {
        "id": run.id,
        "project": run.project,
        "entity": run.entity,
        "user": default_entity(),
        "host": host_name(),
        "pid": pid,
        "pid_start": process_start_ticks(pid),
        "start_time": run.start_time,
        "resumed": run.resumed,
        "runbase_version": _version(),
        "mode": s.mode,
    }
    if s.sweep_id:
        start["sweep"] = s.sweep_id
    info = {
        "notes": run.notes,
        "group": run.group,
        "job_type": run.job_type,
        "tags": list(run.tags),
    }
    if not run.resumed:
        start.update(name=run.name, config=run.config.as_dict(), **info)
        return start
    if s.name is not None:
        start["name"] = run.name
    given = {"notes": s.notes, "group": s.group, "job_type": s.job_type, "tags": s.tags}
    start.update({key: value for key, value in info.items() if given[key] is not None})
    if config:
        start["config"] = {k: v for k, v in run.config.as_dict().items() if k in config}
    return start


def _announce(root: Path, path: tuple[str, str, str], segment_name: str) -> None:
    """Tell readers of the journal that the run has a new segment."""
    entity, project, run_id = path
    record = {"entity": entity, "project": project, "run_id": run_id, "segment": segment_name}
    try:
        append_records(journal_path(root), [(Kind.JOURNAL, record)])
    except OSError as e:  # readers still find the run by walking runs/
        warnings.warn(f"runbase: could not update the run journal: {e}", stacklevel=4)


def _create_run(s: Settings, config: dict[str, Any], defaults: dict[str, Any], t0: float) -> Run:
    root = runbase_dir()
    to = _target(s)
    entity = s.entity or _default_entity(to)
    project = s.project or DEFAULT_PROJECT
    mode = _resume_mode(s.resume)
    if mode is None and sweeprun.is_agent_run(s.id, s.sweep_id):
        mode = "allow"
    run_id = _run_id(s, root, mode)
    path = (entity, project, run_id)
    existing = _existing(s, root, path, mode)
    if existing is not None:
        name = s.name or existing.name or run_id
    else:
        try:
            number = next_run_number(segments_dir(root, *path).parent.parent)
        except OSError as e:
            raise _storage_error(root, e) from None
        name = s.name or generate_name(number)
    sink, fdir, segment_name = _open_segment(root, path, s, to)
    # config-defaults.yaml sits under init(config=); a resumed run keeps its own values.
    kept = existing.config if existing else {}
    swept = sweeprun.params(s.sweep_param_path)
    # The sweep's values win over the script's (W&B locks them: user "sweep").
    config = {**{k: v for k, v in defaults.items() if k not in kept}, **config, **swept}
    run = Run(
        settings=s,
        root=root,
        entity=entity,
        project=project,
        run_id=run_id,
        name=name,
        sink=sink,
        files_dir=local_files_dir(s.dir, run_id, fdir, t0) if s.dir else fdir,
        start_time=t0,
        step=existing.next_step if existing else 0,
        config=dict(existing.config) if existing else {},
        summary=existing.summary if existing else None,
        info=_run_fields(s, existing),
        allow_val_change=s.allow_val_change,
        resumed=existing is not None,
    )
    if config:
        run.config._set_many(config, True if run.resumed else None)
    run.config._lock(swept, "sweep")
    run._emit(Kind.START, _start_record(run, s, config))
    _announce(root, path, segment_name)
    if mode == "auto":
        resume.remember_for_auto_resume(root, run_id)
    return run


def _storage_error(root: Path, e: OSError) -> UsageError:
    return UsageError(
        f"runbase cannot write to {root}: {getattr(e, 'strerror', None) or e}. Make it writable, "
        "free some space, or set RUNBASE_DIR to a folder that is."
    )


def _version() -> str:
    from runbase.version import __version__

    return __version__


def _attach_environment(run: Run) -> None:
    try:
        from runbase.sdk.environment import attach
    except ImportError:
        return
    try:
        run._attachment = attach(run)
    except Exception as e:  # capture is a nice-to-have; the run itself must work
        warnings.warn(f"runbase: environment capture failed to start: {e}", stacklevel=3)


def setup(settings: Settings | None = None) -> None:
    """Set process-wide settings (e.g. ``reinit``) for later ``init()`` calls."""
    if settings is not None and not isinstance(settings, Settings):
        raise TypeError(f"setup() takes a runbase.Settings, got {type(settings).__name__}")
    process.STATE.setup_settings = Settings.merged(process.STATE.setup_settings, settings)


def finish(exit_code: int | None = None, quiet: bool | None = None) -> None:
    """Finish the global run (``runbase.run``); runs made with create_new are left alone."""
    run = process.STATE.global_run
    if run is not None:
        run.finish(exit_code=exit_code, quiet=quiet)


def teardown(exit_code: int | None = None) -> None:
    """Finish every active run in this process."""
    process.finish_all(0 if exit_code is None else exit_code)
