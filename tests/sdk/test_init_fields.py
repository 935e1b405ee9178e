"""init() refuses run fields that readers cannot use, before anything is written."""

from __future__ import annotations

import pytest

import runbase
from tests.conftest import QUIET


def new_run(**kwargs):
    return runbase.init(settings=runbase.Settings(**QUIET), **kwargs)


BAD = [
    # (argument, value, what the message says)
    ("group", {}, "must be a string, got dict"),
    ("group", "a\nb", "control character"),
    ("group", "g" * 257, "257 characters long; the limit is 256"),
    ("job_type", 5, "must be a string, got int"),
    ("job_type", "j" * 65, "limit is 64"),
    ("name", ["x"], "must be a string, got list"),
    ("name", "tab\there", "control character"),
    ("notes", b"bytes", "must be a string, got bytes"),
    ("notes", "bell\x07", "control character"),
    ("notes", "n" * 100_001, "limit is 100000"),
    ("entity", 123, "must be a string, got int"),
    ("entity", "a/b", "cannot contain"),
    ("project", ["p"], "must be a string, got list"),
    ("project", "a\x00b", "control character"),
    ("project", "p" * 129, "at most 128"),
    ("project", "a:b", "cannot contain"),
    ("id", 7, "must be a string, got int"),
    ("id", "a\nb", "control character"),
    ("id", "a;b", "cannot contain"),
    ("tags", [1], "tag 0 is int"),
    ("tags", ["ok", ""], "tag 1 is empty"),
    ("tags", ["t" * 65], "tags are 1 to 64 characters"),
    ("tags", ["a\nb"], "control character"),
    ("tags", 5, "must be a list of strings"),
]


@pytest.mark.parametrize(
    ("arg", "value", "says"), BAD, ids=[f"{a}-{i}" for i, (a, *_) in enumerate(BAD)]
)
def test_bad_run_fields_are_refused_naming_the_argument(runbase_dir, arg, value, says):
    kwargs = {"project": "fields", arg: value} if arg != "project" else {arg: value}
    with pytest.raises(runbase.UsageError) as info:
        new_run(**kwargs)
    message = str(info.value)
    assert f"runbase.init({arg}=...)" in message and says in message
    assert runbase.run is None
    assert not list(runbase_dir.glob("runs/*/*/*/segments/*.rbr")), "nothing was written"
    # The next run works, and readers see only it.
    new_run(project="fields", group="g").finish()
    (run,) = runbase.Api().runs("fields")
    assert run.group == "g"


def test_the_issue_example_leaves_the_store_readable(runbase_dir):
    with pytest.raises(runbase.UsageError, match=r"group=.*must be a string, got dict"):
        new_run(project="bad", group={})
    new_run(project="bad").finish()
    assert len(list(runbase.Api().runs("bad"))) == 1


def test_values_from_the_environment_name_the_variable(runbase_dir, monkeypatch):
    monkeypatch.setenv("WANDB_RUN_GROUP", "line\x01break")
    with pytest.raises(runbase.UsageError, match="RUNBASE_RUN_GROUP or WANDB_RUN_GROUP"):
        new_run(project="fields")


def test_accepted_spellings(runbase_dir):
    run = new_run(
        project="fields",
        name="",  # empty: a generated name, as in W&B
        group="",  # empty: no group
        notes="line one\n\tline two\r\n",  # notes may span lines
        tags="solo",  # a single string is one tag, as in W&B
    )
    run.finish()
    got = runbase.Api().run(run.path)
    assert run.name and got.name == run.name
    assert got.group is None and got.notes == "line one\n\tline two\r\n"
    assert got.tags == ["solo"]
    default = new_run(project="", entity="")  # empty: the defaults, as before
    assert default.project == "Uncategorized" and default.entity
    default.finish()


def test_setters_check_the_same_rules(runbase_dir):
    run = new_run(project="fields")
    with pytest.raises(runbase.UsageError, match=r"run\.name: must be a string, got dict"):
        run.name = {}
    with pytest.raises(runbase.UsageError, match=r"run\.notes: .*control character"):
        run.notes = "\x00"
    with pytest.raises(runbase.UsageError, match=r"run\.tags: tag 0 is int"):
        run.tags = [3]
    run.name = "renamed"
    run.finish()
    assert runbase.Api().run(run.path).name == "renamed"


def test_a_config_that_cannot_be_stored_is_refused_before_anything_is_written(runbase_dir):
    with pytest.raises(ValueError, match=r"config: 'big' is .*outside the range"):
        new_run(project="fields", config={"big": 2**70})
    assert not list(runbase_dir.glob("runs/*/*/*/segments/*.rbr"))
    cyclic: dict = {"a": 1}
    cyclic["me"] = cyclic
    with pytest.raises(TypeError, match="contains itself"):
        new_run(project="fields", config={"c": cyclic})
    assert not list(runbase_dir.glob("runs/*/*/*/segments/*.rbr"))
