"""The cyclic garbage collector, paused while inputs are parsed, checked and reported.

A parsed JSON document is a tree: it holds no reference cycles, so the collector's
passes over its millions of fresh objects free nothing, yet they cost about half of a
32 MB parse and a third of checking it. Reference counting still frees everything as
usual. The CLI pauses it for a whole ``check`` run, the Python API (and so the service,
Dask and Spark) per input; it runs again when that ends, for cycles made elsewhere.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (no-op when it is already off: nesting, or a caller's choice)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
