"""One JSON object: every finding, per-file details and a summary."""

from __future__ import annotations

import json
from typing import IO, Any

from ..result import BaselineOutcome, FileResult, Summary
from .base import Reporter


def report_object(results: list[FileResult], baseline: BaselineOutcome | None = None) -> dict[str, Any]:
    """The ``--format json`` document; the HTTP service answers with the same object."""
    summary = Summary.of(results)
    body = summary.as_dict()
    body["by_rule"] = dict(sorted(summary.by_rule.items()))
    if baseline is not None:
        body["baseline"] = {"known": baseline.known, "fixed": baseline.fixed}
    return {
        "findings": [f.as_dict() for r in results for f in r.findings],
        "files": [
            {"file": r.file, "kind": r.kind, "api_version": r.api_version, "events": r.events, "findings": len(r.findings)}
            for r in results
        ],
        "summary": body,
    }


class JsonReporter(Reporter):
    name = "json"

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        json.dump(report_object(results, self.baseline), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
