"""One JSON object: every finding, per-file details and a summary."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from json.encoder import encode_basestring  # the escaper json.dumps uses with ensure_ascii=False
from operator import attrgetter
from typing import IO, Any

from ..fastjson import orjson_module
from ..findings import Finding, SharedExtra
from ..result import BaselineOutcome, FileResult, Summary
from .ascii_out import writes_utf8
from .base import Reporter

orjson = orjson_module()  # None where not installed: the findings are then written by _finding_texts alone

_FINDING_FIELDS = frozenset(("file", "line", "column", "pointer", "rule", "severity", "message"))


def _report_rest(results: list[FileResult], baseline: BaselineOutcome | None) -> dict[str, Any]:
    """Everything in the report after the findings."""
    summary = Summary.of(results)
    body = summary.as_dict()
    body["by_rule"] = dict(sorted(summary.by_rule.items()))
    if baseline is not None:
        body["baseline"] = {"known": baseline.known, "fixed": baseline.fixed}
    return {
        "files": [
            {
                "file": r.file, "kind": r.kind, "api_version": r.api_version,
                "api_version_reason": r.version_reason or ("given" if r.api_version else None),
                "profile": r.profile, "profile_reason": r.profile_reason,
                "events": r.events, "findings": len(r.findings), **({"not_shown": r.hidden} if r.hidden else {}),
            }
            for r in results
        ],
        "summary": body,
    }


def report_object(results: list[FileResult], baseline: BaselineOutcome | None = None) -> dict:
    """The ``--format json`` document; the HTTP service answers with the same object."""
    return {"findings": [f.as_dict() for r in results for f in r.findings], **_report_rest(results, baseline)}


def _nested(value: Any, level: int) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it ``level`` levels deep (JSON strings hold no raw newline)."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * level)


def _finding_texts(findings: Iterable[Finding]) -> Iterator[str]:
    """Each finding as ``json.dumps(report_object(...), indent=2)`` writes it in the findings array, without the
    pure-Python encoder's call per value (seconds for 200,000 findings): the fixed fields are strings and integers."""
    # the text around the line and column, and around the message, recurs: one escape per file, rule and severity
    heads: dict[str, str | None] = {}
    middles: dict[tuple[str, str], str | None] = {}
    extras: dict[int, str | None] = {}  # a file's findings share one extra dict, alive during the call
    for f in findings:
        file, extra_members, line, column, pointer, message = f.file, f.extra, f.line, f.column, f.pointer, f.message
        head = heads.get(file, False)
        if head is False:
            head = heads[file] = _head_text(file)
        extra = extras.get(id(extra_members), False)
        if extra is False:
            extra = extras[id(extra_members)] = _extra_text(extra_members)
        rule_severity = (f.rule, f.severity)
        middle = middles.get(rule_severity, False)
        if middle is False:
            middle = middles[rule_severity] = _middle_text(*rule_severity)
        if (head is None or middle is None or extra is None or type(line) is not int or type(column) is not int
                or type(pointer) is not str or type(message) is not str):
            yield _nested(f.as_dict(), 2)
        else:
            yield (f'{head}{line or 1},\n      "column": {column or 1},\n      "pointer": {encode_basestring(pointer)}'
                   f"{middle}{encode_basestring(message)}{extra}\n    }}")


# Findings written this many at a time: one text of 80 MB (200,000 findings), and a copy of it to add the
# brackets, cost a tenth of a second in fresh memory alone
_BATCH = 4096
# The types orjson and json.dumps write alike (an int up to 64 bits: orjson refuses a longer one)
_SPELT_ALIKE = frozenset((str, int, bool, type(None)))


def _members(findings: list[Finding]) -> list[dict[str, Any]]:
    """What ``Finding.as_dict`` gives for each finding; a dictionary display with constant keys is built a third faster
    than one with ``**extra``, so the linter's extras (none, or the API version, shared by a file's findings) get one."""
    extras = {id(extra): extra for extra in map(attrgetter("extra"), findings)}  # one per file, usually
    extra = next(iter(extras.values())) if len(extras) == 1 else None
    if type(extra) is not dict and type(extra) is not SharedExtra:
        extra = None  # a subclass may read its members otherwise than ** does
    if extra is not None and not extra:
        return [{"file": f.file, "line": f.line or 1, "column": f.column or 1, "pointer": f.pointer, "rule": f.rule, "severity": f.severity,
                 "message": f.message} for f in findings]
    if extra is not None and list(extra) == ["api_version"]:
        api_version = extra["api_version"]
        return [{"file": f.file, "line": f.line or 1, "column": f.column or 1, "pointer": f.pointer, "rule": f.rule, "severity": f.severity,
                 "message": f.message, "api_version": api_version} for f in findings]
    return [{"file": f.file, "line": f.line or 1, "column": f.column or 1, "pointer": f.pointer, "rule": f.rule, "severity": f.severity,
             "message": f.message, **f.extra} for f in findings]


def _quick_batch(findings: list[Finding]) -> bytes | None:
    """The findings as ``_finding_texts`` writes them joined, in UTF-8, by orjson (when installed: three times faster);
    None when a value is one orjson may spell otherwise than json.dumps (a float, an integer past 64 bits, a lone
    surrogate, a subclass) or does not write at all."""
    if orjson is None:
        return None
    members = _members(findings)
    if not set(map(type, chain.from_iterable(map(dict.values, members)))) <= _SPELT_ALIKE:  # counted in C: a Python loop costs what it saves
        return None
    try:
        # nested two deep, each finding is indented as in the report's findings array: "[\n  [\n    " before, "\n  ]\n]" after
        return orjson.dumps([members], option=orjson.OPT_INDENT_2)[10:-6]
    except TypeError:  # orjson.JSONEncodeError: a lone surrogate, a key that is not a string, an integer past 64 bits
        return None


def _utf8_bytes_under(stream: IO[str]) -> IO[bytes] | None:
    """The binary stream under a UTF-8 text stream that writes newlines as they are (a report file, stdout on POSIX):
    orjson's bytes go there, not decoded to be encoded again; None for any other stream."""
    buffer: IO[bytes] | None = getattr(stream, "buffer", None)
    if buffer is None or not _newlines_as_given(stream) or not getattr(stream, "encoding", None) or not writes_utf8(stream):
        return None
    return buffer


def _newlines_as_given(stream: IO[str]) -> bool:
    """Whether ``stream`` is known to write each "\\n" as it is: a report file (open_atomically's, newline=""), or
    Python's own standard output on POSIX. A text stream does not say how it translates newlines: one opened with
    newline="\\r\\n" or "\\r" translates them on any system, and every default one on Windows."""
    if getattr(stream, "newlines_as_given", False) is True:
        return True
    return os.linesep == "\n" and stream is sys.__stdout__


def _write_findings(results: list[FileResult], stream: IO[str]) -> None:
    """The findings array, as ``json.dumps(report_object(...), indent=2)`` writes it one level deep."""
    findings = (f for r in results for f in r.findings)
    batch = list(islice(findings, _BATCH))
    if not batch:
        stream.write("[]")
        return
    binary = _utf8_bytes_under(stream)
    stream.write("[\n    ")
    while batch:
        quick = _quick_batch(batch)
        if quick is None:
            stream.write(",\n    ".join(_finding_texts(batch)))
        elif binary is not None:
            stream.flush()  # what the text layer holds goes first
            binary.write(quick)
        else:
            stream.write(quick.decode())
        batch = list(islice(findings, _BATCH))
        if batch:
            stream.write(",\n    ")
    stream.write("\n  ]")


def _head_text(file: object) -> str | None:
    return f'{{\n      "file": {encode_basestring(file)},\n      "line": ' if type(file) is str else None


def _middle_text(rule: object, severity: object) -> str | None:
    if type(rule) is not str or type(severity) is not str:
        return None
    return f',\n      "rule": {encode_basestring(rule)},\n      "severity": {encode_basestring(severity)},\n      "message": '


def _extra_text(extra: dict[str, Any]) -> str | None:
    """A finding's extra members, each on its own line; None when one would replace a fixed field."""
    if any(type(key) is not str or key in _FINDING_FIELDS for key in extra):
        return None
    return "".join(
        f",\n      {encode_basestring(key)}: {encode_basestring(value) if type(value) is str else _nested(value, 3)}" for key, value in extra.items()
    )


class JsonReporter(Reporter):
    name = "json"
    escape = "json"

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        rest = "".join(f",\n  {encode_basestring(key)}: {_nested(value, 1)}" for key, value in _report_rest(results, self.baseline).items())
        stream.write('{\n  "findings": ')
        _write_findings(results, stream)
        stream.write(rest + "\n}\n")
