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

Vite only bundles; the type check against the server's OpenAPI schema (``make ui``,
``make test``) is a development step that needs the whole runbase installed, which
an isolated build environment does not have. Editable installs (``make install``)
serve ``src/`` in place, so they build nothing here: ``make ui`` does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NoReturn

from setuptools import build_meta as _setuptools
from setuptools.build_meta import (  # noqa: F401  (hooks used as setuptools defines them)
    build_editable,
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
    return str(_setuptools.build_wheel(wheel_directory, config_settings, metadata_directory))


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
