"""A report written to a standard output that is not UTF-8 stays valid: its non-ASCII characters are escaped.

JSON exchanged between systems is UTF-8 (RFC 8259, section 8.1), and the HTML report declares
``<meta charset="utf-8">``. A standard output in another encoding (a Windows runner's cp1252,
``PYTHONIOENCODING=ascii``, an old ``LANG=C``) wrote such a report as bytes that are not UTF-8, or,
for characters it cannot encode, as Python's ``\\U0001d11e`` and ``\\xe9``, which are not JSON at all.

There, the formats that have an escape of their own write every non-ASCII character with it:
JSON's ``\\uXXXX`` (a surrogate pair above U+FFFF), HTML's ``&#NNN;``. ASCII is read the same by a
reader that decodes the bytes as UTF-8 (as RFC 8259 says to) and by one that decodes them in the
console's code page (PowerShell, ``subprocess`` text mode on Windows), and the document decodes to
the same characters. Writing UTF-8 bytes whatever the locale would satisfy the first reader only.
A UTF-8 standard output is written as before (characters as they are), and so is a report file
(``-o``: always UTF-8).
"""

from __future__ import annotations

import codecs
import io
from typing import IO, cast

_JSON_ERRORS = "sdelint-json-escape"


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    """JSON's escape for each character the encoding cannot write: only JSON strings hold non-ASCII characters."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    escaped = []
    for char in error.object[error.start:error.end]:
        code = ord(char)
        if code > 0xFFFF:  # above the Basic Multilingual Plane: a UTF-16 surrogate pair, as json.dumps writes it
            code -= 0x10000
            escaped.append(f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}")
        else:  # a lone surrogate (from a payload's key) too: \ud800, as the JSON formats write it on UTF-8
            escaped.append(f"\\u{code:04x}")
    return "".join(escaped), error.end


codecs.register_error(_JSON_ERRORS, _json_escape)

# The error handler that writes a format's escape; formats absent write as the stream's encoding does
ESCAPES = {"json": _JSON_ERRORS, "html": "xmlcharrefreplace"}


def writes_utf8(stream: IO[str]) -> bool:
    """Whether ``stream`` encodes text as UTF-8 (a stream without an encoding, as StringIO, encodes nothing: True)."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


class _Escaping(io.TextIOBase):
    """Writes to another text stream with every non-ASCII character replaced by the escape ``errors`` names.

    The text stays a ``str`` written to the stream itself (not bytes to its buffer): its newline
    handling and what is buffered in it are unchanged, and ASCII is written alike by any ASCII-compatible encoding.
    """

    def __init__(self, stream: IO[str], errors: str) -> None:
        super().__init__()
        self._stream, self._errors = stream, errors

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._stream.write(text if text.isascii() else text.encode("ascii", self._errors).decode("ascii"))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def close(self) -> None:
        """Nothing to close: the stream is the caller's (standard output), and stays open."""


def report_stream(stream: IO[str], escape: str | None) -> IO[str]:
    """``stream``, or when it is not UTF-8 and the format has an ``escape`` ("json", "html"), a view of it that escapes."""
    if escape is None or writes_utf8(stream):
        return stream
    return cast(IO[str], _Escaping(stream, ESCAPES[escape]))
