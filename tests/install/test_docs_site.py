"""The documentation site builds with no warning, and every link in it resolves.

``mkdocs build --strict`` (what ``make docs`` runs) already fails on a page left out
of the nav, a link to a missing page or a missing ``#anchor``; the walk over the
built HTML below also catches links that generated content (the API and CLI
references, the theme) makes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

REPO = Path(__file__).resolve().parents[2]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("name"):
            self.ids.add(str(found["name"]))
        for attr in ("href", "src"):
            if found.get(attr) and tag in ("a", "img", "script", "link"):
                self.links.append(str(found[attr]))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _target(page: Path, href: str, site: Path) -> tuple[Path, str] | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("/"):
        return None  # outside the site (the web, or the server root)
    if not parts.path:
        return page, unquote(parts.fragment)
    target = (page.parent / unquote(parts.path)).resolve()
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    assert site.resolve() in target.parents, f"{page}: {href} leaves the site"
    return target, unquote(parts.fragment)


def _nav_pages(nav: list) -> list[str]:
    pages: list[str] = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages += _nav_pages(value) if isinstance(value, list) else [value]
    return pages


def test_docs_site_builds_strict_and_every_link_resolves(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-5000:]
    assert "WARNING" not in output, output[-5000:]

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    for page in _nav_pages(config["nav"]):
        name = page[: -len(".md")]
        built = site / ("index.html" if name == "index" else f"{name}/index.html")
        assert built.is_file(), f"{page} was not built"
    api = (site / "reference/python-api/index.html").read_text()
    assert "def init" in api or "init</span>" in api or "init(" in api
    assert "--allowed-host" in (site / "reference/cli/index.html").read_text()

    pages = {p.resolve(): _parse(p) for p in site.rglob("*.html")}
    broken = []
    for path, parsed in pages.items():
        for href in parsed.links:
            target = _target(path, href, site)
            if target is None:
                continue
            file, fragment = target
            if not file.exists():
                broken.append(f"{path.relative_to(site.resolve())}: {href} (no such file)")
            elif fragment and file.suffix == ".html" and fragment not in pages[file].ids:
                broken.append(f"{path.relative_to(site.resolve())}: {href} (no #{fragment})")
    assert not broken, "\n".join(broken[:50])
