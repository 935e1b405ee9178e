"""A small terminal model that turns console bytes into the lines a person saw.

Progress bars redraw one line thousands of times with ``\\r`` (and nested tqdm
bars move the cursor up with ``ESC[A``). Storing every redraw would bury the
real output, so each stream is replayed on a tiny virtual screen and only
finished lines leave it: a line is finished when the cursor has moved below it
further than the program could still move back up, when nothing has touched it
for a while with the cursor below it, or when capture ends.
"""

from __future__ import annotations

import re

MAX_LINE = 64 * 1024
TRUNCATED = " [runbase: line truncated at 65536 characters]"
# A program that moves the cursor up this far is drawing a full-screen UI; keeping
# more rows open than this would hold output back for no benefit.
_MAX_UP = 64
# Rows kept open above the cursor before any cursor-up was seen: the
# first redraw of nested tqdm bars moves down before it ever moves up.
_HOLD = 4
_MAX_DOWN = 64
# An unfinished escape sequence longer than this is garbage, not a sequence.
_MAX_PENDING_ESCAPE = 4096

# Tokens: CSI sequences, OSC sequences (titles, hyperlinks), two-byte escapes,
# and the single control characters that move the cursor.
_TOKENS = re.compile(
    r"(\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[ -Z\\-~]"
    r"|\r\n|\n|\r|\x08)"
)
# What may be the start of an escape sequence cut off at the end of a write.
_PARTIAL_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*)?$")
# Control characters that have no place in a stored line (tab is kept; ESC only
# survives inside SGR colour sequences, which are kept as text).
_JUNK = re.compile(r"[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]")
# Any control character but newline (and tab): text without them takes the fast path.
_SPECIAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class _Row:
    __slots__ = ("text", "time", "touched", "truncated")

    def __init__(self) -> None:
        self.text = ""
        self.time = 0.0
        self.touched = False
        self.truncated = False


def _finish(row: _Row) -> str:
    text = row.text.rstrip(" ")
    return text + TRUNCATED if row.truncated else text


class Screen:
    """One output stream's virtual screen. Not thread-safe: the caller locks."""

    def __init__(self) -> None:
        self._rows: list[_Row] = [_Row()]
        self._row = 0
        self._col = 0
        self._max_up = 0
        self._pending = ""
        self.last_write = 0.0

    def write(self, text: str, now: float) -> list[tuple[float, str]]:
        """Replay ``text``; return the lines it finished, as ``(time, line)``."""
        if self._pending:
            text = self._pending + text
            self._pending = ""
        m = _PARTIAL_ESCAPE.search(text, max(0, len(text) - _MAX_PENDING_ESCAPE))
        if m is not None:
            self._pending = text[m.start() :]
            text = text[: m.start()]
        self.last_write = now
        done: list[tuple[float, str]] = []
        if _SPECIAL.search(text) is None:
            self._plain(text, now, done)
            return done
        pos = 0
        for tok in _TOKENS.finditer(text):
            if tok.start() > pos:
                self._put(text[pos : tok.start()], now)
            pos = tok.end()
            self._control(tok.group(), now, done)
        if pos < len(text):
            self._put(text[pos:], now)
        return done

    def _plain(self, text: str, now: float, done: list[tuple[float, str]]) -> None:
        """``write`` for text whose only control character is newline: the usual case.

        Same result as the general path, without a function call per line: the
        lines between the first and the last newline become rows in one go.
        """
        pieces = text.split("\n")
        if pieces[0]:
            self._put(pieces[0], now, raw=True)
        if len(pieces) == 1:
            return
        self._control("\n", now, done)
        rows = self._rows
        middle = pieces[1:-1]
        if middle and self._row == len(rows) - 1 and not rows[-1].touched:
            rows.pop()  # the fresh row under the cursor: made again below
            # Rows above the cursor once these lines are out, and how many of
            # them scroll past what the program can still reach.
            scrolled = len(rows) + len(middle) - max(self._max_up, _HOLD)
            old = min(max(scrolled, 0), len(rows))
            if old:
                self._commit(old, done)
                rows = self._rows
            direct = max(scrolled, 0) - old
            for piece in middle[:direct]:
                if len(piece) > MAX_LINE:
                    done.append((now, piece[:MAX_LINE].rstrip(" ") + TRUNCATED))
                else:
                    done.append((now, piece.rstrip(" ")))
            for piece in middle[direct:]:
                row = _Row()
                row.touched = True
                row.time = now
                if len(piece) > MAX_LINE:
                    row.text, row.truncated = piece[:MAX_LINE], True
                else:
                    row.text = piece
                rows.append(row)
            rows.append(_Row())
            self._row, self._col = len(rows) - 1, 0
        else:  # the cursor was moved up before: no shortcut
            for piece in middle:
                if piece:
                    self._put(piece, now, raw=True)
                self._control("\n", now, done)
        if pieces[-1]:
            self._put(pieces[-1], now, raw=True)

    def idle(self, now: float, quiet: float) -> list[tuple[float, str]]:
        """Finish the rows above the cursor that nothing has touched for ``quiet`` s."""
        k = 0
        rows = self._rows
        while k < self._row and now - rows[k].time >= quiet:
            k += 1
        done: list[tuple[float, str]] = []
        if k:
            self._commit(k, done)
        return done

    def idle_at(self, quiet: float) -> float | None:
        """When ``idle(now, quiet)`` will next finish a row; None while no row waits."""
        return self._rows[0].time + quiet if self._row else None

    def snapshot(self) -> list[tuple[float, str]]:
        """Every row with content as it stands, without finishing anything."""
        return [(r.time, _finish(r)) for r in self._rows if r.touched]

    def close(self) -> list[tuple[float, str]]:
        """Finish everything: the screen is being taken down."""
        done = self.snapshot()
        self._rows = [_Row()]
        self._row = self._col = 0
        self._pending = ""
        return done

    def _put(self, seg: str, now: float, raw: bool = False) -> None:
        if not raw:
            # Complete escape sequences were tokenised already, so an ESC left in
            # plain text is garbage (binary output, a cut sequence).
            seg = _JUNK.sub("", seg).replace("\x1b", "")
        if not seg:
            return
        row = self._rows[self._row]
        row.touched = True
        row.time = now
        col = self._col
        line = row.text
        if col >= MAX_LINE:
            row.truncated = True
            return
        if col > len(line):
            line += " " * (col - len(line))
        end = col + len(seg)
        line = line[:col] + seg + line[end:]
        if len(line) > MAX_LINE:
            line = line[:MAX_LINE]
            row.truncated = True
        row.text = line
        self._col = min(end, MAX_LINE)

    def _control(self, tok: str, now: float, done: list[tuple[float, str]]) -> None:
        if tok == "\n" or tok == "\r\n":
            row = self._rows[self._row]
            if not row.touched:  # an empty line is still a line
                row.touched = True
                row.time = now
            self._down(1, done)
            self._col = 0
        elif tok == "\r":
            self._col = 0
        elif tok == "\x08":
            self._col = max(0, self._col - 1)
        elif tok.startswith("\x1b["):
            self._csi(tok, now, done)
        # Other escapes (OSC titles and hyperlinks, charset switches, save/restore
        # cursor) change nothing a log reader needs.

    def _csi(self, tok: str, now: float, done: list[tuple[float, str]]) -> None:
        final = tok[-1]
        if final == "m":
            # Colours are kept as text so a viewer can render them.
            self._put(tok, now, raw=True)
            return
        params = tok[2:-1]
        try:
            n = int(params) if params.isdigit() else 0
        except ValueError:
            n = 0
        if final == "A":
            self._row = max(0, self._row - max(n, 1))
            self._max_up = min(_MAX_UP, max(self._max_up, len(self._rows) - 1 - self._row))
        elif final == "B":
            self._down(min(max(n, 1), _MAX_DOWN), done)
        elif final == "C":
            self._col = min(MAX_LINE, self._col + max(n, 1))
        elif final == "D":
            self._col = max(0, self._col - max(n, 1))
        elif final == "G":
            self._col = min(MAX_LINE, max(n, 1) - 1)
        elif final == "K":
            row = self._rows[self._row]
            if n == 0:
                row.text = row.text[: self._col]
            elif n == 1:
                row.text = " " * self._col + row.text[self._col :]
            elif n == 2:
                row.text = ""
        elif final == "J" and n == 0:
            self._rows[self._row].text = self._rows[self._row].text[: self._col]
            del self._rows[self._row + 1 :]

    def _down(self, n: int, done: list[tuple[float, str]]) -> None:
        self._row += n
        while len(self._rows) <= self._row:
            self._rows.append(_Row())
        # Rows further above the cursor than the program moves back up can no
        # longer change: finish them.
        keep_from = self._row - max(self._max_up, _HOLD)
        if keep_from > 0:
            self._commit(keep_from, done)

    def _commit(self, upto: int, done: list[tuple[float, str]]) -> None:
        for r in self._rows[:upto]:
            if r.touched:  # rows only jumped over (ESC[B) were never output
                done.append((r.time, _finish(r)))
        del self._rows[:upto]
        self._row -= upto
