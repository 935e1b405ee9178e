"""Appends to the shared streams (journal, edits) on a really full disk: all or nothing."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from runbase.records.appendlog import append_records
from runbase.records.kinds import Kind
from runbase.records.reader import read_segment
from tests.rofs import fill, small_disk


def test_an_append_that_does_not_fit_leaves_the_stream_as_it_was(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", 2) as disk:
        stream = disk / "journal.rbr"
        append_records(stream, [(Kind.JOURNAL, {"n": 0})])
        before = stream.read_bytes()
        filler = fill(disk)
        os.truncate(filler, filler.stat().st_size - 1000)  # room for part of the next frame
        big = {"blob": "x" * 50_000}
        with pytest.raises(OSError) as caught:
            append_records(stream, [(Kind.JOURNAL, big)])
        assert caught.value.errno == errno.ENOSPC
        assert stream.read_bytes() == before  # no half frame for readers to trip on
        filler.unlink()
        append_records(stream, [(Kind.JOURNAL, {"n": 1})])
        payloads = [f.payload for f in read_segment(stream).frames]
        assert payloads == [{"n": 0}, {"n": 1}]
