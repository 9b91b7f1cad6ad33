"""GitHub Actions workflow commands: each finding becomes an annotation on the file in the pull request."""

from __future__ import annotations

from typing import IO

from ..findings import Finding, without_lone_surrogates
from ..result import FileResult, Summary
from .base import Reporter
from .common import baseline_line, display_position, escape_controls, plural, pointer_label, report_path, severity_counts

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The runner's escaping for a command's message (actions/toolkit ``escapeData``)."""
    text = without_lone_surrogates(text)  # cannot be written as UTF-8
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """The runner's escaping for a property value (actions/toolkit ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    line, column = display_position(f)
    # a line break in a file name is %0A to the runner, which decodes it and attaches the annotation to the real file;
    # other controls are shown escaped, as everywhere (the command line is printed by a terminal run)
    file = escape_property("\n".join("\r".join(map(escape_controls, part.split("\r"))) for part in report_path(f.file).split("\n")))
    props = [f"file={file}", f"line={line}", f"col={column}", f"title={escape_property(escape_controls(f.rule))}"]
    message = f"{escape_controls(f.message)} {pointer_label(f.pointer)}"
    return f"::{COMMANDS.get(f.severity, 'warning')} {','.join(props)}::{escape_data(message)}"


class GithubReporter(Reporter):
    """``::error file=...,line=...,col=...,title=RULE::MESSAGE (POINTER)`` lines for a workflow step.

    Why: the runner turns these lines into annotations on the changed files
    without any upload or token; warning stays ``::warning``, info becomes
    ``::notice``. Control characters from the input are shown escaped (``\\x1b``,
    ``\\n``: the log is a terminal too), then the runner's own escaping applies, so
    a message cannot end the command early or inject another one. A finding
    without a position is placed at line 1, column 1. The path is relative to
    the working directory, which in a workflow is the checkout. A plain summary
    line follows (``-q`` drops it).
    """

    name = "github"

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        for result in results:
            for f in result.findings:
                stream.write(annotation(f) + "\n")
        if self.quiet:
            return
        summary = Summary.of(results)
        stream.write(f"sdelint: checked {plural(summary.files, 'file')}: {severity_counts(summary)}.\n")
        if self.baseline is not None:  # as the text report says it: known entries are hidden, stale ones should be dropped
            stream.write(baseline_line(self.baseline))
