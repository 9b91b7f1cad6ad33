"""JSON Lines: one finding per line, for jq, grep and log shippers."""

from __future__ import annotations

from itertools import islice
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]  # the C accelerator, not in typeshed
from typing import IO, Any

from ..findings import LONE_SURROGATE, Finding
from ..result import FileResult
from .base import Reporter
from .common import dump_json

# Findings encoded and written this many at a time, one line each
_BATCH = 4096


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")  # json.dumps' words


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _encoder() -> Any:
    """json.dumps(ensure_ascii=False)'s own C encoder (json.dumps makes one per call); None on a Python without it."""
    if c_make_encoder is None:  # json without its C accelerator (as load.canonical allows for): json.dumps per finding
        return None
    return c_make_encoder({}, _not_json, encode_basestring, None, ": ", ", ", False, False, True)


def _write_each(findings: list[Finding], stream: IO[str]) -> None:
    """json.dumps of each finding, written one at a time: what a batch the encoder fails on is written with, so that
    the lines before the finding JSON cannot write are written, and the error is json.dumps' own."""
    for finding in findings:
        dump_json(finding.as_dict(), stream, indent=None, ensure_ascii=False)
        stream.write("\n")


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
        # lone-surrogate escape once per batch, only where one can be (a JSON key may hold \ud800)
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
            if not text.isascii() and _has_lone_surrogate(text):
                text = LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
            stream.write(text)
