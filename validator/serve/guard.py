"""A uvicorn server that closes connections which do not finish a request's headers in time, or in size.

uvicorn arms its keep-alive timer only after a response: a connection that is
opened and left idle, or that sends half a request line and stalls, stays open
for ever, and a few thousand of them exhaust the worker's file descriptors. Once
a second (uvicorn's ``on_tick``) this server looks at every connection not in
the middle of a request and closes those that have been waiting longer than the
header timeout. A request being answered is left alone: its body has
``--body-timeout``, and its lint is bounded by the request limits.

The size of a request's head (request line and headers) is bounded too
(``BoundedHeadProtocol``): httptools keeps a header it is reading by
concatenation, so an endless header took the event loop for seconds per
megabyte, past any timeout checked between reads.
"""

from __future__ import annotations

import time
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

TICKS_PER_CHECK = 10  # uvicorn ticks every 0.1 s


class GuardedServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, header_timeout: float) -> None:
        super().__init__(config)
        self.header_timeout = header_timeout
        # connection -> (its request cycle, when it was first seen waiting with that cycle)
        self._waiting: dict[Any, tuple[Any, float]] = {}

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


# The most bytes a request's line and headers may take: 64 KiB, four times what Node.js allows.
MAX_HEAD_BYTES = 64 << 10
_TOO_LARGE = "Request header fields too large: a request's line and headers may take 64 KiB."


class BoundedHeadProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering 431 and closing once a request's head passes MAX_HEAD_BYTES.

    The bytes are counted from a message's start (or the end of the one before) to its headers' end;
    a read that holds the end of the headers and a body is measured after the parser has seen it,
    so only a head that is still open past the limit is refused.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_body = False

    def data_received(self, data: bytes) -> None:
        if not self._in_body:
            self._head_bytes += len(data)
        super().data_received(data)
        if not self._in_body and self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
            self._send_431()

    def on_headers_complete(self) -> None:
        self._in_body, self._head_bytes = True, 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_body = False
        super().on_message_complete()

    def _send_431(self) -> None:
        content = [b"HTTP/1.1 431 Request Header Fields Too Large\r\n"]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        body = _TOO_LARGE.encode("ascii")
        content.extend([b"content-type: text/plain; charset=utf-8\r\n", b"content-length: %d\r\n" % len(body), b"connection: close\r\n\r\n", body])
        self.transport.write(b"".join(content))
        self.transport.close()
