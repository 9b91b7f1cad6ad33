"""Object lifetimes in a run: the cyclic collector paused while inputs are parsed, checked and reported,
and the last input's document left to the process's exit.

A parsed JSON document is a tree: it holds no reference cycles, so the collector's
passes over its millions of fresh objects free nothing, yet they cost about half of a
32 MB parse and a third of checking it. Reference counting still frees everything as
usual. The CLI pauses it for a whole ``check`` run, the Python API per input (and so
Dask and Spark, which lint through it); the service's requests are small and are not
paused. It runs again when the last pause ends, for cycles made elsewhere, and when threads
linting one after the other keep it paused (their pauses overlapping) for more than a second.

A command that ends its process with ``os._exit`` (the CLI) frees nothing at the end: freeing a
parsed 30 MB document object by object takes tens of milliseconds. There an input's document is
kept when its lint ends and freed when the next input's begins, so the last one is never freed.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

# Threads whose pauses overlap without end (a service linting in several threads) keep the collector off for no
# longer than this: then it is back on, as if nothing paused it, until no pause is left (the cycles other code
# makes would otherwise never be freed: a thread making them grew by hundreds of MB a minute).
MAX_OVERLAP_SECONDS = 1.0

_lock = threading.Lock()
_depth = 0  # pauses in progress, in any thread: the collector is one per process
_resume = False  # whether the outermost pause switched it off (and so switches it back on)
_off_since = 0.0  # time.monotonic() when the outermost pause switched it off
_threads: dict[int, int] = {}  # thread ident -> its pauses in progress
_ends_with_exit = False  # the process ends with os._exit: see ``retire`` and ``collector_paused``
_retired: tuple[object, ...] | None = None  # the last input's document and what was built from it, in such a process


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; pauses nest and overlap across threads.

    The collector comes back on when the last pause ends, and only if a pause switched it
    off: a program that runs with it off keeps it off. Pauses of several threads that overlap for
    more than MAX_OVERLAP_SECONDS turn it back on when one of them ends. A process ending with ``os._exit`` keeps
    it off too: its next collection would walk every object the run made (60 ms after a report
    of 200,000 findings) just before the exit frees them all at once.
    """
    global _depth, _resume, _off_since
    thread = threading.get_ident()
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
            _off_since = time.monotonic()
        _depth += 1
        _threads[thread] = _threads.get(thread, 0) + 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            left = _threads.pop(thread) - 1
            if left:
                _threads[thread] = left
            # the last pause, or a thread's last while other threads' overlap it for too long (not a pause within
            # a pause of the same thread: the command line pauses for a whole run, and per input inside it)
            overlapped = not left and _depth and time.monotonic() - _off_since >= MAX_OVERLAP_SECONDS
            if (_depth == 0 or overlapped) and _resume and not _ends_with_exit:
                gc.enable()


def ending_with_exit(ends: bool = True) -> None:
    """Say whether this process is a short run that ends with ``os._exit`` (the CLI): then an input's document need
    not be freed when its lint ends, nor the collector resumed. A server says False: it runs for as long as it is up."""
    global _ends_with_exit, _retired
    _ends_with_exit = ends
    if not ends:
        _retired = None


def retire(document: object, *built_from_it: object) -> None:
    """Done with an input's ``document`` and what was built from it (problems, rows): freed now, or, in a process
    ending with ``os._exit``, when the next input begins."""
    global _retired
    if _ends_with_exit:
        _retired = (document, *built_from_it)


def next_input() -> None:
    """An input begins (a file before its bytes are read, bytes before they are parsed): the document retired before
    it is freed now, so that two are never held at once."""
    global _retired
    _retired = None
