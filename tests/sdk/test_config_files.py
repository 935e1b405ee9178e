"""Config the way W&B scripts pass it: YAML files, ``config-defaults.yaml``, absl flags,
and ``config_include_keys`` / ``config_exclude_keys`` (an excluded key is never stored)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import runbase

QUIET = '{"silent": True, "console": "off", "disable_system_metrics": True}'
SECRET = "sk-live-7d1f0c0ffee5ecret"


def _api_run():
    (run,) = list(runbase.Api().runs("cfg"))
    return run


def _store_bytes(root: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in root.rglob("*") if p.is_file()]


def test_an_excluded_key_is_stored_nowhere(run_script, runbase_dir):
    proc = run_script(
        f"""
        import runbase as wandb
        run = wandb.init(project="cfg", settings={QUIET},
                         config={{"lr": 0.1, "api_key": "{SECRET}", "nested": {{"k": 1}}}},
                         config_exclude_keys=["api_key"])
        assert "api_key" not in run.config and run.config.lr == 0.1
        run.log({{"loss": 1.0}})
        run.finish()
        """
    )
    run = _api_run()
    assert dict(run.config) == {"lr": 0.1, "nested": {"k": 1}}
    run.history(pandas=False)  # the store indexes everything by now
    leaks = [p for p, data in _store_bytes(runbase_dir) if SECRET.encode() in data]
    assert leaks == [], f"the excluded value is in {leaks}"
    assert SECRET not in proc.stdout + proc.stderr


def test_included_keys_are_the_only_ones_stored(run_script, runbase_dir):
    run_script(
        f"""
        import argparse
        import runbase as wandb
        args = argparse.Namespace(lr=0.1, epochs=3, token="{SECRET}")
        run = wandb.init(project="cfg", settings={QUIET}, config=args,
                         config_include_keys=["lr", "epochs"])
        run.finish()
        """
    )
    assert dict(_api_run().config) == {"lr": 0.1, "epochs": 3}
    assert not [p for p, data in _store_bytes(runbase_dir) if SECRET.encode() in data]


def test_include_and_exclude_together_is_refused(runbase_dir):
    with pytest.raises(runbase.UsageError, match="not both"):
        runbase.init(
            project="cfg",
            config={"a": 1},
            config_include_keys=["a"],
            config_exclude_keys=["b"],
            settings={"silent": True},
        )
    with pytest.raises(TypeError, match="list of key names"):
        runbase.init(project="cfg", config={"a": 1}, config_exclude_keys="a")
    assert not (runbase_dir / "runs").exists()


def test_config_from_a_yaml_file(run_script, tmp_path):
    (tmp_path / "config.yaml").write_text(
        textwrap.dedent(
            """
            wandb_version: 1
            epochs:
              desc: Number of epochs to train over
              value: 100
            batch_size:
              value: 32
            optimizer: {name: adam, betas: [0.9, 0.99]}
            lr: 0.001
            """
        )
    )
    run_script(
        f"""
        import runbase as wandb
        run = wandb.init(project="cfg", settings={QUIET}, config="config.yaml")
        assert run.config.epochs == 100 and run.config["optimizer"]["name"] == "adam"
        run.config.update("config.yaml")  # the same values again: no change, no error
        run.finish()
        """
    )
    assert dict(_api_run().config) == {
        "epochs": 100,
        "batch_size": 32,
        "optimizer": {"name": "adam", "betas": [0.9, 0.99]},
        "lr": 0.001,
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "config file missing.yaml doesn't exist"),
        ("a: [1, 2", "is not valid YAML"),
        ("- 1\n- 2\n", "must map keys to values"),
        ("wandb_version: 2\na: 1\n", "unknown wandb_version 2"),
    ],
)
def test_a_bad_config_file_is_a_clear_config_error(run_script, tmp_path, content, message):
    if content is not None:
        (tmp_path / "missing.yaml").write_text(content)
    proc = run_script(
        f"""
        import runbase as wandb
        try:
            wandb.init(project="cfg", settings={QUIET}, config="missing.yaml")
        except wandb.ConfigError as e:
            print("ConfigError:", e)
        """
    )
    assert message in proc.stdout


def test_config_defaults_yaml_is_loaded_and_init_config_overrides_it(run_script, tmp_path):
    (tmp_path / "config-defaults.yaml").write_text(
        "epochs:\n  desc: epochs\n  value: 10\nlr:\n  value: 0.1\ndropout: 0.5\n"
    )
    proc = run_script(
        f"""
        import json
        import runbase as wandb
        run = wandb.init(project="cfg", settings={QUIET}, config={{"lr": 0.01}})
        seen = dict(run.config)
        run.config.update({{"seed": 1, "epochs": 10}})   # new key; same value: fine
        try:
            run.config.update({{"epochs": 20}})           # a default's value changed
        except wandb.ConfigError:
            seen["refused"] = True
        run.config.update({{"dropout": 0.2}}, allow_val_change=True)
        print(json.dumps(seen))
        run.finish()
        """
    )
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen == {"epochs": 10, "lr": 0.01, "dropout": 0.5, "refused": True}
    assert dict(_api_run().config) == {"epochs": 10, "lr": 0.01, "dropout": 0.2, "seed": 1}


def test_config_defaults_do_not_undo_a_resumed_runs_values(run_script, tmp_path):
    source = f"""
        import runbase as wandb
        run = wandb.init(project="cfg", id="r1", resume="allow", settings={QUIET})
        run.config.update({{"lr": 0.5}}, allow_val_change=True)
        run.finish()
        """
    run_script(source)
    (tmp_path / "config-defaults.yaml").write_text("lr: 0.1\nepochs: 3\n")
    run_script(source.replace('update({"lr": 0.5}, allow_val_change=True)', "update({})"))
    assert dict(_api_run().config) == {"lr": 0.5, "epochs": 3}


ABSL_SCRIPT = f"""
import sys
from absl import flags
import runbase as wandb

flags.DEFINE_string("model", "resnet", "model to run")
flags.DEFINE_integer("batch_size", 64, "batch size")
flags.FLAGS(sys.argv)  # parse: --batch_size=128 on the command line
run = wandb.init(project="cfg", settings={QUIET}, config=flags.FLAGS)
run.finish()
run = wandb.init(project="cfg2", settings={QUIET})
run.config.update(flags)  # the module itself, as W&B accepts too
run.finish()
"""


@pytest.mark.skipif(
    importlib.util.find_spec("absl") is None,
    reason="absl-py is not installed; W&B recognises FlagValues by its module (absl.flags), "
    "so no stand-in object would test the same thing",
)
def test_absl_flags_become_the_config(runbase_dir, tmp_path):
    script = tmp_path / "train.py"
    script.write_text(ABSL_SCRIPT)
    env = dict(os.environ, RUNBASE_DIR=str(runbase_dir))
    proc = subprocess.run(
        [sys.executable, str(script), "--batch_size=128"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    api = runbase.Api()
    for project in ("cfg", "cfg2"):
        (run,) = list(api.runs(project))
        assert run.config["model"] == "resnet" and run.config["batch_size"] == 128


def test_without_pyyaml_a_config_file_says_what_to_install(run_script, tmp_path):
    (tmp_path / "config.yaml").write_text("lr: 0.1\n")
    proc = run_script(
        f"""
        import sys
        sys.modules["yaml"] = None  # as if PyYAML were not installed
        import runbase as wandb
        run = wandb.init(project="cfg", settings={QUIET}, config={{"lr": 0.1}})
        run.finish()  # no YAML file named, none in the working directory: no PyYAML needed
        try:
            wandb.init(project="cfg", settings={QUIET}, config="config.yaml")
        except ImportError as e:
            print("ImportError:", e)
        """
    )
    assert "ImportError: runbase reads config files with PyYAML" in proc.stdout
    assert "pip install pyyaml" in proc.stdout
