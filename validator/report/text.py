"""The default, human-readable output: one line per finding, then a summary."""

from __future__ import annotations

from typing import IO

from ..result import FileResult, Summary
from .base import Reporter
from .common import plural, severity_counts


class TextReporter(Reporter):
    name = "text"
    machine_readable = False

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        for result in results:
            if self.verbose:
                what = f"{result.api_version} {result.kind}" if result.kind else "not checked"
                stream.write(f"{result.file}: {what}, {plural(result.events, 'event')}\n")
            for f in result.findings:
                stream.write(f"{f.file}:{f.line}:{f.column}: {f.severity} {f.rule} {f.message} ({f.pointer or '/'})\n")
        if self.quiet:
            return
        summary = Summary.of(results)
        if self.statistics and summary.by_rule:
            width = max(len(rule) for rule in summary.by_rule)
            for rule, count in sorted(summary.by_rule.items(), key=lambda item: (-item[1], item[0])):
                stream.write(f"{count:>6}  {rule:<{width}}\n")
        versions = ", ".join(f"{n} as API {v}" for v, n in sorted(summary.by_version.items()))
        checked = f"Checked {plural(summary.files, 'file')}" + (f" ({versions})" if versions else "")
        stream.write(f"{checked}: {severity_counts(summary)}.\n")
        if self.baseline is not None:
            fixed = len(self.baseline.fixed)
            stream.write(f"Baseline: {plural(self.baseline.known, 'known finding')} hidden; {fixed} fixed since it was written")
            stream.write(" (run --write-baseline to shrink it).\n" if fixed else ".\n")
            if self.verbose:
                for entry in self.baseline.fixed:
                    stream.write(f"  fixed: {entry['file']}: {entry['rule']} ({entry['pointer'] or '/'})\n")
