"""Records read as columns (blocks, ``records/columns.py``) index exactly as records read
one by one do: same history, same run, same chunks and key statistics, byte for byte.

Two stores index the same files pass by pass, one reading blocks wherever two records
share a layout, one never reading blocks; the records mix layouts, number encodings
(fixints, 8- to 64-bit ints, floats, NaN), repeated steps, constants and resumes.
"""

from __future__ import annotations

import math
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from recordkit import Records

from runbase.records import Kind, columns, crcsum
from runbase.records.blocks import HISTORY_BLOCK
from runbase.records.reader import read_segment
from runbase.store import open_store
from runbase.store import queries as q
from runbase.store.db.schema import hist_chunks, run_keys, runs
from runbase.store.indexing import inserts

_enc = msgspec.msgpack.Encoder()

INTS = st.sampled_from(
    [0, 1, 127, 128, 255, 256, 65535, 65536, 2**31, 2**32, 2**62, 2**63 - 1, 2**63, 2**64 - 1]
) | st.integers(-(2**63), 2**63 - 1)
FLOATS = st.floats() | st.sampled_from([math.nan, math.inf, -0.0, 1e300])
NUMBERS = {"float": FLOATS, "int": INTS, "small": st.integers(-40, 140)}
CONSTANTS = st.sampled_from(["train", None, True, [1, 2], {"a": 1}])
STARTS = st.sampled_from([0, 5, 120, 250, 65530, 2**31 - 3, 2**63 - 40, -3])


@st.composite
def run_records(draw: st.DrawFn) -> tuple[list[tuple[int, dict[str, Any]]], list[int], bool]:
    """HISTORY (step, values) records, mostly of one layout; where passes end; a resume."""
    keys = draw(st.lists(st.sampled_from(["a", "b", "loss", "x.y"]), min_size=1, unique=True))
    kinds = {k: draw(st.sampled_from(["float", "int", "small", "const"])) for k in keys}
    const = {k: draw(CONSTANTS) for k in keys}
    step = draw(STARTS)
    out = []
    for _ in range(draw(st.integers(1, 60))):
        step += draw(st.sampled_from([0, 1, 1, 1, 1, 1, 1, 1, 3]))
        values = {k: const[k] if kinds[k] == "const" else draw(NUMBERS[kinds[k]]) for k in keys}
        change = draw(st.sampled_from([None] * 12 + ["extra", "drop", "type", "const"]))
        if change == "extra":
            values["extra"] = 1.5
        elif change == "drop" and len(values) > 1:
            values.pop(keys[0])
        elif change == "type":
            values[keys[0]] = draw(st.sampled_from([1, 2.5, "s", None, 2**64 - 1]))
        elif change == "const":
            values[keys[0]] = "other"
        out.append((min(step, 2**63 - 1), values))
    cuts = sorted(draw(st.lists(st.integers(0, len(out)), max_size=2)))
    return out, cuts, draw(st.booleans())


def answers(store: Any, run_id: str) -> bytes:
    """What the Api reads about a run, exact (NaN, ints and floats kept apart)."""
    run = q.get_run(store, "me", "proj", run_id, exact=True)
    history = q.history(store, f"me/proj/{run_id}", exact=True)
    return _enc.encode([msgspec.structs.asdict(run) if run else None, history])


def stored_rows(store: Any, run_id: str) -> bytes:
    """The run's history chunks and key statistics as stored (its rid left out)."""
    with store.engine.connect() as conn:
        rid = conn.execute(sa.select(runs.c.rid).where(runs.c.run_id == run_id)).scalar()
        out = []
        for table, order in ((hist_chunks, ("key", "seq")), (run_keys, ("key",))):
            got = conn.execute(sa.select(table).where(table.c.rid == rid).order_by(*order))
            out.append([r[1:] for r in got])
    return _enc.encode(out)


@pytest.fixture
def pg_or_none(request: pytest.FixtureRequest) -> Any:
    if not os.environ.get("RUNBASE_TEST_POSTGRES_URL"):
        yield None
        return
    yield request.getfixturevalue("pg_url")


@pytest.mark.timeout(1200)
def test_blocks_index_exactly_as_single_records(tmp_path: Path, monkeypatch, pg_or_none):
    """Same files, three stores: blocks on SQLite (raw rows compared with records read one
    by one), and blocks written to PostgreSQL by COPY (the answers compared)."""
    records = Records(tmp_path)
    blocks = open_store(tmp_path / "blocks.db", root=tmp_path)
    single = open_store(tmp_path / "single.db", root=tmp_path)
    postgres = open_store(pg_or_none, root=tmp_path) if pg_or_none else None
    ids = iter(range(10**6))
    made = []
    read_block = columns.read_block

    def counted(*args: Any) -> Any:
        frame, looked = read_block(*args)
        made.append(frame is not None)
        return frame, looked

    monkeypatch.setattr(columns, "read_block", counted)
    monkeypatch.setattr(inserts, "COPY_FROM", 1)

    def sync(store: Any, min_rows: int) -> None:
        monkeypatch.setattr(columns, "MIN_ROWS", min_rows)
        store.sync()

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(run=run_records())
    def check(run: tuple[list[tuple[int, dict[str, Any]]], list[int], bool]) -> None:
        records_list, cuts, resume = run
        run_id = f"r{next(ids)}"
        seg = records.start(run_id, live=True)
        done = 0
        for cut in [*cuts, len(records_list)]:
            for step, values in records_list[done:cut]:
                seg.log(step, values)
            done = max(done, cut)
            if resume and done == len(records_list):
                seg.add(Kind.EXIT, {"exit_code": 0})
                seg.close()
                seg = records.start(run_id, live=True)
                seg.log(10**6, {"a": 1.0})
            sync(blocks, 2)
            sync(single, 10**9)
            assert stored_rows(blocks, run_id) == stored_rows(single, run_id)
            assert answers(blocks, run_id) == answers(single, run_id)
            if postgres is not None:
                sync(postgres, 2)
                assert answers(postgres, run_id) == answers(single, run_id)
        seg.close()

    try:
        check()
    finally:
        for store in (blocks, single, postgres):
            if store is not None:
                store.close()
    assert made.count(True) >= 50 and made.count(False) >= 20  # both paths were taken


def test_a_stretch_of_one_layout_is_read_as_one_block(tmp_path: Path):
    seg = Records(tmp_path).start("r")
    for step in range(100):
        seg.log(step, {"loss": 1.0 / (step + 1), "epoch": step // 10, "phase": "train"})
    seg.close()
    frames = read_segment(seg.path, blocks=True).frames
    assert [f.kind for f in frames] == [Kind.START, HISTORY_BLOCK]
    block = frames[1].payload
    assert block.row(99) == {"loss": 0.01, "epoch": 9, "phase": "train"}
    assert block.steps.tolist() == list(range(100))
    # Without blocks the same file gives one frame per record.
    assert len(read_segment(seg.path).frames) == 101


def test_a_damaged_record_ends_a_block_and_is_skipped(tmp_path: Path):
    seg = Records(tmp_path).start("r")
    for step in range(100):
        seg.log(step, {"loss": float(step)})
    seg.close()
    data = bytearray(seg.path.read_bytes())
    whole = read_segment(seg.path).frames
    data[whole[50].end - 3] ^= 0xFF  # a value byte of record 49: its checksum fails
    seg.path.write_bytes(bytes(data))
    read = read_segment(seg.path, blocks=True, final=True)
    steps = []
    for f in read.frames:
        if f.kind == HISTORY_BLOCK:
            steps += f.payload.steps.tolist()
        elif f.kind == Kind.HISTORY:
            steps.append(f.payload[0])
    assert steps == [s for s in range(100) if s != 49]
    assert [p.reason for p in read.problems] == ["checksum mismatch"]


@pytest.mark.parametrize("damaged", [[], [1700], [300, 2998], [1000, 1512]])
def test_long_blocks_check_every_checksum(tmp_path: Path, damaged: list[int]):
    # Thousands of records of one layout have their checksums checked as a whole first
    # (records/crcsum.py); any damaged record must still be found and skipped, also
    # when two records carry the very same damage at the same place.
    seg = Records(tmp_path).start("r")
    for step in range(3000):
        seg.log(step, {"loss": step * 0.5, "acc": 1.0 / (step + 1)})
    seg.close()
    data = bytearray(seg.path.read_bytes())
    whole = read_segment(seg.path).frames
    for record in damaged:
        data[whole[record + 1].end - 3] ^= 0x10  # a value byte: the checksum no longer fits
    seg.path.write_bytes(bytes(data))
    read = read_segment(seg.path, blocks=True, final=True)
    steps: list[int] = []
    values: list[float] = []
    for f in read.frames:
        if f.kind == HISTORY_BLOCK:
            steps += f.payload.steps.tolist()
            values += f.payload.columns[f.payload.keys.index("loss")].tolist()
        elif f.kind == Kind.HISTORY:
            steps.append(f.payload[0])
            values.append(f.payload[1]["loss"])
    assert steps == [s for s in range(3000) if s not in damaged]
    assert values == [s * 0.5 for s in steps]
    assert [p.reason for p in read.problems] == ["checksum mismatch"] * len(damaged)


@given(
    st.lists(st.binary(min_size=1, max_size=40), min_size=1, max_size=300).flatmap(
        lambda bodies: st.tuples(st.just(bodies), st.integers(0, len(bodies) - 1))
    )
)
def test_checksums_checked_as_a_whole_match_one_by_one(case: tuple[list[bytes], int]):
    bodies, which = case
    size = max(map(len, bodies))
    bodies = [b.ljust(size, b"\0") for b in bodies]
    crcs = [zlib.crc32(b) for b in bodies]
    buf = b"".join(struct.pack("<II", size, c) + b for c, b in zip(crcs, bodies, strict=True))
    stored = np.array(crcs, dtype=np.uint32)
    assert crcsum.stored_match(b"pad" + buf, 3, size + 8, stored)
    stored[which] ^= 1 << (which % 32)
    assert not crcsum.stored_match(b"pad" + buf, 3, size + 8, stored)


def test_an_int_beyond_int64_in_the_first_record_of_a_block_is_kept_exact(tmp_path: Path):
    seg = Records(tmp_path).start("r")
    seg.log(0, {"a": 2**64 - 1})
    for step in range(1, 40):
        seg.log(step, {"a": 2**32 + step})
    seg.close()
    rows: list[Any] = []
    for f in read_segment(seg.path, blocks=True).frames:
        if f.kind == HISTORY_BLOCK:
            rows += [f.payload.row(i)["a"] for i in range(len(f.payload))]
        elif f.kind == Kind.HISTORY:
            rows.append(f.payload[1]["a"])
    assert rows == [2**64 - 1] + [2**32 + s for s in range(1, 40)]
