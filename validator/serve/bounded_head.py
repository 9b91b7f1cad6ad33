"""uvicorn's httptools protocol with a bound on the bytes of a request's line, headers and trailers.

httptools keeps a header (or a chunked body's trailer) it is reading by concatenation, so an endless
one held the event loop for seconds per megabyte, past any timeout checked between reads. Imported
only where httptools is installed; without it uvicorn uses h11, which bounds an incomplete head
itself (16 KiB).

Both of its refusals, that 431 and uvicorn's 400 for malformed HTTP, are counted in ``/metrics`` (endpoint
``<malformed>``) and carry ``X-Content-Type-Options`` as every answer of the application does. It reads the
body of a request whose Upgrade it does not take (``upgrade``).
"""

from __future__ import annotations

from typing import Any

from .metrics import REFUSED
from .upgrade import PlainUpgradeProtocol

# Bytes a connection may send without completing a head or delivering body: 64 KiB, four times Node.js's limit.
MAX_HEAD_BYTES = 64 << 10
_TOO_LARGE = b"Request header fields too large: a request's line and headers (or a chunked body's trailer) may take 64 KiB."


class BoundedHeadProtocol(PlainUpgradeProtocol):
    """Answers 431 and closes once 64 KiB arrive, read after read, in which the parser completes no head and
    delivers no body: a head or trailer that never ends. A read that completes a head (a big head in one
    read, many pipelined requests) starts the count again, so only a head still open past the limit is refused.
    A pipelined head waits for the response to the request before it (what arrives meanwhile is dropped); a
    request's own endless trailer is answered at once.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._quiet_bytes = 0
        self._progressed = False
        self._refusal_pending = False

    def data_received(self, data: bytes) -> None:
        if self._refusal_pending:
            return
        self._progressed = False
        super().data_received(data)
        self._quiet_bytes = 0 if self._progressed else self._quiet_bytes + len(data)
        if self._quiet_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
            cycle = self.cycle
            if cycle is not None and not cycle.response_complete and not cycle.more_body:  # a pipelined head: answer the one before first
                self._refusal_pending = True  # what else arrives is read and dropped: unread bytes would turn the close into a reset
            else:
                self._send_431()

    def on_headers_complete(self) -> None:
        self._progressed = True
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self._progressed = True
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._progressed = True
        super().on_message_complete()

    def on_response_complete(self) -> None:
        if self._refusal_pending and not self.transport.is_closing():
            self.server_state.total_requests += 1
            self._send_431()
            return
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to malformed HTTP, counted and with the headers of every answer."""
        self._refuse(b"400 Bad Request", msg.encode("ascii"))

    def _send_431(self) -> None:
        self._refuse(b"431 Request Header Fields Too Large", _TOO_LARGE)

    def _refuse(self, status_line: bytes, message: bytes) -> None:
        """Answer in plain text and close, and count it in ``/metrics``: as the request the application is reading
        (a broken chunk or an endless trailer in its body; the application then sees the client go), else on its own."""
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            cycle.scope[REFUSED] = int(status_line[:3])  # type: ignore[literal-required]  # the scope the application counts by
        else:
            app = self.app
            while app is not None and not hasattr(app, "refused"):  # under uvicorn's own middleware (trace logging)
                app = getattr(app, "app", None)
            if app is not None:
                app.refused(int(status_line[:3]))
        content = [b"HTTP/1.1 ", status_line, b"\r\n"]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend([b"content-type: text/plain; charset=utf-8\r\n", b"x-content-type-options: nosniff\r\n",
                        b"content-length: %d\r\n" % len(message), b"connection: close\r\n\r\n", message])
        self.transport.write(b"".join(content))
        self.transport.close()
