"""A uvicorn server that closes connections which do not finish a request's headers in time.

uvicorn arms its keep-alive timer only after a response: a connection that is
opened and left idle, or that sends half a request line and stalls, stays open
for ever, and a few thousand of them exhaust the worker's file descriptors. Once
a second (uvicorn's ``on_tick``) this server looks at every connection not in
the middle of a request and closes those that have been waiting longer than the
header timeout. A request being answered is left alone: its body has
``--body-timeout``, and its lint is bounded by the request limits.

The size of a request's head is bounded too, in ``bounded_head``.

A stop by SIGTERM or Ctrl-C is how a server ends: once the requests in flight are answered, ``run`` returns and
the command exits 0, as with ``--workers N``. (uvicorn raises the signal again once it has shut down, so that
the command's own handlers ran: one worker then ended "terminated", 143, and several 0.)
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Generator
from typing import Any

import uvicorn

TICKS_PER_CHECK = 10  # uvicorn ticks every 0.1 s


class GuardedServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, header_timeout: float) -> None:
        super().__init__(config)
        self.header_timeout = header_timeout
        # connection -> (its request cycle, when it was first seen waiting with that cycle)
        self._waiting: dict[Any, tuple[Any, float]] = {}

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        with super().capture_signals():
            try:
                yield
            finally:
                getattr(self, "_captured_signals", []).clear()  # handled: the graceful shutdown was the answer to them

    async def on_tick(self, counter: int) -> bool:
        if counter % TICKS_PER_CHECK == 0:
            self.close_stalled(time.monotonic())
        return await super().on_tick(counter)

    def close_stalled(self, now: float) -> None:
        """Close the connections that have waited for a request's headers longer than the timeout."""
        waiting: dict[Any, tuple[Any, float]] = {}
        for connection in list(self.server_state.connections):
            cycle = getattr(connection, "cycle", None)  # set once a request's headers are complete
            if cycle is not None and not cycle.response_complete:
                continue
            seen = self._waiting.get(connection)
            since = seen[1] if seen is not None and seen[0] is cycle else now
            transport = getattr(connection, "transport", None)
            if now - since >= self.header_timeout and transport is not None:
                transport.close()
                continue
            waiting[connection] = (cycle, since)
        self._waiting = waiting
