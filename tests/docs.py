"""What the docs tests share: a page's fenced blocks (by language, and by what they
contain), one section of a page, and a page's shell commands run as written with its
server address swapped for the test server's."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


def page(name: str) -> str:
    """The text of ``docs/<name>``."""
    return (DOCS / name).read_text()


def blocks(text: str, lang: str) -> list[str]:
    """The bodies of the blocks fenced as ``lang`` (the whole info string, e.g.
    ``python title="train.py"``), in page order."""
    return re.findall(rf"```{re.escape(lang)}\n(.*?)```", text, flags=re.S)


def block(text: str, lang: str, containing: str) -> str:
    """The first ``lang`` block that contains ``containing``."""
    for body in blocks(text, lang):
        if containing in body:
            return body
    raise AssertionError(f"no {lang} block with {containing!r}")


def section(text: str, heading: str) -> str:
    """From ``heading`` (a ``## `` line) to the next one, or the end of the page."""
    start = text.index(heading)
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def run_shell(
    script: str,
    swap: Mapping[str, str] = {},
    *,
    timeout: float = 60,
    **kwargs: object,
) -> subprocess.CompletedProcess[str]:
    """``script`` in ``bash -euo pipefail``, each key of ``swap`` (the page's server
    address) replaced by its value; ``kwargs`` go to ``subprocess.run``. Its output is
    captured as text; the caller asserts on the return code."""
    for old, new in swap.items():
        script = script.replace(old, new)
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,  # type: ignore[call-overload]
    )


def web_shell(script: str, port: int) -> str:
    """A docs/web.md shell block (it talks to ``localhost:8765``) run against the test
    server on ``port``: its stdout, the test failing with its stderr otherwise."""
    res = run_shell(script, {"localhost:8765": f"127.0.0.1:{port}"})
    assert res.returncode == 0, res.stdout + res.stderr
    return res.stdout


def run_python(code: str, root: Path, timeout: float = 180) -> dict[str, str]:
    """A page's Python example run as written, its store at ``root`` (made here); the
    environment it ran in, for more of the page's code to run against the same store."""
    root.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "RUNBASE_DIR": str(root),
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
    }
    res = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert res.returncode == 0, res.stdout + res.stderr
    return env
