"""runbase installs like any Python package: ``python -m build`` makes an sdist and a
wheel that carry the web app, and each installs into a fresh venv with no Node.js on
PATH, logs a run, and serves the run's page with the app's script in it.

Slow by nature (two builds, two installs); PyPI is asked once per session (builds.py).
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from runbase.version import __version__

from .builds import (
    STATIC,
    build,
    copy_checkout,
    download,
    fresh_venv,
    no_node_path,
    offline_env,
    run,
    site_packages_mib,
    unpack,
)

# The base install's size, which the README reports beside W&B's and MLflow's: a
# heavy dependency creeping into the base (a training node's install) fails here.
BASE_MIB_LIMIT = 200

_LOG_A_RUN = """
import json, warnings
import runbase

run = runbase.init(project="packaged", config={"lr": 0.1})
for step in range(5):
    runbase.log({"loss": 1.0 / (step + 1)})
run.finish()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    rows = runbase.Api().run(run.path).history()
said = [str(w.message) for w in caught]
print(json.dumps({"path": run.path, "rows": len(rows), "warnings": said}))
"""


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist (built from a copy of the checkout) and the wheel built from that sdist
    with no Node.js on PATH, plus the wheelhouse their installs take everything from."""
    tmp = tmp_path_factory.mktemp("dists")
    wheelhouse, out = tmp / "wheelhouse", tmp / "dist"
    download(wheelhouse, "setuptools>=77")
    source = copy_checkout(tmp / "checkout")
    # The checkout's own PATH: a checkout whose app is not built yet builds it with Node.js.
    sdist_build = build("sdist", source, out, offline_env(wheelhouse, path=None))
    assert sdist_build.returncode == 0, sdist_build.stderr[-4000:]
    (sdist,) = out.glob("runbase-*.tar.gz")
    tree = unpack(sdist, tmp / "unpacked")
    assert (tree / STATIC / "index.html").is_file(), "the sdist carries the built web app"
    assert not (tree / "ui").exists(), "the sdist carries the app built, not its sources"
    bare = offline_env(wheelhouse, no_node_path(tmp))
    wheel_build = build("wheel", tree, out, bare)
    assert wheel_build.returncode == 0, wheel_build.stderr[-4000:]
    (wheel,) = out.glob("runbase-*.whl")
    download(wheelhouse, str(wheel))
    return {"sdist": sdist, "wheel": wheel, "wheelhouse": wheelhouse}


@pytest.fixture(scope="module")
def installed(
    dists: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], tuple[Path, dict[str, str]]]:
    """``installed(kind)``: the bin/ of a fresh venv holding that dist (made once per
    module), and an environment with no Node.js and a store of its own."""
    made: dict[str, tuple[Path, dict[str, str]]] = {}

    def get(kind: str) -> tuple[Path, dict[str, str]]:
        if kind not in made:
            tmp = tmp_path_factory.mktemp(f"venv-{kind}")
            # The wheel's venv is measured (with bytecode, as users get it); the sdist's not.
            bare = _bare_env(dists, tmp)
            venv_bin = fresh_venv(tmp / "venv", dists[kind], bare, compile=kind == "wheel")
            env = {**_bare_env(dists, tmp, venv_bin), "RUNBASE_DIR": str(tmp / "store")}
            made[kind] = venv_bin, env
        return made[kind]

    return get


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_installed_package_serves_the_web_app(
    kind: str, installed: Callable[[str], tuple[Path, dict[str, str]]], tmp_path: Path
) -> None:
    venv_bin, env = installed(kind)
    version = run([str(venv_bin / "runbase"), "--version"], env=env).stdout
    assert version.strip() == f"runbase, version {__version__}"
    logged = run([str(venv_bin / "python"), "-c", _LOG_A_RUN], env=env, cwd=tmp_path)
    result = json.loads(logged.stdout.strip().splitlines()[-1])
    assert result["rows"] == 5
    # The base install has no pandas: history() says which extra gives a DataFrame.
    assert any("runbase[pandas]" in w for w in result["warnings"]), result
    entity, project, run_id = result["path"].split("/")
    with _runbase_ui(venv_bin, env, tmp_path) as url:
        page = httpx.get(f"{url}/{entity}/{project}/runs/{run_id}", timeout=10)
        assert page.status_code == 200
        script = re.search(r'<script type="module"[^>]*src="(/assets/[^"]+\.js)"', page.text)
        assert script, f"no app script in the run's page:\n{page.text[:2000]}"
        asset = httpx.get(url + script[1], timeout=10)
        assert asset.status_code == 200 and "javascript" in asset.headers["content-type"]
        shown = httpx.get(f"{url}/api/v1/projects/{entity}/{project}/runs/{run_id}", timeout=10)
        # What the run page shows as "CLI version".
        assert shown.json()["metadata"]["runbase_version"] == __version__


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_installed_package_carries_the_wandb_opt_in(
    kind: str, installed: Callable[[str], tuple[Path, dict[str, str]]], tmp_path: Path
) -> None:
    """pip puts runbase_as_wandb.pth in site-packages: RUNBASE_AS_WANDB=1 turns a fresh
    Python's ``import wandb`` into runbase; without it nothing of runbase loads."""
    venv_bin, env = installed(kind)
    python = str(venv_bin / "python")
    code = "import wandb, importlib.metadata as md; print(wandb.__name__, md.version('wandb'))"
    on = run([python, "-c", code], env={**env, "RUNBASE_AS_WANDB": "1"}, cwd=tmp_path)
    assert on.stdout.split() == ["runbase.as_wandb.wandb", "0.31.0"], on.stderr
    probe = (
        "import importlib.util, sys; "
        "print(importlib.util.find_spec('wandb'), 'runbase' in sys.modules)"
    )
    off = run([python, "-c", probe], env=env, cwd=tmp_path)
    assert off.stdout.split() == ["None", "False"]


def test_base_install_is_lean_and_says_which_extra(
    installed: Callable[[str], tuple[Path, dict[str, str]]],
) -> None:
    venv_bin, env = installed("wheel")
    installed_pip = run([str(venv_bin / "python"), "-m", "pip", "--version"], env=env, check=False)
    assert installed_pip.returncode != 0, "a venv made --without-pip holds only runbase's own"
    size = site_packages_mib(venv_bin)
    print(f"\nbase install: {size:.0f} MiB in site-packages")
    assert size < BASE_MIB_LIMIT, f"the base install grew to {size:.0f} MiB"
    probe = """
        import importlib.util, runbase
        extras = ("psycopg", "pandas", "torch", "boto3")
        print("present:", [m for m in extras if importlib.util.find_spec(m)])
        try:
            runbase.Api({"store": "postgresql://nobody@127.0.0.1:1/none"}).projects()
        except runbase.Error as e:
            print("postgres:", type(e).__name__, e)
        """
    out = run([str(venv_bin / "python"), "-c", textwrap.dedent(probe)], env=env).stdout
    assert "present: []" in out
    assert "postgres: StoreError" in out and "pip install 'runbase[postgres]'" in out, out


def test_building_without_the_app_or_node_fails_and_says_why(tmp_path: Path) -> None:
    source = copy_checkout(tmp_path / "checkout", with_static=False)
    env = offline_env(tmp_path / "no-wheelhouse", no_node_path(tmp_path))
    done = build("wheel", source, tmp_path / "dist", env, extra=("--no-isolation",))
    assert done.returncode != 0
    assert "the web app" in done.stderr and "Node.js" in done.stderr, done.stderr[-3000:]
    assert not list((tmp_path / "dist").glob("*.whl"))


def _bare_env(dists: dict[str, Path], tmp: Path, *bins: Path) -> dict[str, str]:
    return offline_env(dists["wheelhouse"], no_node_path(tmp, *bins))


@contextmanager
def _runbase_ui(venv_bin: Path, env: dict[str, str], tmp: Path) -> Iterator[str]:
    """``runbase ui`` from the venv on a free port, until the block ends; its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    log = tmp / "ui.log"
    with log.open("wb") as out:
        command = [str(venv_bin / "runbase"), "ui", "--port", str(port)]
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=out)
        try:
            deadline = time.monotonic() + 30
            while True:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "runbase ui did not answer in 30 s"
                try:
                    httpx.get(f"{url}/api/v1/status", timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)
