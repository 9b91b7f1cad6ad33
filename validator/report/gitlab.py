"""GitLab Code Quality: the report behind the merge request widget and the pipeline's Code Quality tab."""

from __future__ import annotations

from typing import IO, Any

from ..result import FileResult, all_findings
from .base import Reporter
from .common import display_position, dump_json, escape_controls, report_path, stable_fingerprints

# GitLab's scale is info < minor < major < critical < blocker. An error-level
# finding makes sdelint exit 1 (the payload is unusable), so it is critical;
# a warning is a real defect a consumer may trip over, major; info stays info.
# blocker is left for nothing: sdelint cannot tell what blocks a release.
GITLAB_SEVERITY = {"error": "critical", "warning": "major", "info": "info"}


class GitlabReporter(Reporter):
    """A JSON array of Code Quality issues (the Code Climate subset GitLab reads).

    Why these fields: GitLab needs ``description``, ``check_name``,
    ``fingerprint``, ``severity`` and ``location.path`` / ``location.lines.begin``;
    it compares the fingerprints of the merge request's report with the target
    branch's to show new and resolved issues, so they come from sdelint's
    finding identity (file, rule, pointer, value), not the line, and are unique
    in a report. ``lines.begin`` must be at least 1: findings without a
    position use line 1. The description is shown in the merge request, so
    control characters from the input are escaped as in ``--format text``.
    """

    name = "gitlab"
    escape = "json"

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        findings = all_findings(results)
        issues: list[dict[str, Any]] = []
        for f, fingerprint in zip(findings, stable_fingerprints(findings), strict=True):
            issues.append(
                {
                    "type": "issue",
                    "description": f"{f.rule}: {escape_controls(f.message)}",
                    "check_name": f.rule,
                    "fingerprint": fingerprint,
                    "severity": GITLAB_SEVERITY.get(f.severity, "minor"),
                    "location": {"path": report_path(f.file), "lines": {"begin": display_position(f)[0]}},
                }
            )
        dump_json(issues, stream, floats=False)  # ints, strings and booleans only
        stream.write("\n")
