"""runbase's build backend: setuptools, plus the web app inside the package.

``runbase ui`` serves the front end from ``runbase/server/static``, which Vite builds
from ``ui/`` and git ignores. Before setuptools makes an sdist or a wheel, this backend
makes sure that folder holds the built app:

- built and newer than every ``ui/`` source: packaged as it is (an sdist, which carries
  the built app and not ``ui/``, always takes this path, so installing from it needs
  no Node.js);
- missing or older than ``ui/``, with Node.js on PATH: built here (``npm ci`` when
  ``ui/node_modules`` is missing or older than the lock file, then ``vite build``);
- missing without Node.js: the build stops and says what to do, rather than making a
  package whose ``runbase ui`` has no web app.

Both the wheel and the editable wheel (``pip install -e``) also get
``runbase_as_wandb.pth`` at their root, so it lands in site-packages: the one line
that turns the ``RUNBASE_AS_WANDB`` opt-in on in a fresh interpreter
(``runbase.as_wandb``). setuptools has no setting for a file outside the packages,
so it is added to the built wheel here, with its line in the wheel's RECORD.

Vite only bundles; the type check against the server's OpenAPI schema (``make ui``,
``make test``) is a development step that needs the whole runbase installed, which
an isolated build environment does not have. Editable installs (``make install``)
serve ``src/`` in place, so they build nothing here: ``make ui`` does.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, NoReturn

from setuptools import build_meta as _setuptools
from setuptools.build_meta import (  # noqa: F401  (hooks used as setuptools defines them)
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

NODE_MIN = (20, 19)
STATIC = Path("src/runbase/server/static")
UI = Path("ui")
# What the bundle is made from (the Makefile's list; tests do not change it).
UI_FILES = ("index.html", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json")
# The startup hook of the RUNBASE_AS_WANDB opt-in, kept in the package and copied to
# the wheel's root (site-packages).
PTH = Path("src/runbase/as_wandb/runbase_as_wandb.pth")


def build_sdist(sdist_directory: str, config_settings: dict[str, Any] | None = None) -> str:
    """The sdist, with the built web app in it."""
    ensure_web_app()
    return str(_setuptools.build_sdist(sdist_directory, config_settings))


def build_wheel(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """The wheel, with the built web app in it."""
    ensure_web_app()
    name = _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    add_to_wheel_root(Path(wheel_directory) / name, PTH)
    return str(name)


def build_editable(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """setuptools' editable wheel, plus the opt-in's startup hook."""
    name = _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    add_to_wheel_root(Path(wheel_directory) / name, PTH)
    return str(name)


def add_to_wheel_root(wheel: Path, source: Path) -> None:
    """Put ``source`` at the root of ``wheel`` and list it in the wheel's RECORD."""
    data = source.read_bytes()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    line = f"{source.name},sha256={digest},{len(data)}\n"
    rewritten = wheel.with_suffix(".tmp")
    with zipfile.ZipFile(wheel) as old, zipfile.ZipFile(rewritten, "w") as new:
        for item in old.infolist():
            content = old.read(item)
            if item.filename.endswith(".dist-info/RECORD"):
                content = content.rstrip(b"\n") + b"\n" + line.encode()
            new.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo(source.name, date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        new.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    rewritten.replace(wheel)


def ensure_web_app() -> None:
    """Build the web app into STATIC unless an up-to-date build is there (see above)."""
    index = STATIC / "index.html"
    sources = ui_sources()
    built = index.is_file()
    if built and not _newer(sources, index):
        return
    problem = node_problem()
    if problem is None and sources:
        _build()
        return
    if built:
        _say(f"the built web app is older than ui/ ({problem}): packaging it as it is")
        return
    if not sources:
        _fail(
            f"this source tree has neither the built web app ({STATIC}) nor its sources "
            "(ui/): build from a runbase checkout or from runbase's sdist"
        )
    _fail(
        f"the web app ({STATIC}) is not built, and building it needs Node.js >= "
        f"{NODE_MIN[0]}.{NODE_MIN[1]} with npm: {problem}. Install Node.js and retry "
        "(it is needed once, to build; runbase never runs it), or install runbase from "
        "its wheel or sdist, which carry the built app"
    )


def ui_sources() -> list[Path]:
    """The files the bundle is built from; empty when ``ui/`` is not here (an sdist)."""
    if not (UI / "package.json").is_file():
        return []
    files = [p for p in (UI / "src").rglob("*") if p.is_file() and ".test." not in p.name]
    return files + [UI / name for name in UI_FILES if (UI / name).is_file()]


def node_problem() -> str | None:
    """Why Node.js cannot build the app here, or None when it can."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return "node and npm are not both on PATH"
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        return f"`node --version` failed ({e})"
    found = re.match(r"v(\d+)\.(\d+)", out.stdout.strip())
    if found is None or (int(found[1]), int(found[2])) < NODE_MIN:
        return f"{node} is {out.stdout.strip() or 'of unknown version'}"
    return None


def _newer(sources: list[Path], target: Path) -> bool:
    mtime = target.stat().st_mtime
    return any(p.stat().st_mtime > mtime for p in sources)


def _build() -> None:
    npm = shutil.which("npm") or "npm"
    stamp = UI / "node_modules" / ".package-lock.json"
    if not stamp.is_file() or _newer([UI / "package-lock.json"], stamp):
        _run([npm, "ci", "--no-audit", "--no-fund"])
    _run([npm, "exec", "--no", "--", "vite", "build"])
    if not (STATIC / "index.html").is_file():
        _fail(f"vite build finished without writing {STATIC / 'index.html'}")


def _run(command: list[str]) -> None:
    _say(f"building the web app: {' '.join(command[1:])} (in ui/)")
    # npm's output goes to stderr: a PEP 517 frontend may read the hooks' stdout.
    done = subprocess.run(command, cwd=UI, stdout=sys.stderr, env={**os.environ, "CI": "1"})
    if done.returncode != 0:
        _fail(f"`{' '.join(command[1:])}` in ui/ exited with {done.returncode} (output above)")


def _say(message: str) -> None:
    print(f"runbase build: {message}", file=sys.stderr, flush=True)


def _fail(message: str) -> NoReturn:
    raise SystemExit(f"runbase build: {message}")
