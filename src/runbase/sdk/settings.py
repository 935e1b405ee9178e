"""Settings: explicit values override the environment, which overrides defaults.

Precedence for a run (highest first): ``init(...)`` keyword, ``init(settings=)``,
``setup(Settings(...))``, environment (``RUNBASE_*`` then ``WANDB_*``), default.

``Settings`` is a plain class whose annotated attributes are the settings: each
annotation is the field's type (what mypy sees when code reads ``s.project``) and
what values are checked against at run time, and the class attribute is its
default. The values a caller set are the only ones in the instance's ``__dict__``,
so "set explicitly" (what precedence merges) needs no second table. Neither a
dataclass nor a msgspec Struct fits: both need every field in every instance
(explicitness would need a sentinel in every field's type) and neither lets
W&B-only names through with a warning. pydantic, which W&B uses, would add
tens of milliseconds to ``import runbase``.

This module deliberately has no ``from __future__ import annotations``: the class
annotations must be real types at import time to check values against.
"""

import os
import types
import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, Union, cast, get_args, get_origin

Mode = Literal["online", "offline", "disabled"]
Reinit = Literal["default", "create_new", "finish_previous", "return_previous"]
Resume = Literal["allow", "must", "never", "auto"]
Console = Literal["auto", "wrap", "redirect", "off"]

REINIT_VALUES = ("create_new", "finish_previous", "return_previous")


class Settings:
    """Run settings, W&B style: ``Settings(reinit="create_new", mode="offline")``.

    Only values given explicitly take part in precedence, so an unset field never
    overrides a value from a lower layer; ``None`` for a field whose default is not
    ``None`` means "not given". An unknown name is a ``TypeError`` naming the valid
    ones, as in W&B (whose ``Settings`` refuses extra fields), except W&B's own
    settings that runbase does not use: those warn and are ignored, so W&B scripts
    keep running. A value of the wrong type is a ``TypeError``, one outside a
    field's choices a ``ValueError``; both name the setting.
    """

    project: str | None = None
    entity: str | None = None
    name: str | None = None
    id: str | None = None
    notes: str | None = None
    tags: tuple[str, ...] | None = None
    group: str | None = None
    job_type: str | None = None
    dir: str | None = None
    mode: Mode = "online"
    reinit: Reinit = "default"
    resume: Resume | bool | None = None
    allow_val_change: bool = False
    system_sample_interval: float = 15.0
    disable_system_metrics: bool = False
    console: Console = "auto"
    disable_git: bool = False
    save_requirements: bool = True
    program: str | None = None
    silent: bool = False
    heartbeat_interval: float = 15.0
    sweep_id: str | None = None
    sweep_param_path: str | None = None
    # The team server runs are shipped to (docs/server.md#log-runs-to-the-server).
    base_url: str | None = None
    api_key: str | None = None
    finish_timeout: float = 30.0
    # TensorBoard writers' events go to the run too (docs/migrate.md#tensorboard).
    sync_tensorboard: bool = False

    def __init__(self, **settings: object) -> None:
        for key, value in settings.items():
            if key not in FIELDS:
                _unknown(key, "Settings")
            elif value is not None or DEFAULTS[key] is None:
                # check() here rather than through __setattr__: one frame less, so the
                # stacklevel of validate_reinit's warning points at the caller either way.
                object.__setattr__(self, key, check(key, value))

    def __setattr__(self, key: str, value: object) -> None:
        if key not in FIELDS:
            raise AttributeError(_unknown_message(key))
        object.__setattr__(self, key, check(key, value))

    if not TYPE_CHECKING:  # at run time only, so mypy still flags a misspelt setting

        def __getattr__(self, key: str) -> object:
            raise AttributeError(_unknown_message(key))

    def __repr__(self) -> str:
        # The API key is a secret: a printed Settings (a log line, a traceback) never shows it.
        shown = {k: ("***" if k == "api_key" else v) for k, v in vars(self).items()}
        inner = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        return f"Settings({inner})"

    def explicit(self) -> dict[str, object]:
        """The values set explicitly on this object (by the caller or the environment)."""
        return dict(vars(self))

    @classmethod
    def from_environment(cls) -> Self:
        """Settings read from RUNBASE_* and WANDB_* variables (RUNBASE_* wins)."""
        out = cls()
        for suffix, name in _ENV.items():
            source = "RUNBASE_" + suffix
            raw = os.environ.get(source)
            if raw is None:
                source = "WANDB_" + suffix
                raw = os.environ.get(source)
            if raw is None:
                continue
            try:
                object.__setattr__(out, name, check(name, _from_env(name, raw)))
            except ValueError as e:
                raise ValueError(f"environment variable {source}: {e}") from None
        # W&B's WANDB_DIR is init(dir=); RUNBASE_DIR is the store, so it is not read here.
        wandb_dir = os.environ.get("WANDB_DIR")
        if wandb_dir:
            object.__setattr__(out, "dir", wandb_dir)
        return out

    @classmethod
    def merged(cls, *layers: "Settings | None") -> Self:
        """Later layers override earlier ones, field by field (values are already checked)."""
        out = cls()
        for layer in layers:
            if layer is not None:
                vars(out).update(vars(layer))
        return out


FIELDS: dict[str, Any] = dict(Settings.__annotations__)
DEFAULTS: dict[str, object] = {name: getattr(Settings, name) for name in FIELDS}

# Environment variable suffix -> setting name. Each is read as RUNBASE_<X>, then WANDB_<X>.
_ENV = {
    "PROJECT": "project",
    "ENTITY": "entity",
    "NAME": "name",
    "RUN_ID": "id",
    "NOTES": "notes",
    "TAGS": "tags",
    "RUN_GROUP": "group",
    "JOB_TYPE": "job_type",
    "MODE": "mode",
    "REINIT": "reinit",
    "RESUME": "resume",
    "SYSTEM_SAMPLE_INTERVAL": "system_sample_interval",
    "DISABLE_SYSTEM_METRICS": "disable_system_metrics",
    "CONSOLE": "console",
    "DISABLE_GIT": "disable_git",
    "PROGRAM": "program",
    "SILENT": "silent",
    "SWEEP_ID": "sweep_id",
    "SWEEP_PARAM_PATH": "sweep_param_path",
    "BASE_URL": "base_url",
    "API_KEY": "api_key",
    "FINISH_TIMEOUT": "finish_timeout",
}

# W&B settings runbase does not use (wandb.Settings' public fields, and a few older
# ones): a W&B script that passes them keeps running, with a warning. Names starting
# with "x_" or "_" are W&B's internal settings and are ignored without one.
WANDB_ONLY = frozenset(
    """
    allow_offline_artifacts anonymous app_url_override azure_account_url_to_access_key
    code_dir config_paths console_chunk_max_bytes console_chunk_max_seconds
    console_multipart credentials_file disable_code disable_job_creation disabled docker email
    force fork_from git_commit git_remote git_remote_url git_root heartbeat_seconds host
    http_proxy https_proxy identity_token_file ignore_globs init_timeout insecure_disable_ssl
    job_name job_source label_disable launch launch_config_path login_timeout magic
    notebook_name organization problem program_abspath program_relpath quiet relogin
    resume_from resumed root_dir run_group run_id run_job_type run_name run_notes run_tags
    sagemaker_disable save_code settings_system show_colors show_emoji show_errors show_info
    show_warnings start_method strict summary_errors summary_timeout summary_warnings
    symlink system_sample_seconds system_samples
    table_raise_on_max_row_limit_exceeded username
    """.split()
)


def _unknown_message(key: str) -> str:
    import difflib  # only on this error path: keeps it out of `import runbase`

    close = difflib.get_close_matches(key, FIELDS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"runbase.Settings has no setting {key!r}{hint}. The settings are: {', '.join(FIELDS)}."


def _unknown(key: str, where: str) -> None:
    """A name that is not a runbase setting: ignored if W&B knows it, else an error."""
    if key.startswith(("x_", "_")):
        return
    if key in WANDB_ONLY:
        warnings.warn(
            f"runbase.{where}: {key!r} is a W&B setting runbase does not use; it is ignored",
            stacklevel=3,
        )
        return
    raise TypeError(_unknown_message(key))


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _parse_bool(name: str, raw: str) -> bool:
    low = raw.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"setting {name}={raw!r} is not a boolean; use true or false")


def _from_env(name: str, raw: str) -> object:
    """An environment variable's text as the value the setting takes (check() does the rest)."""
    if name == "tags":
        return tuple(t.strip() for t in raw.split(",") if t.strip())
    if name == "reinit" and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    return raw


def validate_reinit(value: object) -> Reinit:
    """Normalise a reinit value; booleans are the deprecated spellings."""
    if value is True or value is False:
        warnings.warn(
            "Using a boolean value for 'reinit' is deprecated. Use 'finish_previous' "
            "(for True) or 'return_previous' (for False) instead.",
            DeprecationWarning,
            stacklevel=4,
        )
        return "finish_previous" if value else "return_previous"
    if value == "default" or value in REINIT_VALUES:
        return cast(Reinit, value)
    raise ValueError(
        f"reinit={value!r} is not valid; use one of {', '.join(map(repr, REINIT_VALUES))}"
    )


def _members(tp: object) -> tuple[object, ...]:
    """The alternatives of a field's type: ``str | None`` -> (str, NoneType)."""
    if get_origin(tp) in (Union, types.UnionType):
        return tuple(m for arg in get_args(tp) for m in _members(arg))
    return (tp,)


def _choices(members: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(c for m in members if get_origin(m) is Literal for c in get_args(m))


def _coerce(name: str, value: object, members: tuple[object, ...]) -> object:
    """The spellings W&B (pydantic) also accepts: ``"true"`` for a bool, ``5`` for a float..."""
    if name == "mode" and value == "dryrun":
        return "offline"
    if float in members and isinstance(value, int | str) and not isinstance(value, bool):
        try:
            return float(value)
        except ValueError:
            raise ValueError(f"setting {name}={value!r} is not a number") from None
    if bool in members and not _choices(members):
        if isinstance(value, str):
            return _parse_bool(name, value)
        if type(value) is int and value in (0, 1):
            return bool(value)
    if str in members and isinstance(value, os.PathLike):
        return os.fspath(value)
    if tuple[str, ...] in members:
        if isinstance(value, str):
            return (value,)  # one tag, as in W&B
        if isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
            return tuple(value)
    return value


def _fits(value: object, member: object) -> bool:
    if member is type(None):
        return value is None
    if member == tuple[str, ...]:
        return isinstance(value, tuple) and all(isinstance(v, str) for v in value)
    if member is float:
        return isinstance(value, float)
    if isinstance(member, type):
        return isinstance(value, member)
    return False


def _describe(member: object) -> str:
    if member is type(None):
        return "None"
    if get_origin(member) is Literal:
        return "one of " + ", ".join(map(repr, get_args(member)))
    if member == tuple[str, ...]:
        return "a list of strings"
    names: dict[object, str] = {str: "a string", bool: "True or False", float: "a number"}
    return names.get(member, repr(member))


def check(name: str, value: object) -> object:
    """``value`` as setting ``name`` holds it; TypeError or ValueError naming the setting."""
    if name == "reinit":
        return validate_reinit(value)
    members = _members(FIELDS[name])
    given, value = value, _coerce(name, value, members)
    choices = _choices(members)
    if isinstance(value, str) and value in choices:
        return value
    if any(_fits(value, m) for m in members):
        if isinstance(value, float) and value <= 0:  # the float settings are all seconds
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        return value
    takes = " or ".join(_describe(m) for m in members)
    if choices and any(isinstance(given, type(c)) for c in choices):
        raise ValueError(f"{name}={given!r} is not valid; use {takes}")
    shown = repr(given) if len(repr(given)) <= 60 else repr(given)[:57] + "..."
    raise TypeError(f"setting {name} takes {takes}; got {type(given).__name__} {shown}")
