"""Building runbase's sdist and wheel from a copy of this checkout, and fresh venvs.

PyPI is used once per session, to download what the builds and the installs need
into a wheelhouse; every build environment and venv then installs from it with
``--no-index``, so the two installs cost seconds, not a resolve each.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STATIC = Path("src/runbase/server/static")
# Never copied: caches, environments, outputs.
_SKIP = {
    ".git",
    ".venv",
    "node_modules",
    "build",
    "dist",
    "site",
    "generated",
    "test-artifacts",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    ".hypothesis",
    ".runbase",
}


def copy_checkout(dest: Path, with_static: bool = True) -> Path:
    """A copy of the checkout's sources at ``dest`` (mtimes kept, so "stale" means the same)."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in _SKIP or n.endswith(".egg-info")}
        if not with_static and Path(folder) == REPO / STATIC.parent:
            skipped.add("static")
        return skipped

    # Without ui/node_modules: a copy whose app must be built runs its own `npm ci`
    # (a link to the checkout's would let that empty the checkout's).
    shutil.copytree(REPO, dest, ignore=ignore, symlinks=True)
    return dest


def no_node_path(tmp: Path, *bins: Path) -> str:
    """A PATH holding only ``bins`` (and an empty folder): no node, no npm."""
    empty = tmp / "empty-bin"
    empty.mkdir(exist_ok=True)
    path = os.pathsep.join([*(str(b) for b in bins), str(empty)])
    assert shutil.which("node", path=path) is None and shutil.which("npm", path=path) is None
    return path


def offline_env(wheelhouse: Path, path: str | None = None) -> dict[str, str]:
    """The environment for a pip that must take everything from ``wheelhouse``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse), PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    if path is not None:
        env["PATH"] = path
    return env


def download(wheelhouse: Path, *requirements: str) -> None:
    """Fill ``wheelhouse`` with ``requirements`` and what they need (from PyPI or pip's cache)."""
    run([sys.executable, "-m", "pip", "download", "-q", "-d", str(wheelhouse), *requirements])


def build(
    what: str, source: Path, outdir: Path, env: dict[str, str], extra: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """``python -m build --sdist|--wheel`` of ``source`` into ``outdir``."""
    command = [sys.executable, "-m", "build", f"--{what}", "--outdir", str(outdir)]
    return run([*command, *extra, str(source)], env=env, check=False)


def unpack(sdist: Path, dest: Path) -> Path:
    """The sdist's source tree, unpacked under ``dest``."""
    with tarfile.open(sdist) as tar:
        tar.extractall(dest, filter="data")
    (tree,) = dest.iterdir()
    return tree


def fresh_venv(where: Path, package: Path, env: dict[str, str], compile: bool = True) -> Path:
    """A new venv at ``where`` with ``package`` (a wheel or an sdist) installed; its bin/.

    ``compile=False`` skips pip's bytecode compilation (a third of the install's time);
    the size the README reports includes it, as a user's install does.
    """
    run([sys.executable, "-m", "venv", "--without-pip", str(where)])
    bin_dir = where / "bin"
    # The outer venv's pip installs into the new one: no ensurepip, no pip copy to unpack.
    pip = [sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "-q"]
    run([*pip, *([] if compile else ["--no-compile"]), str(package)], env=env)
    return bin_dir


def site_packages_mib(bin_dir: Path) -> float:
    """What the venv's site-packages holds, in MiB (du's apparent sizes of its files)."""
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    out = run([str(bin_dir / "python"), "-c", code]).stdout.strip()
    total = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())
    return total / (1 << 20)


def run(
    command: list[str],
    env: dict[str, str] | None = None,
    check: bool = True,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=240, check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited with {done.returncode}\n"
            f"stdout:\n{done.stdout[-4000:]}\nstderr:\n{done.stderr[-4000:]}"
        )
    return done
