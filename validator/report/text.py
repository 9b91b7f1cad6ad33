"""The default, human-readable output: one line per finding, then a summary."""

from __future__ import annotations

from typing import IO

from ..findings import Finding
from ..model import MESSAGING
from ..result import FileResult, Summary
from .base import Reporter
from .common import baseline_line, escape_controls, finding_text, plural, pointer_label, report_path, severity_counts

# ANSI SGR codes: bold for the place, red/yellow/cyan for the severities, magenta for rule names.
RESET = "\x1b[0m"
STYLES = {"file": "\x1b[1m", "error": "\x1b[1;31m", "warning": "\x1b[33m", "info": "\x1b[36m", "rule": "\x1b[35m"}


class TextReporter(Reporter):
    """``path:line:col: severity rule message (pointer)`` lines, then a summary.

    Why the escaping: file names, pointers and messages (which quote record
    values) come from the input; a newline or an ``ESC[`` sequence in them
    must not forge a finding line or reach the terminal. Positions are 1-based
    (1:1 when a finding has none) so editors and problem matchers can jump to them.
    """

    name = "text"
    machine_readable = False

    def _style(self, text: str, part: str) -> str:
        return f"{STYLES[part]}{text}{RESET}" if part in STYLES else text

    def finding_line(self, f: Finding) -> str:
        return finding_text(f, self._style if self.color else None) + "\n"

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        summary = Summary.of(results)
        for result in results:
            if self.verbose:  # with --statistics too: what each input was checked as is not a finding, and -v drops the summary's reason lines
                what = f"{result.api_version or result.profile} {result.kind}" if result.kind else "not checked"
                reason = result.version_reason if result.api_version else result.profile_reason
                why = f" ({escape_controls(reason)})" if reason and reason != "given" else (" (as given)" if result.kind else "")
                config = f"configuration {escape_controls(report_path(result.config))}" if result.config else "default configuration"
                stream.write(f"{escape_controls(result.file)}: {what}{why}, {plural(result.events, 'event')}; {config}\n")
            if not self.statistics:
                for f in result.findings:
                    stream.write(self.finding_line(f))
        if self.statistics and summary.by_rule:  # the per-rule table instead of the findings, as ruff's --statistics
            for rule, count in sorted(summary.by_rule.items(), key=lambda item: (-item[1], item[0])):
                stream.write(f"{count:>6}  {rule}\n")
        if self.quiet:
            return
        if len(results) == 1 and results[0].version_reason and not self.verbose:
            stream.write(f"API {results[0].api_version}: {escape_controls(results[0].version_reason)}\n")
        if len(results) == 1 and results[0].profile not in (None, MESSAGING) and not self.verbose:
            stream.write(f"Profile {results[0].profile}: {escape_controls(results[0].profile_reason or 'given')}\n")
        note = summary.not_shown_note()
        if note:
            stream.write(f"{note}.\n")
        versions = ", ".join(f"{n} as {what}" for what, n in Summary.checked_as(results))
        checked = f"Checked {plural(summary.files, 'file')}" + (f" ({versions})" if versions else "")
        stream.write(f"{checked}: {severity_counts(summary)}.\n")
        if self.baseline is not None:
            stream.write(baseline_line(self.baseline))
            if self.verbose:
                for entry in self.baseline.fixed:
                    stream.write(f"  fixed: {escape_controls(entry['file'])}: {escape_controls(entry['rule'])} {pointer_label(entry['pointer'])}\n")
