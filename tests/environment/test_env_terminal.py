"""The terminal model that turns console bytes into stored lines (pure logic)."""

from __future__ import annotations

import io

from runbase.sdk.environment.terminal import MAX_LINE, TRUNCATED, Screen


def replay(text: str, step: int) -> list[str]:
    s = Screen()
    out = []
    for i in range(0, len(text), step):
        out += s.write(text[i : i + step], 1.0)
    return [line for _, line in out + s.close()]


def test_carriage_return_erase_and_cursor_up():
    assert replay("abc\rX\na\x1b[2Kb\np1\n\x1b[Aq\n", 1) == ["Xbc", " b", "q1"]
    assert replay("abc\rX\na\x1b[2Kb\np1\n\x1b[Aq\n", 100) == ["Xbc", " b", "q1"]


def test_empty_lines_and_unfinished_last_line():
    assert replay("one\ntwo\n\nthree", 3) == ["one", "two", "", "three"]
    assert replay("one\r\ntwo\r\n", 2) == ["one", "two"]


def test_nested_tqdm_bars_keep_only_final_states():
    from tqdm import tqdm

    buf = io.StringIO()
    for i in tqdm(range(3), file=buf, mininterval=0, desc="outer"):
        for _ in tqdm(range(100), file=buf, leave=False, mininterval=0, position=1, desc="inner"):
            pass
        tqdm.write(f"epoch {i}", file=buf)
    buf.write("done\n")
    for step in (1, 7, 4096):
        lines = replay(buf.getvalue(), step)
        assert [ln for ln in lines if not ln.startswith("outer")] == [
            "epoch 0",
            "epoch 1",
            "epoch 2",
            "done",
        ]
        outer = [ln for ln in lines if ln.startswith("outer")]
        assert len(outer) == 1 and "3/3" in outer[0]


def test_quiet_rows_are_finished_by_idle():
    s = Screen()
    assert s.write("first\nsecond\n", 1.0) == []  # held a moment (a bar may move back up)
    assert s.idle(1.2, 0.5) == []
    assert [ln for _, ln in s.idle(1.6, 0.5)] == ["first", "second"]
    assert s.close() == []


def test_line_cap_and_junk():
    lines = replay("y" * (MAX_LINE + 10) + "\n\x00\x07ok\x1bZ\x7f\n", 5000)
    assert lines == ["y" * MAX_LINE + TRUNCATED, "ok"]


def test_plain_text_shortcut_matches_the_general_path():
    # Plain text (newlines only) skips the per-line work; it must finish the same
    # lines at the same moments, whatever came before (cursor moved up, \r, ...).
    import random

    import runbase.sdk.environment.terminal as terminal

    class General(Screen):
        def _plain(self, text, now, done):  # type: ignore[no-untyped-def]
            for i, piece in enumerate(text.split("\n")):
                if i:
                    self._control("\n", now, done)
                if piece:
                    self._put(piece, now, raw=True)

    rng = random.Random(7)
    parts = ["a", "bb ", "ccc", "\n", "\n\n", "\r", "\x1b[A", "\x1b[2A", "\x1b[K", "\t", "  "]
    for _ in range(300):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 80)))
        text += "x" * rng.choice([0, 0, terminal.MAX_LINE + 5])
        fast, slow = Screen(), General()
        pos, t = 0, 0.0
        while pos < len(text):
            step = rng.randint(1, 30) if len(text) < 1000 else rng.randint(1000, 40000)
            t += 0.1
            got = (fast.write(text[pos : pos + step], t), slow.write(text[pos : pos + step], t))
            assert got[0] == got[1], repr(text)
            assert fast.idle(t, 0.15) == slow.idle(t, 0.15)
            pos += step
        assert fast.close() == slow.close(), repr(text)
