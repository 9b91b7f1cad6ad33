"""The local executors: forked workers, their pipes, and what happens when one dies (see the package)."""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import selectors
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from multiprocessing.connection import Connection, Pipe
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from . import WorkerDied, label_of

P = TypeVar("P")
R = TypeVar("R")

# Requests a pool worker may have waiting behind the one it runs while more work is queued.
_PIPELINED_REQUESTS = 2
_PR_SET_PDEATHSIG = 1
_IDLE = (-1).to_bytes(8, "little", signed=True)


@dataclass
class _Outcome:
    """A task's end, sent by the child: its value, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None


@dataclass
class _Message:
    """Sent by a ``Conversation``'s child before its outcome."""

    value: Any


class _Future(Generic[R]):
    """A future whose ``result()`` drives its executor: no thread runs beside the caller.

    ``timeout`` is there for the interface and ignored: a dead worker, not a clock, ends a wait.
    """

    def __init__(self, drive: Callable[[_Future[Any] | None], None]) -> None:
        self._drive = drive
        self._settled = False
        self._cancelled = False
        self._value: Any = None
        self._error: BaseException | None = None

    def done(self) -> bool:
        return self._settled or self._cancelled

    def cancel(self) -> bool:
        if not self._settled:
            self._cancelled = True
        return self._cancelled

    def set_result(self, value: R) -> None:
        self._value, self._settled = value, True

    def set_exception(self, error: BaseException) -> None:
        self._error, self._settled = error, True

    def exception(self, timeout: float | None = None) -> BaseException | None:
        if not self.done():
            self._drive(self)
        if self._cancelled:
            raise CancelledError
        return self._error

    def result(self, timeout: float | None = None) -> R:
        error = self.exception(timeout)
        if error is not None:
            raise error
        value: R = self._value
        return value


class CancelledError(Exception):
    """The executor was shut down before the task ran."""


@dataclass
class _Task:
    fn: Callable[[Any], Any]
    payload: Any
    future: _Future[Any]
    attempts: int = 0


@dataclass
class _Child:
    pid: int
    conn: Connection
    requests: deque[list[_Task]] = field(default_factory=deque)  # sent and not answered yet, in order
    # shared with a pool worker: the index in its request of the task it runs (_IDLE between requests)
    running: mmap.mmap | None = None


@lru_cache(maxsize=1)
def prctl_function() -> Callable[..., int] | None:
    """libc's prctl (None but on Linux), looked up in the parent once (a forked child must not pay for ctypes)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
        return prctl
    except (OSError, AttributeError):  # pragma: no cover - an unusual libc
        return None


def die_with_parent(parent_pid: int, signum: int, prctl: Callable[..., int] | None) -> None:
    """Have Linux send ``signum`` when the parent dies, even of SIGKILL (``prctl`` from ``prctl_function()``; None elsewhere),
    and exit at once if it died before that was set: no child goes on with nobody to stop it."""
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


def _become_child(parent_pid: int, prctl: Callable[..., int] | None, inherited: Iterable[Connection]) -> None:
    """Right after the fork: die with the parent, hold none of its other pipes, never print."""
    die_with_parent(parent_pid, signal.SIGKILL, prctl)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for conn in inherited:
        conn.close()
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)


def _fork(body: Callable[[Connection], None], inherited: Iterable[Connection] = ()) -> _Child:
    """A child running ``body`` on its end of a new pipe; it exits when ``body`` returns."""
    parent_pid, prctl = os.getpid(), prctl_function()
    ours, theirs = Pipe()
    try:
        pid = os.fork()
    except OSError:
        ours.close()
        theirs.close()
        raise
    if pid == 0:  # pragma: no cover - runs in the child (coverage does not follow a fork)
        status = 0
        try:
            _become_child(parent_pid, prctl, [ours, *inherited])
            body(theirs)
        except BaseException:  # noqa: BLE001 - the parent sees the pipe close, as for any death
            status = 1
        # Leave now: freeing the inherited and parsed objects one by one would only make the parent wait.
        os._exit(status)
    theirs.close()
    return _Child(pid, ours)


def _run(fn: Callable[[Any], Any], payload: Any) -> _Outcome:
    try:
        return _Outcome(fn(payload))
    except Exception as exc:  # noqa: BLE001 - raised again in the parent
        return _Outcome(error=exc)


def _picklable(outcome: _Outcome) -> _Outcome:
    try:
        pickle.dumps(outcome)
        return outcome
    except Exception as exc:  # noqa: BLE001 - a value or exception that does not pickle
        error = outcome.error or exc
        return _Outcome(error=RuntimeError(f"{type(error).__name__}: {error}"))


def _send_outcomes(conn: Connection, outcomes: list[_Outcome]) -> None:
    try:
        conn.send(outcomes)
    except Exception:  # noqa: BLE001 - one of them does not pickle: say which, keep the others
        conn.send([_picklable(outcome) for outcome in outcomes])


def _serve_requests(conn: Connection, running: mmap.mmap) -> None:
    """A pool worker: each request is a function and a chunk of payloads, answered together.

    The index of the task at hand is kept in ``running`` (shared memory, no system call), so
    that the parent knows which task a worker that died was running.
    """
    while True:
        try:
            fn, payloads = conn.recv()
        except EOFError:
            return
        outcomes = []
        for index, payload in enumerate(payloads):
            running[:] = index.to_bytes(8, "little", signed=True)
            outcomes.append(_run(fn, payload))
        running[:] = _IDLE
        _send_outcomes(conn, outcomes)


def _death(pid: int) -> str:
    """How a child ended, reaping it."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:  # pragma: no cover - already reaped
        return "ended"
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"was killed by {signal.Signals(number).name}"
        except ValueError:  # pragma: no cover
            return f"was killed by signal {number}"
    return f"exited with code {os.waitstatus_to_exitcode(status)}"


def _stop(child: _Child) -> None:
    child.conn.close()
    try:
        os.kill(child.pid, signal.SIGKILL)
        os.waitpid(child.pid, 0)
    except (ProcessLookupError, ChildProcessError):  # pragma: no cover - already gone
        pass


class _ForkingExecutor:
    """Queue, dispatch and death handling shared by the two local executors."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._queue: deque[list[_Task]] = deque()  # requests: chunks of tasks with one function
        self._children: dict[Connection, _Child] = {}
        self._selector: selectors.BaseSelector | None = None  # over the children's pipes, built with the first
        self._finished: list[int] = []  # children that answered and are exiting: reaped at shutdown
        self._closed = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.shutdown(wait=kind is None, cancel_futures=kind is not None)

    def submit(self, fn: Callable[[P], R], payload: P) -> _Future[R]:
        return self._submit_chunk(fn, [payload])[0]

    def map(self, fn: Callable[[P], R], payloads: Iterable[P], *, chunksize: int = 1) -> Iterator[R]:
        """Results in the order of ``payloads``; all are queued at once (payloads are small)."""
        futures: list[_Future[R]] = []
        chunk: list[P] = []
        for payload in payloads:
            chunk.append(payload)
            if len(chunk) >= chunksize:
                futures.extend(self._submit_chunk(fn, chunk))
                chunk = []
        if chunk:
            futures.extend(self._submit_chunk(fn, chunk))
        return (future.result() for future in futures)

    def _submit_chunk(self, fn: Callable[[P], R], payloads: list[P]) -> list[_Future[R]]:
        if self._closed:
            raise RuntimeError("cannot submit to an executor after shutdown")
        tasks = [_Task(fn, payload, _Future(self._drive)) for payload in payloads]
        self._queue.append(tasks)
        self._dispatch()
        return [task.future for task in tasks]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            for request in self._queue:
                for task in request:
                    task.future.cancel()
            self._queue.clear()
        if wait:
            self._drive(None)
        self._closed = True
        for child in self._children.values():
            _stop(child)
            for sent in child.requests:
                for task in sent:
                    task.future.cancel()
        self._children.clear()
        if self._selector is not None:
            self._selector.close()
            self._selector = None
        for pid in self._finished:
            with contextlib.suppress(ChildProcessError):  # pragma: no cover - reaped already
                os.waitpid(pid, 0)
        self._finished.clear()

    def _dispatch(self) -> None:
        raise NotImplementedError

    def _adopt(self, child: _Child) -> None:
        if self._selector is None:
            self._selector = selectors.DefaultSelector()
        self._selector.register(child.conn, selectors.EVENT_READ, child)
        self._children[child.conn] = child

    def _release(self, child: _Child) -> None:
        """Forget a child that has ended (or is ending): its pipe is closed."""
        del self._children[child.conn]
        if self._selector is not None:
            self._selector.unregister(child.conn)
        child.conn.close()

    def _drive(self, until: _Future[Any] | None) -> None:
        """Run until ``until`` is done (None: until nothing is left to do)."""
        while until is None or not until.done():
            self._dispatch()
            if self._selector is None or not any(child.requests for child in self._children.values()):
                if until is not None and not until.done():  # pragma: no cover - a bug, never a hang
                    raise RuntimeError("a task was lost by the executor")
                return
            for key, _ in self._selector.select():
                child = key.data
                try:
                    outcomes = child.conn.recv()
                except (EOFError, OSError):
                    self._lost(child)
                    continue
                self._settle(child, outcomes)

    def _settle(self, child: _Child, outcomes: list[_Outcome]) -> None:
        for task, outcome in zip(child.requests.popleft(), outcomes, strict=True):
            if outcome.error is not None:
                task.future.set_exception(outcome.error)
            else:
                task.future.set_result(outcome.value)

    def _lost(self, child: _Child) -> None:
        """A child died: retry its running task once, send the others of its requests again."""
        self._release(child)
        how = _death(child.pid)
        if not child.requests:
            return
        index = int.from_bytes(child.running[:], "little", signed=True) if child.running is not None else 0
        request = child.requests.popleft()
        culprit = request.pop(index if 0 <= index < len(request) else 0)  # _IDLE: it died receiving this request
        self._queue.extendleft(reversed([request, *child.requests] if request else child.requests))
        culprit.attempts += 1
        if culprit.attempts > 1:
            culprit.future.set_exception(WorkerDied(f"a worker process {how} twice while checking {label_of(culprit.payload)}"))
        else:
            self._queue.appendleft([culprit])


class ProcessPool(_ForkingExecutor):
    """Long-lived forked workers; payloads are pickled to them."""

    def _dispatch(self) -> None:
        while self._queue and len(self._children) < self.workers:
            running = mmap.mmap(-1, 8)  # anonymous and shared with the fork
            running[:] = _IDLE
            child = _fork(partial(_serve_requests, running=running), self._children)
            child.running = running
            self._adopt(child)
            self._send(child)
        for child in self._children.values():
            # a second request waits behind the running one only while there is enough for every worker
            if not child.requests or (len(child.requests) < _PIPELINED_REQUESTS and len(self._queue) > len(self._children)):
                self._send(child)

    def _send(self, child: _Child) -> None:
        if self._queue:
            request = self._queue.popleft()
            child.requests.append(request)
            with contextlib.suppress(OSError):  # it has died: the end of its pipe is seen next, and the request sent again
                child.conn.send((request[0].fn, [task.payload for task in request]))


def _answer(fn: Callable[[Any], Any], payload: Any) -> Callable[[Connection], None]:
    return lambda conn: _send_outcomes(conn, [_run(fn, payload)])


class ForkPerTask(_ForkingExecutor):
    """A fork per task: the payload is inherited, not pickled; only the result travels back."""

    def _dispatch(self) -> None:
        while self._queue and len(self._children) < self.workers:
            request = self._queue.popleft()
            for task in request[1:]:  # one task per child
                self._queue.appendleft([task])
            task = request[0]
            child = _fork(_answer(task.fn, task.payload), self._children)
            child.requests.append([task])
            self._adopt(child)

    def _settle(self, child: _Child, outcomes: list[_Outcome]) -> None:
        super()._settle(child, outcomes)
        self._release(child)  # its one task is done: the child is exiting
        self._finished.append(child.pid)


class Peer:
    """A ``Conversation``'s child end: messages to and from the parent."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def send(self, message: Any) -> None:
        self._conn.send(_Message(message))

    def recv(self) -> Any:
        return self._conn.recv()


class Conversation(Generic[R]):
    """A forked task that exchanges messages with this process before its result; not retried.

    The payload is inherited by the fork. ``recv`` and ``result`` raise the child's exception,
    or ``WorkerDied`` when it is gone; ``close`` (or leaving the ``with``) stops and reaps it.
    """

    def __init__(self, fn: Callable[[P, Peer], R], payload: P) -> None:
        self._label = label_of(payload)
        self._child = _fork(lambda conn: _send_outcomes(conn, [_run(lambda p: fn(p, Peer(conn)), payload)]))
        self._done = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def send(self, message: Any) -> None:
        self._child.conn.send(message)

    def _next(self) -> _Message | _Outcome:
        try:
            answer: _Message | list[_Outcome] = self._child.conn.recv()
        except (EOFError, OSError):
            raise WorkerDied(f"a worker process died while checking {self._label}") from None
        if isinstance(answer, _Message):
            return answer
        self._done = True
        outcome = answer[0]
        if outcome.error is not None:
            raise outcome.error
        return outcome

    def recv(self) -> Any:
        answer = self._next()
        if not isinstance(answer, _Message):
            raise WorkerDied(f"a worker process ended early while checking {self._label}")
        return answer.value

    def result(self) -> R:
        answer = self._next()
        if not isinstance(answer, _Outcome):
            raise WorkerDied(f"a worker process sent more than expected while checking {self._label}")
        value: R = answer.value
        return value

    def close(self) -> None:
        if self._done:  # it is exiting on its own
            self._child.conn.close()
            os.waitpid(self._child.pid, 0)
        else:
            _stop(self._child)


