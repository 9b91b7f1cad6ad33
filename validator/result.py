"""What a run produces and the reporters consume: per-input results, their summary, the baseline's outcome.

It lives apart from the linter so that reporters, baselines and the service
depend on the shape of results only, not on how they were found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .findings import SEVERITY_RANK, Finding


@dataclass
class FileResult:
    """Everything the reporters need about one input."""

    file: str
    findings: list[Finding]
    kind: str | None = None
    api_version: str | None = None
    events: int = 0


@dataclass
class BaselineOutcome:
    """What ``--baseline`` hid (``known``) and the entries it lists that no longer occur (``fixed``)."""

    known: int = 0
    fixed: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Summary:
    """Counts over a run's results, as every human-facing summary line and the JSON summary show them."""

    files: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    by_version: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, results: list[FileResult]) -> Summary:
        summary = cls(files=len(results))
        for result in results:
            if result.api_version:
                summary.by_version[result.api_version] += 1
            for finding in result.findings:
                summary.by_rule[finding.rule] += 1
                if finding.severity == "error":
                    summary.errors += 1
                elif finding.severity == "warning":
                    summary.warnings += 1
                else:
                    summary.infos += 1
        return summary

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "errors": self.errors,
            "warnings": self.warnings,
            "info": self.infos,
            "api_versions": dict(sorted(self.by_version.items())),
        }


def worst(results: list[FileResult]) -> int:
    """The highest severity rank among all findings (0 when there are none): the exit code's input."""
    return max((SEVERITY_RANK.get(f.severity, 0) for r in results for f in r.findings), default=0)


def all_findings(results: list[FileResult]) -> list[Finding]:
    """Every finding of a run, file after file, in report order."""
    return [finding for result in results for finding in result.findings]
