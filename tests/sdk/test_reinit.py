"""reinit, exactly as the multiple-runs seed says, and where its value comes from."""

from __future__ import annotations

import json

import pytest

import runbase


def run_json(run_script, source: str, env: dict[str, str] | None = None) -> dict:
    proc = run_script(source, env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_create_new_never_touches_globals(run_script, runbase_dir):
    out = run_json(
        run_script,
        """
        import json, runbase as wandb
        main = wandb.init(project="p", name="main")
        side = wandb.init(project="p", name="side", reinit="create_new")
        side.log({"x": 1})
        wandb.log({"y": 2})          # goes to the global run: main
        wandb.config.update({"k": 1})
        res = {"global_is_main": wandb.run is main, "side_active": not side._finished}
        side.finish()
        res["global_after_side_finish"] = wandb.run is main
        main.finish()
        res["global_after_main_finish"] = wandb.run is None
        print(json.dumps(res))
        """,
    )
    assert out == {
        "global_is_main": True,
        "side_active": True,
        "global_after_side_finish": True,
        "global_after_main_finish": True,
    }
    runs = {r.name: r for r in runbase.Api().runs("p")}
    assert runs["side"].summary["x"] == 1 and "y" not in runs["side"].summary
    assert runs["main"].summary["y"] == 2 and runs["main"].config["k"] == 1


def test_create_new_alone_leaves_top_level_unset(run_script, runbase_dir):
    out = run_json(
        run_script,
        """
        import json, runbase as wandb
        run = wandb.init(project="p", reinit="create_new")
        try:
            wandb.log({"a": 1})
            err = None
        except wandb.Error as e:
            err = str(e)
        print(json.dumps({"run_is_none": wandb.run is None, "err": err}))
        run.finish()
        """,
    )
    assert out["run_is_none"] is True
    assert "runbase.init()" in out["err"] and "run.log" in out["err"]


def test_return_previous_returns_most_recent_unfinished(run_script, runbase_dir):
    out = run_json(
        run_script,
        """
        import json, runbase as wandb
        a = wandb.init(project="p", name="a")
        b = wandb.init(project="p", name="b", reinit="create_new")
        c = wandb.init(project="p", name="c", reinit="return_previous")
        res = {"same_as_b": c is b}
        b.finish()
        d = wandb.init(project="p", name="d", reinit="return_previous")
        res["then_a"] = d is a
        print(json.dumps(res))
        """,
    )
    assert out == {"same_as_b": True, "then_a": True}
    names = sorted(r.name for r in runbase.Api().runs("p"))
    assert names == ["a", "b"]


def test_finish_previous_finishes_every_active_run(run_script, runbase_dir):
    run_script(
        """
        import runbase as wandb
        a = wandb.init(project="p", name="a")
        b = wandb.init(project="p", name="b", reinit="create_new")
        c = wandb.init(project="p", name="c", reinit="finish_previous")
        assert a._finished and b._finished and wandb.run is c
        import time; time.sleep(0.2)
        """
    )
    states = {r.name: r.state for r in runbase.Api().runs("p")}
    assert states == {"a": "finished", "b": "finished", "c": "finished"}


def test_default_in_a_script_is_finish_previous(run_script, runbase_dir):
    out = run_json(
        run_script,
        """
        import json, runbase as wandb
        a = wandb.init(project="p")
        b = wandb.init(project="p")
        print(json.dumps({"a_finished": a._finished, "different": a is not b}))
        """,
    )
    assert out == {"a_finished": True, "different": True}


def test_deprecated_booleans_warn_and_map(run_script, runbase_dir):
    proc = run_script(
        """
        import warnings, runbase as wandb
        warnings.simplefilter("always")
        a = wandb.init(project="p")
        b = wandb.init(project="p", reinit=False)
        assert b is a
        c = wandb.init(project="p", reinit=True)
        assert a._finished and c is not a
        """
    )
    assert proc.stderr.count("boolean value for 'reinit' is deprecated") == 2


def test_unknown_value_names_the_allowed_ones(runbase_dir):
    with pytest.raises(ValueError, match="create_new.*finish_previous.*return_previous"):
        runbase.init(project="p", reinit="sometimes")
    with pytest.raises(ValueError, match="create_new"):
        runbase.Settings(reinit="again")


@pytest.mark.parametrize(
    ("env", "setup", "init_settings", "kwarg", "expected"),
    [
        ({}, None, None, None, "finish_previous"),
        ({"WANDB_REINIT": "create_new"}, None, None, None, "create_new"),
        (
            {"RUNBASE_REINIT": "create_new", "WANDB_REINIT": "return_previous"},
            None,
            None,
            None,
            "create_new",
        ),
        ({"WANDB_REINIT": "create_new"}, "return_previous", None, None, "return_previous"),
        (
            {"WANDB_REINIT": "create_new"},
            "return_previous",
            "finish_previous",
            None,
            "finish_previous",
        ),
        (
            {"WANDB_REINIT": "create_new"},
            "return_previous",
            "finish_previous",
            "create_new",
            "create_new",
        ),
    ],
)
def test_precedence(run_script, runbase_dir, env, setup, init_settings, kwarg, expected):
    out = run_json(
        run_script,
        f"""
        import json, runbase as wandb
        if {setup!r}:
            wandb.setup(wandb.Settings(reinit={setup!r}))
        first = wandb.init(project="p", reinit="create_new")
        kwargs = {{}}
        if {init_settings!r}:
            kwargs["settings"] = wandb.Settings(reinit={init_settings!r})
        if {kwarg!r}:
            kwargs["reinit"] = {kwarg!r}
        second = wandb.init(project="p", **kwargs)
        if second is first:
            seen = "return_previous"
        elif first._finished:
            seen = "finish_previous"
        else:
            seen = "create_new"
        print(json.dumps({{"seen": seen}}))
        """,
        env=env,
    )
    assert out["seen"] == expected


def test_bad_environment_value_is_a_clear_error(run_script, runbase_dir):
    proc = run_script(
        "import runbase\nrunbase.init(project='p')\n", env={"WANDB_REINIT": "often"}, check=False
    )
    assert proc.returncode != 0
    assert "WANDB_REINIT" in proc.stderr and "create_new" in proc.stderr
