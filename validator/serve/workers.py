"""Several worker processes, each with its own listening socket (SO_REUSEPORT), on Linux.

uvicorn's own ``--workers`` shares one listening socket between the workers:
whichever worker wakes first accepts every pending connection, so a burst of
keep-alive connections (a connection pool, a load generator) is served by one
worker while the others idle. Here each worker binds its own socket to the same
address with SO_REUSEPORT, and the kernel spreads the connections over them.

Each worker is a uvicorn server started from the import string
``validator.serve.app:create_app`` (a factory), so it builds its own
application and compiles its own validators; their metrics meet in one
directory (prometheus_client's multiprocess mode, see ``metrics``). The parent
only supervises: it restarts a worker that dies, stops everything when a
worker cannot start, and passes SIGINT/SIGTERM on for a graceful shutdown.
A worker gets SIGTERM from Linux when the supervisor dies (PR_SET_PDEATHSIG),
even of SIGKILL: no worker outlives it.
Elsewhere (macOS, Windows), ``sdelint serve`` uses uvicorn's workers.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from typing import Any

from ..closed_pipe import ERROR, NOTE, WARNING, labelled, tell
from ..parallel import start_server_process
from .metrics import mark_worker_dead
from .settings import STARTUP_FAILURE

RESTART_LIMIT = 5  # restarts within RESTART_WINDOW seconds before giving up
RESTART_WINDOW = 60.0


def reuse_port_supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def bind(host: str, port: int, listen: bool = True) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP, and without it
    # Nagle's algorithm holds back the body that h11 writes after the headers until the client's delayed ACK
    # (about 40 ms per response). uvicorn's own --workers socket has proto 0 and pays exactly that.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        if listen:
            sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def _worker(app: str, host: str, port: int, options: dict[str, Any], header_timeout: float, parent_pid: int) -> None:  # pragma: no cover - runs in a child
    from ..parallel.local import die_with_parent, prctl_function

    die_with_parent(parent_pid, signal.SIGTERM, prctl_function())  # a graceful shutdown when the supervisor dies
    import uvicorn

    from .guard import GuardedServer

    try:
        sock = bind(host, port)
    except OSError as exc:
        print(labelled(ERROR, f"worker cannot listen on {host}:{port}: {exc}"), file=sys.stderr)
        sys.exit(STARTUP_FAILURE)
    server = GuardedServer(uvicorn.Config(app, factory=True, host=host, port=port, **options), header_timeout)
    server.run(sockets=[sock])
    if not server.started:
        sys.exit(STARTUP_FAILURE)


class Supervisor:
    def __init__(self, app: str, host: str, port: int, workers: int, options: dict[str, Any], header_timeout: float) -> None:
        self.app, self.host, self.port, self.workers, self.options = app, host, port, workers, options
        self.header_timeout = header_timeout
        self.processes: list[Any] = []
        self.stopping = False
        self.restarts: list[float] = []

    def _start(self) -> Any:
        args = (self.app, self.host, self.port, self.options, self.header_timeout, os.getpid())
        return start_server_process(_worker, args, "sdelint-worker")

    def _stop(self, signum: int, frame: Any) -> None:
        self.stopping = True

    def run(self) -> int:
        try:
            probe = bind(self.host, self.port, listen=False)  # the port is free (or ours); port 0 picks one
        except OSError as exc:
            tell(ERROR, f"cannot listen on {self.host}:{self.port}: {exc}")
            return STARTUP_FAILURE
        self.port = probe.getsockname()[1]
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        status = 0
        try:
            self.processes = [self._start() for _ in range(self.workers)]
            probe.close()  # a bound socket that does not listen is never given connections; now let go
            tell(NOTE, f"{self.workers} workers on http://{self.host}:{self.port} (one socket each, SO_REUSEPORT)")
            while not self.stopping:
                time.sleep(0.2)
                status = self._keep_alive()
                if status:
                    break
        finally:
            probe.close()
            self._terminate()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return status

    def _keep_alive(self) -> int:
        for index, process in enumerate(self.processes):
            if process.is_alive() or self.stopping:
                continue
            mark_worker_dead(process.pid)  # its counters stay in the totals; its readiness no longer counts
            if process.exitcode == STARTUP_FAILURE:
                tell(ERROR, f"worker {process.pid} could not start; stopping")
                return STARTUP_FAILURE  # the status of a server that cannot start, as one worker's (README)
            now = time.monotonic()
            self.restarts = [t for t in self.restarts if now - t < RESTART_WINDOW] + [now]
            if len(self.restarts) > RESTART_LIMIT:
                tell(ERROR, f"workers died {len(self.restarts)} times in {RESTART_WINDOW:.0f} s; stopping")
                return 1
            tell(WARNING, f"worker {process.pid} died (exit code {process.exitcode}); starting another")
            self.processes[index] = self._start()
        return 0

    def _terminate(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + float(self.options.get("timeout_graceful_shutdown") or 10) + 5
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()


def run_workers(app: str, host: str, port: int, workers: int, options: dict[str, Any], header_timeout: float) -> int:
    """Serve ``app`` (an import string of a factory) with ``workers`` processes; the exit status."""
    return Supervisor(app, host, port, workers, options, header_timeout).run()
