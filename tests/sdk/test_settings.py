"""Settings: typed fields, clear errors for unknown names and wrong types, precedence."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import runbase
from runbase import Settings
from tests.conftest import QUIET


def test_an_unknown_setting_names_it_and_the_valid_ones(runbase_dir):
    with pytest.raises(TypeError) as info:
        Settings(projcet="p")
    message = str(info.value)
    assert "'projcet'" in message and "did you mean 'project'?" in message
    assert "silent" in message and "system_sample_interval" in message
    with pytest.raises(TypeError, match="'colour'"):
        runbase.init(project="s", settings={"colour": "red", **QUIET})
    assert not list(runbase_dir.glob("runs/**/*.rbr")), "nothing was written"


def test_wandb_settings_runbase_does_not_use_warn_and_a_script_runs(run_script):
    proc = run_script(
        """
        import runbase as wandb
        settings = wandb.Settings(start_method="thread", init_timeout=120, x_disable_stats=True,
                                  _disable_meta=True, silent=True, console="off")
        run = wandb.init(project="compat", settings=settings)
        run.log({"a": 1})
        run.finish()
        """
    )
    assert proc.stderr.count("is a W&B setting runbase does not use") == 2
    assert "'start_method'" in proc.stderr and "'init_timeout'" in proc.stderr
    (run,) = runbase.Api().runs("compat")
    assert run.summary["a"] == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        ({"silent": [1]}, TypeError, "setting silent takes True or False; got list [1]"),
        ({"silent": "maybe"}, ValueError, "silent='maybe' is not a boolean"),
        ({"group": {}}, TypeError, "setting group takes a string or None; got dict {}"),
        ({"tags": [1, "a"]}, TypeError, "setting tags takes a list of strings"),
        ({"mode": 5}, TypeError, "setting mode takes one of 'online', 'offline', 'disabled'"),
        ({"mode": "sometimes"}, ValueError, "mode='sometimes' is not valid"),
        ({"console": "wrap_emu"}, ValueError, "console='wrap_emu' is not valid"),
        ({"resume": "later"}, ValueError, "resume='later' is not valid; use one of 'allow'"),
        ({"system_sample_interval": "often"}, ValueError, "'often' is not a number"),
        ({"system_sample_interval": 0}, ValueError, "must be a positive number of seconds"),
        ({"heartbeat_interval": True}, TypeError, "setting heartbeat_interval takes a number"),
        ({"dir": 5}, TypeError, "setting dir takes a string or None; got int 5"),
    ],
)
def test_a_wrong_value_names_the_setting(kwargs, error, says):
    with pytest.raises(error) as info:
        Settings(**kwargs)
    assert says in str(info.value)
    name, value = next(iter(kwargs.items()))
    s = Settings()
    with pytest.raises(error):
        setattr(s, name, value)
    assert s.explicit() == {}, "a refused value changes nothing"


def test_the_spellings_wandb_accepts_are_read_as_the_type(tmp_path):
    s = Settings(
        silent="false",  # a string, as W&B (pydantic) accepts; not "truthy"
        disable_git="yes",
        save_requirements=0,
        system_sample_interval=5,
        tags="solo",
        dir=tmp_path,
        mode="dryrun",
        reinit="create_new",
        resume=True,
    )
    assert s.silent is False and s.disable_git is True and s.save_requirements is False
    assert s.system_sample_interval == 5.0 and isinstance(s.system_sample_interval, float)
    assert s.tags == ("solo",) and s.dir == str(tmp_path) and s.mode == "offline"
    assert Settings(tags=["a", "b"]).tags == ("a", "b")
    with pytest.warns(DeprecationWarning, match="boolean value for 'reinit'"):
        assert Settings(reinit=False).reinit == "return_previous"


def test_attributes_are_the_settings():
    s = Settings(project="p")
    assert s.project == "p" and s.entity is None and s.mode == "online" and s.silent is False
    s.silent = True
    assert s.explicit() == {"project": "p", "silent": True}
    with pytest.raises(AttributeError, match="no setting 'projects'.*did you mean 'project'"):
        s.projects  # noqa: B018
    with pytest.raises(AttributeError, match="no setting 'nope'"):
        s.nope = 1


def test_only_explicit_values_take_part_in_precedence():
    low = Settings(project="low", silent=True, console="off")
    high = Settings(project="high", silent=None, notes=None)
    # None means "not given" where the default is not None (silent), but is a value
    # where the default is None (notes): it then overrides a lower layer.
    assert high.explicit() == {"project": "high", "notes": None}
    merged = Settings.merged(low, None, high)
    assert (merged.project, merged.silent, merged.console) == ("high", True, "off")
    assert merged.explicit() == {"project": "high", "silent": True, "console": "off", "notes": None}
    assert low.project == "low", "merging leaves the layers alone"


def test_environment_runbase_first_then_wandb(monkeypatch, runbase_dir):
    monkeypatch.setenv("WANDB_PROJECT", "from-wandb")
    monkeypatch.setenv("RUNBASE_PROJECT", "from-runbase")
    monkeypatch.setenv("WANDB_TAGS", "a, b,,c")
    monkeypatch.setenv("WANDB_SILENT", "true")
    monkeypatch.setenv("RUNBASE_SYSTEM_SAMPLE_INTERVAL", "2.5")
    env = Settings.from_environment()
    assert env.explicit() == {
        "project": "from-runbase",
        "tags": ("a", "b", "c"),
        "system_sample_interval": 2.5,
        "silent": True,
    }
    monkeypatch.setenv("WANDB_DISABLE_GIT", "maybe")
    with pytest.raises(ValueError, match="environment variable WANDB_DISABLE_GIT"):
        Settings.from_environment()


def test_init_applies_the_layers_in_order(runbase_dir, monkeypatch):
    monkeypatch.setenv("WANDB_PROJECT", "env")
    monkeypatch.setenv("WANDB_NOTES", "env notes")
    monkeypatch.setenv("WANDB_RUN_GROUP", "env group")
    runbase.setup(Settings(notes="setup notes", group="setup group", job_type="setup"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = runbase.init(
            group="kwarg group", settings=Settings(job_type="init settings", **QUIET)
        )
    run.finish()
    assert not [w for w in caught if "Settings" in str(w.message)]
    assert (run.project, run.notes, run.group, run.job_type) == (
        "env",
        "setup notes",
        "kwarg group",
        "init settings",
    )
    assert run.settings.group == "kwarg group" and isinstance(run.settings, Settings)


def test_a_path_for_dir_holds_run_dir_and_the_store_stays_put(runbase_dir, tmp_path):
    # W&B's meaning (see test_init_dir.py): dir= is where run.dir shows, not the store.
    local = tmp_path / "elsewhere"
    run = runbase.init(project="d", dir=Path(local), settings=Settings(**QUIET))
    run.finish()
    assert Path(run.dir).parent.parent == local / "wandb"
    assert list(runbase_dir.glob("runs/**/segments/*.rbr")) and not list(local.rglob("*.rbr"))
