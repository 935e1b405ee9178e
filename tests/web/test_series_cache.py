"""The server's answer cache: bounded by count and, for series, by points held."""

from __future__ import annotations

from runbase.server.cache import LruCache


def test_the_least_recently_used_answers_go_past_the_weight_limit():
    c = LruCache(max_entries=10, max_weight=100)
    c.put(("a",), {"v": 1}, weight=60)
    c.put(("b",), {"v": 2}, weight=30)
    assert c.get(("a",)) == {"v": 1}  # "a" is now the most recent
    c.put(("c",), {"v": 3}, weight=30)  # 120 > 100: "b", the least recent, goes
    assert c.get(("b",)) is None and c.get(("a",)) and c.get(("c",))
    c.put(("a",), {"v": 4}, weight=10)  # an answer replaced weighs anew
    c.put(("d",), {"v": 5}, weight=60)  # 10 + 30 + 60 = 100 fits
    assert [c.get((k,)) for k in "acd"] == [{"v": 4}, {"v": 3}, {"v": 5}]
    big = LruCache(max_entries=2)
    for k in "xyz":
        big.put((k,), {"k": k})
    assert big.get(("x",)) is None and big.get(("z",)) == {"k": "z"}
