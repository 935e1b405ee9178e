"""The record file: torn tails and corrupt frames are detected, reported and skipped."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import textwrap

import msgspec

from runbase.records import Kind, SegmentWriter, read_segment
from runbase.records.framing import FILE_MAGIC, HEADER_SIZE

enc = msgspec.msgpack.Encoder().encode


def write(path, rows):
    w = SegmentWriter(str(path))
    for i, row in enumerate(rows):
        w.append(enc([Kind.HISTORY, 1.0 + i, [i, row]]))
    return w


def test_round_trip_is_exact(tmp_path):
    p = tmp_path / "s.rbr"
    rows = [{"nan": math.nan, "inf": math.inf, "x": 0.1 + 0.2, "s": "é", "n": None}]
    write(p, rows).close()
    (frame,) = read_segment(p).frames
    row = frame.payload[1]
    assert math.isnan(row["nan"]) and row["inf"] == math.inf and row["x"] == 0.1 + 0.2
    assert row["s"] == "é" and row["n"] is None
    assert os.path.getsize(p) == frame.end  # close() trims the preallocated tail


def test_live_file_reads_incrementally_without_problems(tmp_path):
    p = tmp_path / "s.rbr"
    w = write(p, [{"a": i} for i in range(3)])
    first = read_segment(p)
    assert len(first.frames) == 3 and not first.problems and not first.pending
    w.append(enc([Kind.HISTORY, 9.0, [3, {"a": 3}]]))
    second = read_segment(p, first.next_offset)
    assert [f.payload[1]["a"] for f in second.frames] == [3]
    assert read_segment(p, second.next_offset).frames == []
    w.close()


def test_torn_tail_is_pending_while_live_then_reported(tmp_path):
    p = tmp_path / "s.rbr"
    write(p, [{"a": i} for i in range(3)]).close()
    data = p.read_bytes()
    p.write_bytes(data[:-5])  # the last frame lost its end
    live = read_segment(p)
    assert len(live.frames) == 2 and live.pending and not live.problems
    dead = read_segment(p, final=True)
    assert len(dead.frames) == 2
    assert [pr.reason for pr in dead.problems] == ["torn tail skipped"]


def test_corrupt_frame_in_the_middle_is_skipped_and_reported(tmp_path):
    p = tmp_path / "s.rbr"
    write(p, [{"a": i} for i in range(5)]).close()
    frames = read_segment(p).frames
    data = bytearray(p.read_bytes())
    data[frames[2].offset + HEADER_SIZE + 3] ^= 0xFF
    p.write_bytes(bytes(data))
    out = read_segment(p, final=True)
    assert [f.payload[1]["a"] for f in out.frames] == [0, 1, 3, 4]
    assert out.problems[0].reason == "checksum mismatch"
    assert out.problems[0].offset == frames[2].offset


def test_not_a_record_file(tmp_path):
    p = tmp_path / "s.rbr"
    p.write_bytes(b"hello world, not runbase")
    out = read_segment(p, final=True)
    assert out.frames == [] and "not a runbase record file" in out.problems[0].reason


def test_sigkill_mid_stream_leaves_only_whole_frames(tmp_path):
    p = tmp_path / "s.rbr"
    code = textwrap.dedent(
        f"""
        import msgspec, sys
        from runbase.records import SegmentWriter
        enc = msgspec.msgpack.Encoder().encode
        w = SegmentWriter({str(p)!r})
        i = 0
        while True:
            w.append(enc([2, 0.0, [i, {{"v": i, "pad": "x" * (i % 300)}}]]))
            if i == 50000:
                print("go", flush=True)
            i += 1
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "go"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    out = read_segment(p, final=True)
    values = [f.payload[1]["v"] for f in out.frames]
    assert len(values) > 50000 and values == list(range(len(values)))
    assert p.read_bytes()[: len(FILE_MAGIC)] == FILE_MAGIC
