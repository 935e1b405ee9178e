"""``read_segment_bytes``: the reader over bytes held elsewhere (the team server's
database) reads what ``read_segment`` reads from the file, from any offset, and a
piece that ends inside a frame waits for the rest."""

from __future__ import annotations

import msgspec

from runbase.records import Kind, SegmentWriter, read_segment
from runbase.records.reader import read_segment_bytes

enc = msgspec.msgpack.Encoder().encode


def test_bytes_read_as_the_file_reads(tmp_path):
    p = tmp_path / "s.rbr"
    w = SegmentWriter(str(p))
    for i in range(500):
        w.append(enc([Kind.HISTORY, 1.0 + i, [i, {"loss": 1 / (i + 1), "i": i}]]))
    w.append(enc([Kind.EXIT, 600.0, {"exit_code": 0}]))
    w.close()
    data = p.read_bytes()
    whole, same = read_segment(p, blocks=True), read_segment_bytes(data, blocks=True)
    assert [(f.offset, f.end, f.kind) for f in same.frames] == [
        (f.offset, f.end, f.kind) for f in whole.frames
    ]
    assert same.next_offset == whole.next_offset == len(data)
    # From where a pass stopped, in pieces that cut frames anywhere.
    offset, frames = 0, []
    for end in range(0, len(data) + 1001, 1000):
        read = read_segment_bytes(data[offset:end], offset)
        assert not read.problems
        frames += read.frames
        offset = read.next_offset
    assert offset == len(data)
    assert frames == read_segment(p).frames
    assert [f.payload for f in frames][-1] == {"exit_code": 0}


def test_a_piece_shorter_than_the_magic_waits(tmp_path):
    read = read_segment_bytes(b"RB")
    assert read.pending and read.next_offset == 0 and not read.problems
    assert read_segment_bytes(b"not a record file").problems[0].reason == (
        "not a runbase record file"
    )
