"""Damaged segments: a bad length field, records that are not records, things that are not files."""

from __future__ import annotations

import os
import struct
import threading
import zlib

import msgspec
import pytest

from runbase.records import Kind, SegmentWriter, read_segment
from runbase.records.framing import FILE_MAGIC, HEADER, HEADER_SIZE

enc = msgspec.msgpack.Encoder().encode


def finished(path, n=6):
    """A closed segment: START, n HISTORY rows, EXIT."""
    w = SegmentWriter(str(path))
    w.append(enc([Kind.START, 1.0, {"id": "r"}]))
    for i in range(n):
        w.append(enc([Kind.HISTORY, 2.0 + i, [i, {"v": i}]]))
    w.append(enc([Kind.EXIT, 99.0, {"exit_code": 0}]))
    w.close()
    return read_segment(path, final=True).frames


def set_length(path, frame_offset, length):
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, frame_offset, length)
    path.write_bytes(bytes(data))


def steps(read):
    return [f.payload[0] for f in read.frames if f.kind == Kind.HISTORY]


@pytest.mark.parametrize("final", [True, False])
def test_length_pointing_past_the_end_resynchronises(tmp_path, final):
    # One flipped bit in the middle frame's length: before, everything after it (the
    # EXIT record too) was taken for a torn tail, and a finished run read as crashed.
    p = tmp_path / "s.rbr"
    frames = finished(p)
    bad = frames[3]
    data = bytearray(p.read_bytes())
    data[bad.offset + 2] ^= 0x10
    # Damage the payload too, so the frame cannot be recovered from its checksum.
    data[bad.offset + HEADER_SIZE + 2] ^= 0xFF
    p.write_bytes(bytes(data))
    out = read_segment(p, final=final)
    assert steps(out) == [0, 1, 3, 4, 5]
    assert out.frames[-1].kind == Kind.EXIT
    assert not out.pending and out.next_offset == frames[-1].end
    (problem,) = out.problems
    assert problem.offset == bad.offset and problem.length == bad.end - bad.offset
    assert "runs past the end" in problem.reason


def test_a_frame_whose_only_damage_is_its_length_is_recovered_by_its_checksum(tmp_path):
    p = tmp_path / "s.rbr"
    frames = finished(p)
    set_length(p, frames[2].offset, 7)  # too short: the checksum no longer matches
    out = read_segment(p, final=True)
    assert steps(out) == [0, 1, 2, 3, 4, 5] and out.frames[-1].kind == Kind.EXIT
    assert [pr.length for pr in out.problems] == [0]
    assert "recovered" in out.problems[0].reason


def test_the_exit_record_with_a_damaged_length_is_recovered_at_the_tail(tmp_path):
    p = tmp_path / "s.rbr"
    frames = finished(p)
    set_length(p, frames[-1].offset, 1 << 20)
    live = read_segment(p)
    assert live.pending and live.frames[-1].kind == Kind.HISTORY  # maybe mid-write: wait
    out = read_segment(p, final=True)
    assert out.frames[-1].kind == Kind.EXIT and out.frames[-1].payload == {"exit_code": 0}


def test_a_crashed_writers_zero_padded_tail_is_not_damage(tmp_path):
    # The writer died after writing a payload but before its header: nothing to recover
    # (log() had not returned), and while it might be alive the reader just waits.
    p = tmp_path / "s.rbr"
    w = SegmentWriter(str(p))
    w.append(enc([Kind.HISTORY, 1.0, [0, {"v": 0}]]))
    end = w.size
    body = enc([Kind.HISTORY, 2.0, [1, {"v": 1}]])
    w._mm[end + HEADER_SIZE : end + HEADER_SIZE + len(body)] = body
    live = read_segment(p)
    assert steps(live) == [0] and live.pending and not live.problems
    assert live.next_offset == end
    dead = read_segment(p, final=True)
    assert steps(dead) == [0] and [pr.reason for pr in dead.problems] == ["torn tail skipped"]
    w.abandon()


def test_a_live_writer_keeps_appending_after_a_damaged_frame(tmp_path):
    p = tmp_path / "s.rbr"
    w = SegmentWriter(str(p))
    for i in range(3):
        w.append(enc([Kind.HISTORY, 1.0 + i, [i, {"v": i}]]))
    first = read_segment(p)
    w._mm[first.frames[1].offset + 3] ^= 0x40  # a huge length: "impossible"
    w._mm[first.frames[1].offset + HEADER_SIZE + 1] ^= 0xFF
    again = read_segment(p)
    assert steps(again) == [0, 2] and "impossible" in again.problems[0].reason
    w.append(enc([Kind.HISTORY, 9.0, [3, {"v": 3}]]))
    assert steps(read_segment(p, again.next_offset)) == [3]
    w.close()


def test_records_that_are_not_kind_time_payload_are_reported(tmp_path):
    p = tmp_path / "s.rbr"
    bodies = [
        enc({"a": 1, "b": 2, "c": 3}),  # unpacks into three keys
        enc("abc"),
        enc([Kind.HISTORY, "noon", [0, {}]]),
        enc([True, 1.0, None]),
        enc([Kind.HISTORY, float("nan"), [0, {}]]),
        enc([Kind.HISTORY, 1e300, [0, {}]]),
        enc([Kind.HISTORY, 1.0, [0, {"x": msgspec.msgpack.Ext(1, b"x")}]]),
        b"\x91" * 5000 + b"\xc0",  # nested deeper than the decoder goes
        enc([Kind.HISTORY, 7, [5, {"v": 5}]]),  # an int time is fine
    ]
    data = FILE_MAGIC + b"".join(HEADER.pack(len(b), zlib.crc32(b)) + b for b in bodies)
    p.write_bytes(data)
    out = read_segment(p, final=True)
    assert [(f.kind, f.time, f.payload) for f in out.frames] == [(2, 7.0, [5, {"v": 5}])]
    assert len(out.problems) == len(bodies) - 1 and all(pr.length for pr in out.problems)


@pytest.mark.timeout(20)
def test_a_fifo_or_folder_is_reported_not_read(tmp_path):
    fifo = tmp_path / "fifo.rbr"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.rbr"
    folder.mkdir()
    got = {}

    def read_all():
        got["fifo"] = read_segment(fifo, final=True)
        got["folder"] = read_segment(folder, final=True)

    t = threading.Thread(target=read_all, daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "read_segment blocked on a FIFO"
    for out in got.values():
        assert out.frames == [] and "not a regular file" in out.problems[0].reason
