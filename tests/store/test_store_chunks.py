"""History chunk encoding: a whole series encoded at once (``chunks.encode_all``) gives
exactly the rows that encoding each of its chunks gives (``chunks.encode``)."""

from __future__ import annotations

import numpy as np
import pytest

from runbase.store.db import chunks
from runbase.store.db.chunks import Points

I64 = np.iinfo(np.int64)


def series(seed: int) -> Points:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 4000))
    rows = np.cumsum(rng.integers(1, 3, n)).astype(np.int64)
    steps = [
        np.arange(n, dtype=np.int64) - 3,
        np.cumsum(rng.integers(0, 3, n)).astype(np.int64),
        # int64 wrap-around: +1 as int64, not one step apart
        np.resize(np.array([I64.max, I64.min], dtype=np.int64), n),
        rng.integers(I64.min, I64.max, n, dtype=np.int64),
    ][seed % 4]
    if seed % 3:
        return Points("i8", rows, steps, rng.integers(I64.min, I64.max, n, dtype=np.int64))
    vals = rng.standard_normal(n)
    vals[rng.random(n) < 0.3] = np.nan
    if seed % 5 == 0:
        vals[:1500] = np.nan  # a chunk of NaN only: no bounds
    return Points("f8", rows, steps, vals)


@pytest.mark.parametrize("seed", range(40))
def test_a_series_encodes_as_its_chunks_do(seed: int):
    p = series(seed)
    assert chunks.encode_all(p) == [chunks.encode(c) for c in chunks.split(p, chunks.CAPACITY)]


def test_a_series_of_other_values_encodes_chunk_by_chunk():
    p = Points("obj", np.arange(3000), np.arange(3000), ["a", None, 1.5] * 1000)
    assert chunks.encode_all(p) == [chunks.encode(c) for c in chunks.split(p, chunks.CAPACITY)]
