"""JSON Lines: one finding per line, for jq, grep and log shippers."""

from __future__ import annotations

import json
import re
from itertools import islice
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]  # the C accelerator, not in typeshed
from typing import IO, Any

from ..findings import Finding
from ..result import FileResult
from .base import Reporter

# Findings encoded and written this many at a time, one line each
_BATCH = 4096
# What a line of the report must not hold raw: lone surrogates (a JSON key may hold \ud800; not UTF-8), and the
# characters Unicode counts as line breaks that JSON leaves unescaped (NEL, LINE and PARAGRAPH SEPARATOR), on which
# Python's str.splitlines(), editors and log viewers would split one finding's line in two
_ESCAPED = re.compile("[\x85\u2028\u2029\ud800-\udfff]")


def _escape(text: str) -> str:
    """``text`` (JSON, not ASCII) with each character of ``_ESCAPED`` as its JSON escape: the same strings, one line each."""
    return _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")  # json.dumps' words


def _encoder() -> Any:
    """json.dumps(ensure_ascii=False)'s own C encoder (json.dumps makes one per call); None on a Python without it."""
    if c_make_encoder is None:  # json without its C accelerator (as load.canonical allows for): json.dumps per finding
        return None
    return c_make_encoder({}, _not_json, encode_basestring, None, ": ", ", ", False, False, True)


def _write_each(findings: list[Finding], stream: IO[str]) -> None:
    """json.dumps of each finding, written one at a time: what a batch the encoder fails on is written with, so that
    the lines before the finding JSON cannot write are written, and the error is json.dumps' own."""
    for finding in findings:
        stream.write(_escape(json.dumps(finding.as_dict(), ensure_ascii=False)) + "\n")


class JsonLinesReporter(Reporter):
    """Each finding as one compact JSON object (the keys of ``--format json``'s findings), one per line.

    Why: a stream can be filtered line by line (``| jq -c 'select(.severity=="error")'``,
    ``| grep``) without holding the whole report, and concatenated across runs.
    Nothing else is written: no summary (``--quiet`` and ``--statistics`` change
    nothing), and a clean run prints nothing at all.
    """

    name = "json-lines"
    escape = "json"

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        # json.dumps(ensure_ascii=False)'s own C encoder, made once (json.dumps makes one per call), and the
        # escapes of _ESCAPED once per batch, only where one can be (a batch that is not ASCII)
        encode = _encoder()
        findings = (f for r in results for f in r.findings)
        while batch := list(islice(findings, _BATCH)):
            if encode is None:
                _write_each(batch, stream)
                continue
            try:
                text: str | None = "".join(["".join(encode(f.as_dict(), 0)) + "\n" for f in batch])
            except Exception:  # a value JSON cannot write (TypeError, ValueError, RecursionError): json.dumps says so
                text = None
            if text is None:  # out of the except block: json.dumps' error alone, not raised while handling this one
                _write_each(batch, stream)  # the lines before the bad finding, then json.dumps' own error, as before
                encode = _encoder()  # the C encoder leaves the containers it was in among its markers when it fails
                continue
            if not text.isascii() and _ESCAPED.search(text):
                text = _escape(text)
            stream.write(text)
