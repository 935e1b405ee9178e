"""Rows whose media files come later (MEDIA_ROW, then MEDIA_DONE): what readers see."""

from __future__ import annotations

import msgspec

from runbase.records import Kind, SegmentWriter, read_segment

enc = msgspec.msgpack.Encoder().encode
POINTER = {"_type": "image-file", "path": "media/images/img_1_ab.png", "sha256": "ab", "size": 3}


def media_row(step: int, token: int) -> bytes:
    return enc(
        [Kind.MEDIA_ROW, 2.0, [step, {"loss": 0.5}, token, {"img": {"_type": "image-file"}}]]
    )


def rows(frames):
    return [f.payload for f in frames if f.kind == Kind.HISTORY]


def test_a_live_reader_stops_before_a_row_whose_files_are_not_written(tmp_path):
    p = tmp_path / "s.rbr"
    w = SegmentWriter(str(p))
    w.append(enc([Kind.HISTORY, 1.0, [0, {"loss": 1.0}]]))
    w.append(media_row(1, 7))
    w.append(enc([Kind.HISTORY, 3.0, [2, {"loss": 0.25}]]))  # logged while the image encodes
    first = read_segment(p)
    assert rows(first.frames) == [[0, {"loss": 1.0}]]
    assert first.pending and first.problems == []
    # The media thread is done: the row comes back whole, with the rows behind it.
    w.append(enc([Kind.FILE, 4.0, {"path": POINTER["path"], "size": 3, "policy": "now"}]))
    w.append(enc([Kind.MEDIA_DONE, 4.0, [7, {"img": POINTER}]]))
    second = read_segment(p, first.next_offset)
    assert rows(second.frames) == [[1, {"loss": 0.5, "img": POINTER}], [2, {"loss": 0.25}]]
    assert [f.kind for f in second.frames] == [Kind.HISTORY, Kind.HISTORY, Kind.FILE]
    assert not second.pending
    w.close()


def test_a_dead_writers_row_says_its_file_is_missing_and_keeps_the_rest(tmp_path):
    p = tmp_path / "s.rbr"
    w = SegmentWriter(str(p))
    w.append(media_row(0, 1))
    w.append(enc([Kind.HISTORY, 3.0, [1, {"loss": 0.25}]]))
    w.close()
    read = read_segment(p, final=True)
    assert rows(read.frames) == [
        [0, {"loss": 0.5, "img": {"_type": "image-file", "missing": True}}],
        [1, {"loss": 0.25}],
    ]


def test_a_file_that_failed_to_encode_leaves_its_key_out(tmp_path):
    p = tmp_path / "s.rbr"
    w = SegmentWriter(str(p))
    w.append(media_row(0, 1))
    w.append(enc([Kind.MEDIA_DONE, 4.0, [1, {}]]))
    w.close()
    assert rows(read_segment(p).frames) == [[0, {"loss": 0.5}]]


def test_malformed_media_records_are_reported_and_dropped(tmp_path):
    p = tmp_path / "s.rbr"
    w = SegmentWriter(str(p))
    w.append(enc([Kind.MEDIA_ROW, 1.0, "not a row"]))
    w.append(enc([Kind.MEDIA_DONE, 1.0, [1]]))
    w.append(enc([Kind.MEDIA_ROW, 1.0, [0, {"a": 1}, [1], {}]]))  # an unhashable token
    w.append(enc([Kind.HISTORY, 2.0, [1, {"loss": 0.25}]]))
    w.close()
    read = read_segment(p, final=True)
    assert rows(read.frames) == [[0, {"a": 1}], [1, {"loss": 0.25}]]
    assert sorted(pr.reason for pr in read.problems) == [
        "bad MEDIA_DONE record",
        "bad MEDIA_ROW record",
    ]
