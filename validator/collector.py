"""The cyclic garbage collector, paused while inputs are parsed, checked and reported.

A parsed JSON document is a tree: it holds no reference cycles, so the collector's
passes over its millions of fresh objects free nothing, yet they cost about half of a
32 MB parse and a third of checking it. Reference counting still frees everything as
usual. The CLI pauses it for a whole ``check`` run, the Python API per input (and so
Dask and Spark, which lint through it); the service's requests are small and are not
paused. It runs again when the last pause ends, for cycles made elsewhere.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # pauses in progress, in any thread: the collector is one per process
_resume = False  # whether the outermost pause switched it off (and so switches it back on)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; pauses nest and overlap across threads.

    The collector comes back on when the last pause ends, and only if a pause switched it
    off: a program that runs with it off keeps it off.
    """
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
