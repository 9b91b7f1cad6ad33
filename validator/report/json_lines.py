"""JSON Lines: one finding per line, for jq, grep and log shippers."""

from __future__ import annotations

from typing import IO

from ..result import FileResult
from .base import Reporter
from .common import dump_json


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
        for result in results:
            for finding in result.findings:
                dump_json(finding.as_dict(), stream, indent=None, ensure_ascii=False)
                stream.write("\n")
