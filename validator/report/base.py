"""One interface for every output format."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, ClassVar

from ..findings import SEVERITY_RANK
from ..linter import FileResult
from ..rules.catalogue import RuleSpec, load_catalogue

if TYPE_CHECKING:
    from ..baseline import BaselineOutcome


@dataclass
class Summary:
    files: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    by_version: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, results: list[FileResult]) -> "Summary":
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

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "errors": self.errors,
            "warnings": self.warnings,
            "info": self.infos,
            "api_versions": dict(sorted(self.by_version.items())),
        }


def worst(results: list[FileResult]) -> int:
    """The highest severity rank among all findings (0 when there are none)."""
    return max((SEVERITY_RANK.get(f.severity, 0) for r in results for f in r.findings), default=0)


class Reporter:
    """Writes the whole report for a run to ``stream``."""

    name: ClassVar[str]
    machine_readable: ClassVar[bool] = True

    def __init__(self, quiet: bool = False, statistics: bool = False, verbose: bool = False, rules: "dict[str, RuleSpec] | None" = None) -> None:
        self.quiet = quiet
        self.statistics = statistics
        self.verbose = verbose
        self.rules = rules if rules is not None else load_catalogue()  # summaries for formats that list rules
        self.baseline: "BaselineOutcome | None" = None  # set when --baseline hid known findings

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        raise NotImplementedError
