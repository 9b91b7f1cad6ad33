"""One JSON object: every finding, per-file details and a summary."""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the escaper json.dumps uses with ensure_ascii=False
from typing import IO, TYPE_CHECKING, Any

from ..linter import FileResult
from .base import Reporter, Summary

if TYPE_CHECKING:
    from ..baseline import BaselineOutcome

_FINDING_FIELDS = frozenset(("file", "line", "column", "pointer", "rule", "severity", "message"))


def _report_rest(results: list[FileResult], baseline: "BaselineOutcome | None") -> dict[str, Any]:
    """Everything in the report after the findings."""
    summary = Summary.of(results)
    body = summary.as_dict()
    body["by_rule"] = dict(sorted(summary.by_rule.items()))
    if baseline is not None:
        body["baseline"] = {"known": baseline.known, "fixed": baseline.fixed}
    return {
        "files": [
            {"file": r.file, "kind": r.kind, "api_version": r.api_version, "events": r.events, "findings": len(r.findings)}
            for r in results
        ],
        "summary": body,
    }


def report_object(results: list[FileResult], baseline: "BaselineOutcome | None" = None) -> dict:
    """The ``--format json`` document; the HTTP service answers with the same object."""
    return {"findings": [f.as_dict() for r in results for f in r.findings], **_report_rest(results, baseline)}


def _nested(value: Any, level: int) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it ``level`` levels deep (JSON strings hold no raw newline)."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * level)


def _findings_text(results: list[FileResult]) -> str:
    """The findings array exactly as ``json.dumps(report_object(...), indent=2)`` writes it, without the pure-Python
    encoder's call per value (seconds for 200,000 findings): the fixed fields are strings and integers."""
    escaped: dict[str, str] = {}  # file names, rules and severities recur in every finding
    extras: dict[int, str | None] = {}  # one extra dict is shared by a file's findings; alive during the call
    parts = []
    for result in results:
        for f in result.findings:
            key = id(f.extra)
            extra_text = extras[key] if key in extras else extras.setdefault(key, _extra_text(f.extra))
            if (extra_text is None or type(f.line) is not int or type(f.column) is not int or type(f.file) is not str
                    or type(f.rule) is not str or type(f.severity) is not str or type(f.pointer) is not str or type(f.message) is not str):
                parts.append(_nested(f.as_dict(), 2))
                continue
            file, rule, severity = (escaped.get(s) or escaped.setdefault(s, encode_basestring(s)) for s in (f.file, f.rule, f.severity))
            parts.append(f'{{\n      "file": {file},\n      "line": {f.line},\n      "column": {f.column},\n      "pointer": {encode_basestring(f.pointer)},'
                         f'\n      "rule": {rule},\n      "severity": {severity},\n      "message": {encode_basestring(f.message)}{extra_text}\n    }}')
    return "[\n    " + ",\n    ".join(parts) + "\n  ]" if parts else "[]"


def _extra_text(extra: dict[str, Any]) -> str | None:
    """A finding's extra members, each on its own line; None when one would replace a fixed field."""
    if any(type(key) is not str or key in _FINDING_FIELDS for key in extra):
        return None
    return "".join(f",\n      {encode_basestring(key)}: {encode_basestring(value) if type(value) is str else _nested(value, 3)}" for key, value in extra.items())


class JsonReporter(Reporter):
    name = "json"

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        rest = "".join(f",\n  {encode_basestring(key)}: {_nested(value, 1)}" for key, value in _report_rest(results, self.baseline).items())
        stream.write('{\n  "findings": ' + _findings_text(results) + rest + "\n}\n")
