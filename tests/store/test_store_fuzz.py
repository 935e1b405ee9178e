"""Fuzz: records with valid checksums and random kinds and shapes, appended to one run.

Every other run stays readable (Api().runs(), history, summary, config), every answer
a web page would show stays encodable as JSON, and the damaged run stays listed with
what it logged before the damage. The cases are the same on every run; setting
RUNBASE_FUZZ_EXAMPLES draws that many fresh ones.
"""

from __future__ import annotations

import datetime
import itertools
import os
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from recordkit import Records

import runbase
from runbase.records import Kind
from runbase.records.appendlog import append_edits, append_records
from runbase.records.layout import journal_path
from runbase.store import queries as q

_enc = msgspec.msgpack.Encoder()
_json = msgspec.json.Encoder()
MARK = 2**62 + 5  # the damaged run's step logged before the damage

KEYS = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["loss", "_step", "_runtime", "a.b", "", "x\x00", "k" * 600, "config"]),
    st.integers(-3, 3),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.binary(max_size=3),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**64 - 1),
    st.floats(),
    st.text(max_size=8),
    st.sampled_from(["\x00", "a\x00b", "t" * 300, "\u202e\x1b[31m"]),
    st.binary(max_size=4),
    st.builds(msgspec.msgpack.Ext, st.integers(0, 127), st.binary(max_size=4)),
    st.datetimes(timezones=st.just(datetime.UTC)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8,
)
FIELDS = {
    Kind.START: "id name project entity notes tags group job_type config user host pid "
    "pid_start start_time resumed runbase_version mode",
    Kind.CONFIG: "set del",
    Kind.SUMMARY: "set del",
    Kind.METRIC: "name step_metric summary goal hidden step_sync",
    Kind.INFO: "name notes tags group job_type",
    Kind.EXIT: "exit_code",
    Kind.FILE: "path size policy",
    Kind.JOURNAL: "entity project run_id segment edits",
}


def payloads(kind: int) -> st.SearchStrategy[Any]:
    """Anything at all, or the kind's own shape with random values in its fields."""
    fields = FIELDS.get(kind, "").split()
    shaped: list[st.SearchStrategy[Any]] = [VALUES, st.dictionaries(KEYS, VALUES, max_size=4)]
    if fields:
        shaped.append(st.fixed_dictionaries({}, optional=dict.fromkeys(fields, VALUES)))
    if kind in (Kind.CONFIG, Kind.SUMMARY):
        shaped.append(
            st.fixed_dictionaries(
                {"set": st.dictionaries(KEYS, VALUES, max_size=4), "del": st.lists(KEYS)}
            )
        )
    if kind == Kind.HISTORY:
        step = st.one_of(st.integers(-(2**63), 2**64 - 1), VALUES)
        shaped.append(st.tuples(step, st.dictionaries(KEYS, VALUES, max_size=4)).map(list))
    if kind == Kind.MEDIA_ROW:
        dicts = st.dictionaries(KEYS, VALUES, max_size=4)
        places = st.dictionaries(KEYS, st.one_of(dicts, VALUES), max_size=3)
        row = st.tuples(st.integers(-1, 3), dicts, st.one_of(st.integers(0, 2), VALUES), places)
        shaped.append(row.map(list))
    if kind == Kind.MEDIA_DONE:
        pointers = st.dictionaries(KEYS, VALUES, max_size=3)
        shaped.append(st.tuples(st.one_of(st.integers(0, 2), VALUES), pointers).map(list))
    if kind == Kind.OUTPUT:
        shaped.append(st.lists(st.one_of(st.tuples(VALUES, VALUES, VALUES).map(list), VALUES)))
    return st.one_of(shaped)


KINDS = st.one_of(st.sampled_from(list(Kind)), st.integers(-(2**63), 2**64 - 1))
# Each kind's payload strategy, built once: one made on every draw is built and
# checked again each time (most of the drawing time). Other numbers share one.
_PAYLOADS = {int(k): payloads(k) for k in Kind}
_OTHER = payloads(-1)


def kind_payloads(kind: int) -> st.SearchStrategy[Any]:
    return _PAYLOADS.get(kind, _OTHER)


TIMES = st.one_of(st.none(), st.none(), st.floats(), st.integers(-(2**63), 2**64 - 1), VALUES)
RECORD = KINDS.flatmap(lambda k: st.tuples(st.just(k), TIMES, kind_payloads(k)))
# Where a record goes: mostly the run's segment, else its edits or the journal.
TARGETS = st.sampled_from(["segment"] * 6 + ["edits", "journal", "raw"])
CASES = st.lists(st.tuples(TARGETS, RECORD), min_size=1, max_size=6)


def encodable(value: Any) -> bytes | None:
    try:
        return _enc.encode(value)
    except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
        return None


def read_all(api: runbase.Api, project: str) -> dict[str, Any]:
    out = {}
    for run in api.runs(f"me/{project}", per_page=1000):
        out[run.id] = (run.state, dict(run.config), dict(run.summary), run.history(pandas=False))
    return out


def web_answers(store: Any, project: str, run_id: str) -> None:
    """What the web app's routes serve about a project and a run, encoded as they encode it."""
    path = f"me/{project}/{run_id}"
    _json.encode(q.query_runs(store, "me", project, limit=1000))
    _json.encode(q.list_projects(store))
    _json.encode(q.project_columns(store, "me", project))
    _json.encode(q.metric_keys(store, "me", project))
    _json.encode(q.get_run(store, "me", project, run_id))
    _json.encode(q.history(store, path))
    for key in q.get_run(store, "me", project, run_id).summary:
        _json.encode(q.series(store, path, key))
    _json.encode(q.system_series(store, path))
    _json.encode(q.logs(store, path))
    _json.encode(q.files(store, path))


@pytest.mark.timeout(1200)
def test_random_records_in_one_run_never_hurt_another(store, root):
    records = Records(root)
    records.finished("good", rows=4, config={"lr": 0.1}, tags=["t"])
    records.finished("elsewhere", project="other", rows=2)
    api = runbase.Api(
        overrides={"store": store.engine.url.render_as_string(hide_password=False)}, root=root
    )
    expected = {"proj": read_all(api, "proj"), "other": read_all(api, "other")}
    assert len(expected["proj"]["good"][3]) == 4
    ids = itertools.count()

    more = os.environ.get("RUNBASE_FUZZ_EXAMPLES")

    @settings(
        max_examples=int(more or 40),
        deadline=None,
        derandomize=not more,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(cases=CASES, close=st.booleans())
    def check(cases: list[Any], close: bool) -> None:
        bodies = []
        for target, (kind, t, payload) in cases:
            body = encodable(payload if target == "raw" else [kind, t, payload])
            assume(body is not None)
            bodies.append((target, kind, t, payload, body))
        run_id = f"f{next(ids)}"
        seg = records.start(run_id, project="fuzz")
        seg.log(MARK, {"before": 1.0})
        for target, kind, t, payload, body in bodies:
            if target == "edits" and kind != Kind.DELETE and encodable([kind, 0.0, payload]):
                append_edits(root, "me", "fuzz", run_id, [(kind, payload)])
            elif target == "journal" and encodable(payload):
                append_records(journal_path(root), [(Kind.JOURNAL, payload)])
            elif target in ("segment", "raw"):
                seg.t += 1.0
                if target == "segment" and t is None:
                    body = _enc.encode([kind, seg.t, payload])
                seg.writer.append(body)
        seg.close() if close else seg.writer.abandon()
        assert read_all(api, "proj") == expected["proj"]
        assert read_all(api, "other") == expected["other"]
        assert run_id in {run.id for run in api.runs("me/fuzz", per_page=1000)}
        damaged = api.run(f"me/fuzz/{run_id}")
        _json.encode([damaged.config, damaged.summary, damaged.metadata, damaged.system_metrics])
        rows = damaged.history(pandas=False)
        assert any(r.get("_step") == MARK and "before" in r for r in rows)
        web_answers(store, "fuzz", run_id)
        web_answers(store, "proj", "good")

    check()
