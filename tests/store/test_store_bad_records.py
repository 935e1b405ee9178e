"""Records with a valid checksum but the wrong shape: skipped or repaired, never fatal."""

from __future__ import annotations

import logging
import struct

import pytest
import sqlalchemy as sa

import runbase
from runbase.records import Kind, read_segment
from runbase.store import queries as q


def api_for(store, root):
    url = store.engine.url.render_as_string(hide_password=False)
    return runbase.Api(overrides={"store": url, "entity": "me"}, root=root)


def readable(api, project="proj"):
    """Everything a user reads of every run of ``project``: fails loudly if any read fails."""
    out = {}
    for run in api.runs(f"me/{project}"):
        out[run.id] = {
            "state": run.state,
            "name": run.name,
            "tags": run.tags,
            "group": run.group,
            "config": dict(run.config),
            "summary": dict(run.summary),
            "history": run.history(pandas=False),
        }
    return out


def test_a_history_record_of_the_wrong_shape_locks_no_one_out(store, records, root, caplog):
    # Before: [2, t, "notalist"] in one run made every Api().runs() of every project fail.
    records.finished("good", rows=3)
    records.finished("elsewhere", project="other", rows=2)
    bad = records.start("bad")
    bad.log(0, {"loss": 1.0})
    bad.add(Kind.HISTORY, "notalist")
    bad.log(1, {"loss": 0.5})
    bad.add(Kind.EXIT, {"exit_code": 0})
    bad.close()
    offset = read_segment(bad.path, final=True).frames[2].offset
    with caplog.at_level(logging.WARNING, logger="runbase.store"):
        runs = readable(api_for(store, root))
    assert len(runs["good"]["history"]) == 3 and runs["good"]["state"] == "finished"
    assert [r["loss"] for r in runs["bad"]["history"]] == [1.0, 0.5]
    assert runs["bad"]["state"] == "finished"
    assert len(readable(api_for(store, root), "other")["elsewhere"]["history"]) == 2
    (warning,) = [r.getMessage() for r in caplog.records if "HISTORY record skipped" in r.message]
    assert str(bad.path) in warning and f"at byte {offset}:" in warning
    assert "'notalist' is not [step, values]" in warning


def test_a_start_record_with_bad_fields_keeps_the_run_listed(store, records, root, caplog):
    # Written directly, bypassing the SDK's checks: group={} made the store unreadable.
    records.finished("good")
    bad = records.start(
        "bad", group={}, name=[1], tags="x", project="proj", notes="kept", config={"lr": 0.1}
    )
    payload = read_segment(bad.path).frames[0].payload
    assert payload["group"] == {}
    bad.add(Kind.START, {"id": "bad", "project": "bad\x07\x00proj", "job_type": "train"})
    bad.log(0, {"loss": 1.0})
    bad.add(Kind.EXIT, {"exit_code": 0})
    bad.close()
    with caplog.at_level(logging.WARNING, logger="runbase.store"):
        runs = readable(api_for(store, root))
    run = runs["bad"]
    assert run["state"] == "finished" and run["config"] == {"lr": 0.1}
    assert run["group"] is None and run["tags"] == [] and run["name"] is None
    assert runs["good"]["state"] == "finished"
    messages = [r.getMessage() for r in caplog.records]
    for field in ("group", "name", "tags", "project"):
        assert any(f"START record: field '{field}'" in m and str(bad.path) in m for m in messages)


def test_a_run_the_database_refuses_is_set_aside_and_the_others_indexed(
    store, records, root, caplog
):
    # A value no check foresaw, made real by a trigger: only that run is left out.
    if store.engine.dialect.name == "sqlite":
        ddl = [
            "CREATE TRIGGER poison BEFORE INSERT ON run_keys WHEN NEW.key = 'poison' "
            "BEGIN SELECT RAISE(ABORT, 'poisoned value'); END"
        ]
    else:
        ddl = [
            "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN IF NEW.key = 'poison' THEN "
            "RAISE EXCEPTION 'poisoned value'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER poison BEFORE INSERT ON run_keys "
            "FOR EACH ROW EXECUTE FUNCTION poison()",
        ]
    with store.engine.begin() as conn:
        for statement in ddl:
            conn.exec_driver_sql(statement)
    for i in range(3):
        records.finished(f"ok{i}")
    seg = records.start("bad")
    seg.log(0, {"poison": 1.0})
    seg.close()
    with caplog.at_level(logging.ERROR, logger="runbase.store"):
        store.sync()
    page = q.query_runs(store, "me", "proj")
    assert sorted(r.id for r in page.runs) == ["ok0", "ok1", "ok2"]
    assert any("could not index" in r.message and "bad" in r.message for r in caplog.records)
    records.finished("later")
    store.sync()  # the bad run is not retried at once; new runs are indexed
    assert q.get_run(store, "me", "proj", "later").state == "finished"


def test_a_flipped_bit_in_a_length_field_keeps_a_finished_run_finished(store, records):
    seg = records.finished("r1", rows=5)
    frames = read_segment(seg.path, final=True).frames
    data = bytearray(seg.path.read_bytes())
    (n,) = struct.unpack_from("<I", data, frames[2].offset)
    struct.pack_into("<I", data, frames[2].offset, n ^ 0x10000)
    data[frames[2].offset + 12] ^= 0xFF  # and its payload: it cannot be recovered
    seg.path.write_bytes(bytes(data))
    store.sync()
    run = q.get_run(store, "me", "proj", "r1")
    assert run.state == "finished" and run.history_rows == 4


@pytest.mark.parametrize("entry", [{"entity": 5}, {"segment": "../../x.rbr"}, {"run_id": "a/b"}])
def test_a_bad_journal_entry_is_skipped(store, records, root, entry, caplog):
    from runbase.records.appendlog import append_records
    from runbase.records.layout import journal_path

    records.finished("good")
    payload = {"entity": "me", "project": "proj", "run_id": "x", "segment": "1-1.rbr", **entry}
    append_records(journal_path(root), [(Kind.JOURNAL, payload)])
    with caplog.at_level(logging.WARNING, logger="runbase.store"):
        store.sync()
        records.finished("after")
        store.sync()
    ids = sorted(r.id for r in q.query_runs(store, "me", "proj").runs)
    assert ids == ["after", "good"]
    assert any("journal entry skipped" in r.message for r in caplog.records)


def test_the_store_columns_take_what_the_checks_let_through(store, records, root):
    # NUL characters and long keys: PostgreSQL refused them (text columns, varchar(512)).
    seg = records.start("r1", config={"a": {"b\x00": "x\x00y"}, "k" * 300: {"j" * 300: 1}})
    seg.log(0, {"s": "a\x00b", "long" * 200: 1.0})
    seg.add(Kind.OUTPUT, [[seg.t, "stdout", "bin\x00ary"]])
    seg.add(Kind.SUMMARY, {"set": {"nested": {"x\x00": "y\x00"}}})
    seg.add(Kind.EXIT, {"exit_code": 0})
    seg.close()
    store.sync()
    run = q.get_run(store, "me", "proj", "r1", exact=True)
    assert run.config["a"] == {"b\x00": "x\x00y"}  # exact in the run
    assert run.summary["s"] == "a\x00b" and "long" * 200 not in run.summary
    assert q.logs(store, "me/proj/r1")[0].line == "bin\ufffdary"
    found = q.query_runs(store, "me", "proj", filters={"config.a.b\ufffd": "x\ufffdy"})
    assert found.total == 1
    with store.engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM run_values WHERE key LIKE 'kkk%'")).scalar()
    assert n == 0  # longer than a column holds: kept in config, not filterable
