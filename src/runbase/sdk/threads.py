"""Starting runbase's background threads so that process signals reach the main thread."""

from __future__ import annotations

import signal
import threading

# Signals whose Python handlers must run: Python runs them in the main thread only.
_MAIN_THREAD_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT})


def start(thread: threading.Thread) -> None:
    """Start ``thread`` with SIGTERM and SIGINT blocked in it.

    The kernel hands a signal sent to the process to any thread that does not block
    it. When that is a thread other than the main one, a Python handler only gets
    flagged, and runs when the main thread next executes Python code; a main thread
    blocked in C never does. A spawn Pool worker waits for its next task in exactly
    such a call (a semaphore), so a ``pool.terminate()`` SIGTERM that landed on one of
    runbase's threads was never acted on, and the parent waited for the worker forever.
    A new thread inherits the signal mask of the thread that starts it, so the mask is
    set around ``start()`` and put back at once.
    """
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no per-thread masks
        thread.start()
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _MAIN_THREAD_SIGNALS)
    try:
        thread.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
