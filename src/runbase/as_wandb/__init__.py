"""The opt-in that makes ``import wandb`` load runbase, for code you do not edit.

Frameworks import ``wandb`` themselves (Hugging Face's ``report_to="wandb"``,
Lightning's ``WandbLogger``, ``from wandb.integration.keras import ...``), so
``import runbase as wandb`` in your script does not reach them. Inside the opt-in,
every ``import wandb`` / ``wandb.*`` of the process answers with runbase, and
``importlib.metadata.version("wandb")`` finds a ``wandb`` distribution, so version
gates such as Lightning's ``wandb>=0.12.10`` pass. It is never on by default:

- ``runbase run -- python train.py ...`` runs the command with ``RUNBASE_AS_WANDB=1``;
- ``RUNBASE_AS_WANDB=1`` in the environment: a Python started with it (by torchrun,
  accelerate, SLURM, or a ``spawn`` worker) turns the opt-in on at startup, through
  the one-line ``runbase_as_wandb.pth`` that installing runbase puts in
  site-packages. Without the variable that line costs one dictionary lookup;
- ``runbase.as_wandb.install()`` in a process you control (a notebook).

Child processes inherit the variable, so the whole process tree is in. runbase
wins over an installed ``wandb`` package and says so once per process tree.
See docs/switching-from-wandb.md ("Unmodified code").
"""

from __future__ import annotations

import os
import sys

ENV = "RUNBASE_AS_WANDB"
# Set in the environment once the notice that the real wandb is installed but not
# used was printed, so the children of the process tree do not repeat it.
_TOLD = "RUNBASE_AS_WANDB_NOTICE_SHOWN"
PTH_NAME = "runbase_as_wandb.pth"
# The W&B release whose surface runbase follows (docs/switching-from-wandb.md): what
# ``wandb.__version__`` and the ``wandb`` distribution report inside the opt-in.
WANDB_VERSION = "0.31.0"

# runbase_as_wandb.pth tests the same values itself, so an "off" value loads nothing.
_OFF = {"", "0", "false", "no", "off"}


def requested() -> bool:
    """True when ``RUNBASE_AS_WANDB`` asks for the opt-in."""
    return os.environ.get(ENV, "").strip().lower() not in _OFF


def installed() -> bool:
    """True when this process resolves ``import wandb`` to runbase."""
    from runbase.as_wandb.finder import FINDER

    return FINDER in sys.meta_path


def install(children: bool = True) -> None:
    """Turn the opt-in on in this process (and, with ``children``, in the processes it
    starts: ``RUNBASE_AS_WANDB=1`` is set in ``os.environ``). Idempotent.

    A ``wandb`` module imported before this call stays in the hands of the code
    that imported it; later imports get runbase.
    """
    from runbase.as_wandb.finder import FINDER

    if children:
        os.environ[ENV] = "1"
    if FINDER in sys.meta_path:
        return
    earlier = sys.modules.get("wandb")
    if earlier is not None and not getattr(earlier, "__runbase__", False):
        print(
            "runbase: the real wandb was imported before runbase.as_wandb.install(); "
            "objects already holding it keep it, later `import wandb` gets runbase",
            file=sys.stderr,
        )
        for name in [n for n in sys.modules if n == "wandb" or n.startswith("wandb.")]:
            del sys.modules[name]
    sys.meta_path.insert(0, FINDER)


def uninstall() -> None:
    """Turn the opt-in off in this process (for tests and notebooks)."""
    from runbase.as_wandb.finder import FINDER

    while FINDER in sys.meta_path:
        sys.meta_path.remove(FINDER)
    for name in [n for n in sys.modules if n == "wandb" or n.startswith("wandb.")]:
        del sys.modules[name]
    os.environ.pop(ENV, None)
    os.environ.pop(_TOLD, None)


def install_from_environment() -> None:
    """What ``runbase_as_wandb.pth`` calls at interpreter startup when the variable is set.

    Never raises: a broken opt-in must not stop Python from starting.
    """
    if not requested():
        return
    try:
        install(children=False)
    except Exception as e:  # pragma: no cover - reported, never fatal at startup
        print(f"runbase: {ENV} is set but the opt-in failed to start: {e!r}", file=sys.stderr)


def hook_file() -> str | None:
    """Where ``runbase_as_wandb.pth`` is installed for this interpreter, or None."""
    import site
    import sysconfig

    dirs = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    for folder in dirs:
        path = os.path.join(folder, PTH_NAME)
        if os.path.isfile(path):
            return path
    return None


def announce_real_wandb() -> None:
    """Say once per process tree that runbase answers for an installed wandb."""
    if os.environ.get(_TOLD):
        return
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("wandb")
    if spec is None:
        return
    os.environ[_TOLD] = "1"
    where = os.path.dirname(spec.origin or "") or "site-packages"
    print(
        f"runbase: {ENV} is set, so `import wandb` loads runbase; the wandb package "
        f"installed at {where} is not used in this process tree (unset {ENV} to use it)",
        file=sys.stderr,
    )
