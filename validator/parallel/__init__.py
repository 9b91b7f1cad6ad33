"""The one place that starts processes: executors in the style of concurrent.futures.

Work is a function and a payload (a small dataclass with a ``label`` that names it in
messages). What a worker needs travels in the payload, resolved by the caller; a worker
builds what is costly (a Linter) once through a memo (``functools.lru_cache``), never
through a module global. ``dask.DaskExecutor`` implements ``Executor`` over a
``distributed.Client`` (submit, map in order, shutdown; plus results as they finish);
it is imported only when a run names a cluster.

Local executors (in ``local``), both forking (``os.fork``) from the calling thread:

- ``ProcessPool``: long-lived workers for many files; payloads are pickled to them in
  chunks, results come back a chunk at a time, and each worker notes in shared memory
  which task of its chunk it runs, so the parent knows which one a dead worker was on.
- ``ForkPerTask``: one fork per task, for parts of one big parsed document; the payload
  (the parsed records) is inherited by the fork, only the result is pickled back.
  ``Conversation`` is the same with messages exchanged before the result (the halves
  split: the child says where the records end, then learns the version).

Decision on a worker that dies (killed, out of memory): its running task is retried
once in a new process, the other tasks sent to that worker are simply sent again; a second
death on the same task fails it with ``WorkerDied``, a one-line message naming the
task (the CLI exits 2 with it). A death is seen as the end of the task's pipe, so no
run waits for ever. A task that raises is not retried: its exception is raised to the
caller, as it would be in a serial run. A ``Conversation`` is not retried: its caller
does the work the ordinary way instead.

Children do not outlive the parent: right after the fork each asks Linux for SIGKILL
when its parent dies (``PR_SET_PDEATHSIG``), then checks that the parent is still the
one that forked it (closing the race). Children never print: their stdin and stdout
are /dev/null, so a ``$(sdelint ...)`` reader gets EOF when the parent is gone. A
child ignores SIGINT: the parent decides, and stops its children on the way out.
PDEATHSIG follows the thread that forked: create and use an executor on one thread.
Where there is no fork, or while other threads run (``can_fork``: a fork would inherit
their locks), ``process_pool`` spawns workers (concurrent.futures): a dead one there ends
the run with ``WorkerDied``, without a retry, but never a hang; a big document is then
checked in one process.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

P = TypeVar("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class WorkerDied(Exception):
    """A worker process died (twice) while running a task; the message is one line naming it."""


class ClusterError(Exception):
    """A Dask scheduler that cannot be reached, or that went away mid-run; the message is one line."""


class TaskFuture(Protocol[R_co]):
    def result(self, timeout: float | None = None) -> R_co: ...

    def done(self) -> bool: ...


class Executor(Protocol):
    """What the runner and the record split need; local pools here, a Dask client later."""

    def submit(self, fn: Callable[[P], R], payload: P) -> TaskFuture[R]: ...

    def map(self, fn: Callable[[P], R], payloads: Iterable[P], *, chunksize: int = 1) -> Iterator[R]: ...

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None: ...


def can_fork() -> bool:
    """Whether this process may fork: not where there is no fork, and not while other threads run.

    A lock another thread holds at the fork stays held for ever in the child, which then hangs
    (Python 3.12 warns of it): a program of the Python API's that runs threads (a notebook, a web
    application, a Dask worker) gets spawned workers, or one process, instead. On Linux the threads
    are counted as the kernel counts them, so those started outside ``threading`` count too.
    """
    if not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")  # never imported: no other Python thread can be running
    if threading is not None and threading.active_count() > 1:
        return False
    for _ in range(_EXITING_THREAD_WAITS):
        threads = _os_thread_count()
        if threads is None or threads == 1:
            return True
        time.sleep(0.001)  # a thread just joined may still be leaving the OS's count
    return False


_EXITING_THREAD_WAITS = 10


def _os_thread_count() -> int | None:
    """The threads of this process as Linux counts them (as CPython does before it warns), None elsewhere.

    ``threading`` knows only the threads it started: not one started by ``_thread`` or by a C
    library (a JVM gateway, a thread pool in an extension), whose locks a fork inherits just the same.
    """
    try:
        with open("/proc/self/stat", "rb") as stat:
            fields = stat.read().rpartition(b")")[2].split()  # the command name before ")" may hold spaces
        return int(fields[17])  # field 20, num_threads; fields[0] is field 3
    except (OSError, IndexError, ValueError):
        return None


def label_of(payload: Any) -> str:
    return str(getattr(payload, "label", None) or type(payload).__name__)


def process_pool(workers: int) -> Executor:
    """Worker processes for many tasks: forked where ``can_fork``, else spawned (no retry there)."""
    if can_fork():
        from .local import ProcessPool

        return ProcessPool(workers)
    return _SpawnPool(workers)


def start_server_process(target: Callable[..., None], args: tuple[Any, ...], name: str) -> Any:
    """A spawned (fresh) process for ``sdelint serve``'s supervisor: it restarts a dead one itself.

    Spawned, not forked: a server worker builds its own application from an import string.
    Returns the started ``multiprocessing`` process (``pid``, ``is_alive``, ``exitcode``, ``join``, ``kill``).
    """
    import multiprocessing

    process = multiprocessing.get_context("spawn").Process(target=target, args=args, name=name)
    process.start()
    return process


class _SpawnPool:
    """Spawned workers (concurrent.futures): a dead worker breaks the pool (``WorkerDied`` from ``map``), never a hang.

    Spawned, never forked (concurrent.futures forks by default on Linux before Python 3.14): this pool
    serves the processes that must not fork.
    """

    def __init__(self, workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.shutdown(wait=kind is None, cancel_futures=kind is not None)

    def submit(self, fn: Callable[[P], R], payload: P) -> TaskFuture[R]:
        return self._pool.submit(fn, payload)

    def map(self, fn: Callable[[P], R], payloads: Iterable[P], *, chunksize: int = 1) -> Iterator[R]:
        return _worker_died_on_broken_pool(self._pool.map(fn, payloads, chunksize=chunksize))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _worker_died_on_broken_pool(results: Iterator[R]) -> Iterator[R]:
    """A spawned worker's death as the forked pools report it: WorkerDied, one line (the CLI exits 2 with it)."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        yield from results
    except BrokenProcessPool:
        raise WorkerDied("a worker process died while checking files (spawned workers are not retried)") from None
