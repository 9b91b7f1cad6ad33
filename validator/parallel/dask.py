"""A Dask cluster as an ``Executor``: the same tasks as the local pool, run by ``distributed`` workers.

Imported only with ``--cluster`` (or ``cluster=`` in the Python API): a plain run never loads Dask.

- Tasks are the runner's own (``check_file`` on a ``FileTask``), sent in chunks so that one
  scheduler round trip carries many small files; a chunk's results come back together.
- ``map_unordered`` yields each chunk's results as it finishes (``as_completed``), with the
  payloads' positions, so that the caller can place them in input order and advance a progress
  bar per finished file. At most ``in_flight`` chunks are submitted at a time: the scheduler and
  the client hold a window of the work, never all of it.
- A worker that dies: Dask runs its tasks again elsewhere (the tasks are pure, and a chunk's
  results arrive once); after ``distributed.scheduler.allowed-failures`` deaths on one chunk the
  run fails with ``WorkerDied`` naming its first file. A scheduler that cannot be reached, or
  that goes away, is a ``ClusterError`` with a one-line message (the CLI exits 2).
- The workers are asked to import sdelint on connecting (``Client.run``): one that cannot is a
  ``ClusterError`` before any task goes out. One that joins later fails the first task it gets
  (tasks travel as bytes, unpickled by the task itself): a ``ClusterError`` too, never a hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..extras import needs_extra
from . import ClusterError, WorkerDied, label_of

try:  # here, not in connect: an ImportError from importing this module is what the CLI and the API report
    import distributed  # noqa: F401
except ImportError as exc:
    raise ImportError(needs_extra("a Dask cluster", "dask", exc), name=exc.name) from exc

if TYPE_CHECKING:
    from distributed import Client, Future

    from ..inputs import Listing, ListRequest

P = TypeVar("P")
R = TypeVar("R")

# Seconds to wait for the scheduler before giving up: a wrong address must not hang a CI job.
CONNECT_TIMEOUT = 5.0
# Seconds between looks at the client while waiting for a task: how soon a client that gave up is noticed.
_POLL = 0.5


def run_chunk(fn: Callable[[P], R], payloads: list[P]) -> list[R]:
    """A worker's task: a chunk of payloads, one after another."""
    return [fn(payload) for payload in payloads]


class DaskExecutor:
    """An ``Executor`` over a ``distributed.Client``; closes the client on shutdown only if it opened it."""

    def __init__(self, client: Client, owned: bool = True) -> None:
        self.client = client
        self._owned = owned
        if owned:
            for name in _NOISY_LOGGERS:
                logging.getLogger(name).addFilter(_NOISE)

    @classmethod
    def connect(cls, cluster: str | Client, timeout: float = CONNECT_TIMEOUT) -> DaskExecutor:
        """A scheduler address (``tcp://host:8786``) or a ``distributed.Client`` the caller already has."""
        from distributed import Client

        if isinstance(cluster, Client):
            if cluster.status in ("closing", "closed"):  # was distributed's ClosedClientError from the first task sent
                raise ClusterError(f"the Dask client given is {cluster.status}: give an open one, or the scheduler's address")
            _workers_import_sdelint(cluster)
            return cls(cluster, owned=False)
        try:
            client = _closing_client_class()(cluster, timeout=timeout, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError, TypeError; MemoryError for a server
            # that answers with something else (a frame length read from its text), ...: no scheduler there, in one line
            reason = "it answers, but not as a Dask scheduler" if isinstance(exc, MemoryError) else _first_line(exc)
            raise ClusterError(f"cannot reach the Dask scheduler at {cluster}: {reason}") from None
        executor = cls(client)
        try:
            _workers_import_sdelint(client)
        except BaseException:
            executor.shutdown()
            raise
        return executor

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.shutdown(wait=kind is None, cancel_futures=kind is not None)

    def threads(self) -> int:
        """Worker threads in the cluster now (at least 1): how many tasks run at once."""
        try:
            return max(1, sum(self.client.nthreads().values()))
        except Exception:  # noqa: BLE001 - only a sizing hint
            return 1

    def submit(self, fn: Callable[[P], R], payload: P) -> Future:
        return self._call(fn, payload)

    def _call(self, fn: Callable[..., Any], *args: Any) -> Future:
        """``fn(*args)`` on a worker, sent as a ``pickle.loads`` of bytes: a worker without sdelint fails the task.

        Sent as itself, the task must be unpickled to be received: a worker without sdelint (one that joined after
        ``_workers_import_sdelint`` asked, as an adaptive cluster's do) dropped its connection and stopped on it, and
        the run waited for ever for the workers that came in its place. Inside ``pickle.loads`` the import fails the
        task, with an ImportError that ``_result`` reports in one line.
        """
        import pickle

        import cloudpickle  # type: ignore[import-untyped]  # with distributed, on the client and the workers

        blob = cloudpickle.dumps(_Call(fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        return self.client.submit(pickle.loads, blob, key=f"{fn.__name__}-{uuid.uuid4().hex}", pure=False)

    def list_url(self, request: ListRequest) -> Listing:
        """A URL listed by a worker (``inputs.list_url``), so that the client needs no access to the store."""
        from ..inputs import list_url

        listing: Listing = self._result(self.submit(list_url, request), label_of(request))
        return listing

    def map(self, fn: Callable[[P], R], payloads: Iterable[P], *, chunksize: int = 1) -> Iterator[R]:
        """Results in the order of ``payloads``; each is kept only until the ones before it have come."""
        waiting: dict[int, R] = {}
        following = 0
        for position, result in self.map_unordered(fn, payloads, chunksize=chunksize):
            waiting[position] = result
            while following in waiting:
                yield waiting.pop(following)
                following += 1

    def map_unordered(self, fn: Callable[[P], R], payloads: Iterable[P], *, chunksize: int = 1, in_flight: int | None = None) -> Iterator[tuple[int, R]]:
        """(position in ``payloads``, result) pairs as chunks finish, whatever their order."""
        from distributed import as_completed

        chunks = _chunks(payloads, max(1, chunksize))
        limit = in_flight or max(16, 4 * self.threads())
        starts: dict[Any, tuple[int, str]] = {}  # future key -> (position of its first payload, its label)
        first = [self._submit_chunk(fn, start, chunk, starts) for start, chunk in _take(chunks, limit)]
        if not first:
            return
        pending = as_completed(first, loop=self.client.loop)
        try:
            while not pending.is_empty():
                self._wait_for_one(pending, next(iter(starts.values()))[1])
                future = next(pending)
                start, label = starts.pop(future.key)
                results: list[R] = self._result(future, label)
                for next_start, chunk in _take(chunks, 1):
                    pending.add(self._submit_chunk(fn, next_start, chunk, starts))
                for offset, result in enumerate(results):
                    yield start + offset, result
        finally:
            self._cancel(list(pending.futures))

    def _submit_chunk(self, fn: Callable[[P], R], start: int, chunk: list[P], starts: dict[Any, tuple[int, str]]) -> Future:
        future = self._call(run_chunk, fn, chunk)
        starts[future.key] = (start, label_of(chunk[0]))
        return future

    def _wait_for_one(self, pending: Any, label: str) -> None:
        """Until a future of ``pending`` (an ``as_completed``) is ready, or the client has given up on its scheduler.

        A task submitted while the client was reconnecting (the scheduler had just died) is never sent nor
        cancelled: once the client gave up (``CONNECT_TIMEOUT``) and closed, its future waited for ever.
        """
        while not pending.has_ready() and not pending.is_empty():
            if self.client.status in ("closing", "closed"):
                raise ClusterError(f"lost the Dask scheduler while checking {label}")
            with pending.thread_condition:  # notified as each future finishes, as in as_completed's own __next__
                pending.thread_condition.wait(timeout=_POLL)

    def _result(self, future: Future, label: str) -> Any:
        """A task's value; a task's own exception is raised as it is, the cluster's failures as one line."""
        from distributed import KilledWorker, as_completed

        if not future.done():
            self._wait_for_one(as_completed([future], loop=self.client.loop), label)
        try:
            return future.result()
        except KilledWorker:
            raise WorkerDied(f"Dask workers died too many times while checking {label}") from None
        except (OSError, TimeoutError) as exc:  # the scheduler went away (CommClosedError is an OSError)
            raise ClusterError(f"lost the Dask cluster while checking {label}: {_first_line(exc)}") from None
        except Exception as exc:
            if getattr(exc, "reason", None) == "scheduler-connection-lost":  # the client cancels what it waits for
                raise ClusterError(f"lost the Dask scheduler while checking {label}") from None
            if type(exc).__name__ == "FutureCancelledError":  # the scheduler dropped the task (it restarted)
                raise ClusterError(f"the Dask cluster cancelled the task checking {label}") from None
            if isinstance(exc, ImportError) and "validator" in str(exc):  # a worker not asked on connecting: it joined later
                install = f"install this sdelint ({_version()}) on every worker (an adaptive cluster's new ones too)"
                raise ClusterError(f"a Dask worker that joined during the run cannot import sdelint ({_first_line(exc)}): {install}") from None
            raise

    def _cancel(self, futures: list[Future]) -> None:
        if futures:
            with contextlib.suppress(Exception):  # a closed cluster has nothing left to cancel
                self.client.cancel(futures)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._owned:
            with contextlib.suppress(Exception):  # a cluster already gone
                self.client.close()
            for name in _NOISY_LOGGERS:
                logging.getLogger(name).removeFilter(_NOISE)


class _Call:
    """A call made as it is unpickled (``__reduce__``): the task ``DaskExecutor._call`` sends as bytes."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.fn, self.args = fn, args

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return self.fn, self.args


@functools.cache
def _closing_client_class() -> type[Client]:
    """``distributed.Client``, closing itself when it fails to start.

    A Client whose ``start`` raises (an address without a port, ``inproc://x``, ``tls://`` without a context) is
    left running on distributed's event loop, out of the caller's reach: at the interpreter's exit its ``__del__``
    then waits 10 seconds for the stopped loop and prints a ``TimeoutError`` traceback, long after the
    ``ClusterError`` was handled. Closed here, while the loop still runs, it goes at once.
    """
    from distributed import Client

    class ClosingClient(Client):
        def start(self, **kwargs: Any) -> Any:
            try:
                # within the connection's timeout as a whole: distributed bounds the TCP connection by it, but then
                # waits for ever for the handshake of a server that accepts and says nothing (an HTTP port: 8787)
                return super().start(callback_timeout=kwargs.get("timeout", CONNECT_TIMEOUT), **kwargs)
            except BaseException:
                with contextlib.suppress(Exception):
                    self.close()
                raise

    return ClosingClient


class _DistributedNoise(logging.Filter):
    """Drops what distributed logs, with tracebacks, on the way out of a run that sdelint ends in one line.

    - A lost scheduler: an ERROR line when the client gives up reconnecting, and a traceback of the cancelled
      reconnection when it closes.
    - Ctrl-C or SIGTERM while a call waits for the client's event loop, before the loop started it: distributed's
      clean-up callback (``sync``'s ``cancel``) fails with a NameError, which tornado logs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Failed to reconnect to scheduler"):
            return False
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, asyncio.CancelledError):
            return False
        return not (isinstance(error, NameError) and _raised_in(error, "distributed", "cancel"))


def _raised_in(error: BaseException, package: str, function: str) -> bool:
    """Whether ``error`` was raised in ``function`` of a module of ``package``."""
    trace = error.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    if trace is None:
        return False
    code = trace.tb_frame.f_code
    return code.co_name == function and f"{os.sep}{package}{os.sep}" in code.co_filename


_NOISE = _DistributedNoise()
_NOISY_LOGGERS = ("distributed.client", "tornado.application")


def _version() -> str:
    from .. import __version__

    return __version__


def _workers_import_sdelint(client: Client) -> None:
    """Ask the workers there now to import sdelint (``Client.run``), before any task goes to them.

    A worker that cannot import it does not fail a task: it cannot read the task off the wire, so it
    drops its connection and stops (its nanny with it), and a run on such workers waited for ever for
    workers that would never come. ``Client.run`` unpickles the function inside a handler instead: the
    error comes back as an answer, and the worker lives. Workers that join later are not asked: the tasks,
    sent as bytes (``DaskExecutor._call``), fail on them instead.
    """
    try:
        answers = client.run(_version, on_error="return")
    except (OSError, TimeoutError) as exc:  # the scheduler went away just now
        raise ClusterError(f"lost the Dask scheduler while asking its workers for sdelint: {_first_line(exc)}") from None
    for address, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            install = f"install this sdelint ({_version()}) on the workers"
            raise ClusterError(f"the Dask worker at {address} cannot import sdelint ({_first_line(answer)}): {install}")


def _first_line(exc: BaseException) -> str:
    """An exception's first line, without the connection distributed names before it (``in <TCP (closed) ...>: ``)."""
    text = _COMM_PREFIX.sub("", str(exc).splitlines()[0] if str(exc) else "")
    if not text:
        return "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__
    return text


_COMM_PREFIX = re.compile(r"^in <[^>]*>: ")


def _chunks(payloads: Iterable[P], size: int) -> Iterator[tuple[int, list[P]]]:
    """(position of the first, chunk) for consecutive chunks of ``size`` payloads."""
    chunk: list[P] = []
    start = 0
    for position, payload in enumerate(payloads):
        if not chunk:
            start = position
        chunk.append(payload)
        if len(chunk) >= size:
            yield start, chunk
            chunk = []
    if chunk:
        yield start, chunk


def _take(chunks: Iterator[tuple[int, list[P]]], count: int) -> Iterator[tuple[int, list[P]]]:
    for _ in range(count):
        item = next(chunks, None)
        if item is None:
            return
        yield item
