"""What a run produces and the reporters consume: per-input results, their summary, the baseline's outcome.

It lives apart from the linter so that reporters, baselines and the service
depend on the shape of results only, not on how they were found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from .findings import SEVERITY_RANK, Finding
from .model import MESSAGING

_rule = attrgetter("rule")
_severity = attrgetter("severity")


@dataclass
class FileResult:
    """Everything the reporters need about one input."""

    file: str
    findings: list[Finding]
    kind: str | None = None
    api_version: str | None = None
    events: int = 0
    version_reason: str | None = None  # why detection took the input as that version ("has unAuthSdes at /..."); None when it was given
    hidden: dict[str, int] = field(default_factory=dict)  # findings below --min-severity, by severity: counted, not shown
    # (line, pointer) of a finding -> (sdeType, UTC day of serverTimeStamp) of its event; filled only for the HTML report
    context: dict[tuple[int, str], tuple[str | None, str | None]] = field(default_factory=dict)
    records: int | None = None  # conversation records; counted only for the HTML report (None: not counted)
    profile: str | None = None  # messaging, engagement-history or web: which contract the input was checked against
    profile_reason: str | None = None  # why ("has interactionHistoryRecords", "lpTag type 'cart' at /type"); "given" when named
    failed: bool = False  # sdelint itself failed on this input (its internal-error finding says how): never filtered or baselined
    config: str | None = None  # the configuration file it was checked with (None: the defaults); -v shows it
    # some of it no rule looked at (a JSON Lines line that did not parse or is no payload, the lines past a gzip stream's
    # break): a baseline entry of it that this run did not find is not fixed (entries hold no line number)
    partial: bool = False


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
    hidden: Counter[str] = field(default_factory=Counter)  # below --min-severity, by severity

    @classmethod
    def of(cls, results: list[FileResult]) -> Summary:
        summary = cls(files=len(results))
        for result in results:
            if result.api_version:
                summary.by_version[result.api_version] += 1
            summary.hidden.update(result.hidden)
            summary.by_rule.update(map(_rule, result.findings))  # counted in C: a report may have 200,000 findings
            severities = Counter(map(_severity, result.findings))
            errors, warnings = severities.pop("error", 0), severities.pop("warning", 0)
            summary.errors += errors
            summary.warnings += warnings
            summary.infos += severities.total()
        return summary

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "errors": self.errors,
            "warnings": self.warnings,
            "info": self.infos,
            "api_versions": dict(sorted(self.by_version.items())),
            **({"not_shown": {severity: self.hidden[severity] for severity in ("error", "warning", "info") if self.hidden[severity]}} if self.hidden else {}),
        }

    @staticmethod
    def checked_as(results: list[FileResult]) -> list[tuple[str, int]]:
        """(what, files) per API version ("API v2") and per profile other than Messaging Interactions ("web"), whose
        inputs have no API version: every summary says what the files were checked as."""
        versions = Counter(r.api_version for r in results if r.api_version)
        profiles = Counter(r.profile for r in results if r.profile not in (None, MESSAGING))
        return [*((f"API {v}", n) for v, n in sorted(versions.items())), *sorted(profiles.items())]

    def not_shown_note(self) -> str | None:
        """The summary's note on findings below the display threshold, or None when none were."""
        if not self.hidden:
            return None
        lowest = min(self.hidden, key=lambda severity: SEVERITY_RANK[severity])
        counts = " and ".join(f"{n} {severity}" for severity, n in sorted(self.hidden.items(), key=lambda item: -SEVERITY_RANK[item[0]]))
        one = sum(self.hidden.values()) == 1
        return f"{counts} finding{'' if one else 's'} not shown; --min-severity {lowest} shows {'it' if one else 'them'}"


def worst(results: list[FileResult]) -> int:
    """The highest severity rank among all findings (0 when there are none): the exit code's input."""
    return max((SEVERITY_RANK.get(severity, 0) for r in results for severity in set(map(_severity, r.findings))), default=0)


def all_findings(results: list[FileResult]) -> list[Finding]:
    """Every finding of a run, file after file, in report order."""
    return [finding for result in results for finding in result.findings]
