"""Interpreter settings for a server process, made once it has started up.

- Its start-up heap is kept out of the garbage collector's full passes. Importing
  the web stack (FastAPI, SQLAlchemy, NumPy, ...) leaves ~110,000 objects that live
  as long as the process, and each full collection walked all of them: ~90 ms on a
  small machine, paid by whichever request triggered it, so a runs page that takes
  50 ms took 150 ms every few requests (issue 15's p95). Frozen, they are never
  walked again; what requests allocate is collected as before.
- Threads switch every 0.5 ms instead of 5. sqlite3 and psycopg let go of the GIL
  for each step of a statement; with another request's thread busy in Python,
  every step then waited up to the switch interval for the GIL back, so the runs
  page read while the app loaded its other requests took 450 ms instead of 50.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.0005


def tune_for_serving() -> None:
    """Freeze what is alive now out of the collector's way; switch threads sooner."""
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
