"""The console helper's append to a dead writer's segment, on real segment files."""

from __future__ import annotations

import msgspec

from runbase.records import Kind, SegmentWriter, read_segment
from runbase.sdk.environment.postmortem import append_output

enc = msgspec.msgpack.Encoder().encode


def _segment(tmp_path, *records):
    path = str(tmp_path / "seg.rbr")
    w = SegmentWriter(path)
    ends = []
    for kind, payload in records:
        w.append(enc((int(kind), 1.0, payload)))
        ends.append(w.size)
    return path, w, ends


def _output(path):
    got = read_segment(path, final=True)
    assert not got.problems, got.problems
    return [f.payload for f in got.frames if f.kind == Kind.OUTPUT]


def test_appends_what_the_writer_did_not_record(tmp_path):
    sent = [[[1.0, "stdout", "a"]], [[2.0, "stdout", "b"]], [[3.0, "stderr", "c"]]]
    path, w, ends = _segment(tmp_path, (Kind.START, {"id": "x"}), (Kind.OUTPUT, sent[0]))
    w.abandon()  # killed: the file keeps its zero-filled tail
    final = [[4.0, "stdout", "unfinished"]]
    assert append_output(path, ends[0], sent, final) == 3
    assert _output(path) == [sent[0], sent[1] + sent[2] + final]


def test_a_frame_cut_by_the_kill_is_dropped_not_misread(tmp_path):
    path, w, ends = _segment(tmp_path, (Kind.START, {"id": "x"}), (Kind.HISTORY, [0, {"x": 1}]))
    # What a writer killed between payload and header leaves: bytes, no header.
    body = enc((int(Kind.HISTORY), 2.0, [1, {"x": 2}]))
    with open(path, "r+b") as f:
        f.seek(ends[-1] + 8)
        f.write(body)
    w.abandon()
    assert append_output(path, ends[-1], [], [[5.0, "stdout", "last"]]) == 1
    got = read_segment(path, final=True)
    assert not got.problems
    assert [f.kind for f in got.frames] == [Kind.START, Kind.HISTORY, Kind.OUTPUT]


def test_nothing_after_exit_and_nothing_for_a_missing_file(tmp_path):
    path, w, ends = _segment(tmp_path, (Kind.START, {"id": "x"}), (Kind.EXIT, {"exit_code": 0}))
    w.close()
    assert append_output(path, ends[0], [[[1.0, "stdout", "late"]]], []) == 0
    assert _output(path) == []
    assert append_output(str(tmp_path / "gone.rbr"), 0, [], [[1.0, "stdout", "x"]]) == 0
