"""uvicorn's httptools protocol, reading the body of a request that offers an Upgrade the server does not take.

A client may offer to switch protocols on any request: ``Upgrade: h2c`` with ``Connection: Upgrade`` is what
``curl --http2`` and Java's RestClient send on plain http. A server that does not switch answers the request as
it is (RFC 9110, 7.8), and h11 does. httptools instead ends such a request at its headers, without its body, and
then parses the body as the next request: a lint of a valid payload was answered "input is empty", and the
payload's bytes were read as HTTP (uvicorn issue 2722). Here the body is read by a new parser, given the request's
own framing (its Content-Length or Transfer-Encoding) and nothing else, and the connection goes on with that parser.
``sdelint serve`` runs uvicorn without WebSocket support (``ws="none"``), so a WebSocket handshake is such a request
too; under a server configured to take WebSockets, one is uvicorn's as before (and the application refuses it).
"""

from __future__ import annotations

import contextlib
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_FRAMING = (b"content-length", b"transfer-encoding")
_INVALID = "Invalid HTTP request received."  # uvicorn's words for what httptools refuses


class PlainUpgradeProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._body_framing: bytes | None = None  # the body headers of a request whose Upgrade is not taken
        self._replaying = False  # a new parser is reading those headers: no request of their own

    def data_received(self, data: bytes) -> None:
        """uvicorn's, except for an Upgrade not taken: the request's body, and what follows, go on as HTTP/1.1."""
        self._unset_keepalive_if_required()
        while data:
            try:
                self.parser.feed_data(data)
                return
            except httptools.HttpParserError:
                self.logger.warning(_INVALID)
                self.send_400_response(_INVALID)
                return
            except httptools.HttpParserUpgrade as upgrade:
                if self._should_upgrade():  # a WebSocket uvicorn takes
                    self.handle_websocket_upgrade()
                    return
                data = data[upgrade.args[0]:]  # httptools stopped at the end of the head; it parses on from there
                if self._body_framing is not None:
                    data = self._parser_for_body(self._body_framing) + data
                    self._body_framing = None

    def _parser_for_body(self, framing: bytes) -> bytes:
        """A new parser for this connection, and the head to feed it first: one with only the body's framing."""
        self.parser = httptools.HttpRequestParser(self)
        with contextlib.suppress(AttributeError):  # as uvicorn sets its own parser (httptools >= 0.6.3)
            self.parser.set_dangerous_leniencies(lenient_data_after_close=True)
        self._replaying = True
        return b"POST / HTTP/1.1\r\n" + framing + b"\r\n"

    def on_message_begin(self) -> None:
        if not self._replaying:
            super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        if not self._replaying:
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self._replaying:  # the request's headers are its scope's: the framing head adds none
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._replaying:
            self._replaying = False
            return
        super().on_headers_complete()
        self._body_framing = None
        if self.parser.should_upgrade() and not self._should_upgrade():
            framing = b"".join(name + b": " + value + b"\r\n" for name, value in self.headers if name in _FRAMING)
            self._body_framing = framing or None

    def on_message_complete(self) -> None:
        if self._body_framing is not None and self.parser.should_upgrade():
            return  # httptools ends the request at its head: its body is still to come
        super().on_message_complete()
