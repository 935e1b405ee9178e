"""The layering of docs/architecture.md as a user feels it: `import runbase` stays light.

The import contracts themselves (records imports nothing of runbase, the SDK never
imports the store, ...) are checked by `lint-imports` in `make lint`.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "runbase.store",
    "runbase.api",
    # the wandb opt-in and the framework integrations load only when asked for
    "runbase.as_wandb",
    "runbase.integration",
    "transformers",
    "lightning",
    "keras",
    "wandb",
)


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_runbase_loads_no_database_or_web_framework():
    loaded = _loaded_after("import runbase")
    assert [m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY] == []


def test_a_logged_run_loads_no_database_or_web_framework(tmp_path):
    code = (
        "import os\n"
        f"os.environ['RUNBASE_DIR'] = {str(tmp_path)!r}\n"
        "import runbase\n"
        "run = runbase.init(project='p', settings={'silent': True, 'console': 'off'})\n"
        "run.log({'a': 1})\n"
        "run.finish()\n"
    )
    loaded = _loaded_after(code)
    assert [m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY] == []


def test_the_read_api_is_still_reachable_from_the_top_level():
    loaded = _loaded_after("import runbase\nrunbase.Api")
    assert "runbase.api" in loaded


def test_making_an_api_loads_no_database_library(tmp_path):
    """``Api()`` is ready at once; SQLAlchemy and NumPy load at the first query."""
    code = (
        "import os\n"
        f"os.environ['RUNBASE_DIR'] = {str(tmp_path)!r}\n"
        "import runbase\n"
        "api = runbase.Api()\n"
    )
    loaded = _loaded_after(code)
    assert [m for m in loaded if m.split(".")[0] in ("sqlalchemy", "numpy", "alembic")] == []
    assert "runbase.api.api" in loaded
    # Nor the SDK's run machinery (init, Run, the exit hooks): a reader never logs.
    assert [m for m in loaded if m in ("runbase.sdk.init", "runbase.sdk.run")] == []


def test_the_sdk_names_load_on_first_use_and_are_the_real_ones():
    code = (
        "import runbase\n"
        "from runbase.sdk.init import init\n"
        "from runbase.sdk.run import Run\n"
        "assert runbase.init is init and runbase.Run is Run\n"
        "from runbase import Settings, finish\n"
        "assert callable(finish) and Settings(silent=True).silent is True\n"
    )
    loaded = _loaded_after(code)
    assert "runbase.sdk.init" in loaded


def test_listing_runs_of_a_current_store_loads_no_numpy_nor_the_history_writer(tmp_path):
    """A sync that finds nothing new, and a page of runs, need neither."""
    log = (
        "import os\n"
        f"os.environ['RUNBASE_DIR'] = {str(tmp_path)!r}\n"
        "import runbase\n"
        "run = runbase.init(project='p', settings={'silent': True, 'console': 'off'})\n"
        "run.log({'a': 1.0})\n"
        "run.finish()\n"
        "assert len(runbase.Api().runs('p')) == 1\n"  # indexes it
    )
    subprocess.run([sys.executable, "-c", log], check=True, capture_output=True)
    loaded = _loaded_after(
        f"import os\nos.environ['RUNBASE_DIR'] = {str(tmp_path)!r}\n"
        "import runbase\nassert len(runbase.Api().runs('p')) == 1\n"
    )
    assert "sqlalchemy" in loaded  # the store answered
    heavy = ("numpy", "runbase.store.indexing.batch", "runbase.store.indexing.write_history")
    assert [m for m in loaded if m.split(".")[0] == "numpy" or m in heavy] == []


def test_reading_one_run_after_logging_loads_no_database_library(tmp_path):
    code = (
        "import os\n"
        f"os.environ['RUNBASE_DIR'] = {str(tmp_path)!r}\n"
        "import runbase\n"
        "run = runbase.init(project='p', id='r', settings={'silent': True, 'console': 'off'})\n"
        "run.log({'a': 1.0})\n"
        "run.finish()\n"
        "assert runbase.Api().run('p/r').history(pandas=False)[0]['a'] == 1.0\n"
    )
    loaded = _loaded_after(code)
    assert [m for m in loaded if m.split(".")[0] in ("sqlalchemy", "alembic")] == []


def test_a_run_loads_artifacts_only_when_it_uses_them(tmp_path):
    code = (
        "import os\n"
        f"os.environ['RUNBASE_DIR'] = {str(tmp_path)!r}\n"
        "import runbase\n"
        "run = runbase.init(project='p', settings={'silent': True, 'console': 'off'})\n"
        "run.log({'a': 1})\n"
        "run.finish()\n"
    )
    loaded = _loaded_after(code)
    artifacts = [m for m in loaded if m.startswith("runbase.sdk.artifacts.")]
    assert artifacts == ["runbase.sdk.artifacts.run_methods"]
    assert [m for m in loaded if m in ("sqlite3", "obstore", "runbase.blobs")] == []
    loaded = _loaded_after(code.replace("run.log(", "runbase.Artifact('a', 'b')\nrun.log("))
    assert "runbase.sdk.artifacts.artifact" in loaded and "obstore" not in loaded


def test_making_an_api_loads_no_record_codec(tmp_path):
    """``Api()`` needs where runs live, not how records are encoded: msgspec and the
    record reader load at the first answer."""
    code = (
        "import os\n"
        f"os.environ['RUNBASE_DIR'] = {str(tmp_path)!r}\n"
        "import runbase\n"
        "api = runbase.Api()\n"
    )
    loaded = _loaded_after(code)
    assert [m for m in loaded if m.split(".")[0] == "msgspec"] == []
    assert "runbase.records.reader" not in loaded
