"""The server's heap after start-up, kept out of the garbage collector's full passes.

Importing the web stack (FastAPI, SQLAlchemy, NumPy, ...) leaves ~110,000 objects
that live as long as the process. Each full collection walks all of them: ~90 ms on
a small machine, paid by whichever request happens to trigger it, so a runs page
that takes 50 ms took 150 ms every few requests (issue 15's p95), and more often
while shippers post (issue 13). Frozen, they are never walked again; what requests
allocate is collected as before.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Collect once, then move every object alive now to the permanent generation."""
    gc.collect()
    gc.freeze()
