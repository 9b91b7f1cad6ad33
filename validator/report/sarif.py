"""SARIF 2.1.0, the format GitHub code scanning (and most IDE result viewers) ingest."""

from __future__ import annotations

import os
import re
import textwrap
from collections import Counter
from functools import lru_cache
from importlib import metadata
from pathlib import Path, PurePath
from typing import IO, Any
from urllib.parse import quote

from .. import __version__
from ..findings import Finding
from ..result import FileResult, all_findings
from ..rules.catalogue import RuleSpec
from .base import Reporter
from .common import display_position, dump_json, escape_controls, report_path, stable_fingerprints

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "sdelintFingerprint/v1"
# sdelint severities (after configuration) -> SARIF levels; "off" only ever appears as a rule default.
SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note", "off": "none"}
# Where helpUri points: the rule table in the README of the project's repository (a stable anchor).
RULES_ANCHOR = "#rules"
_URL_LABELS = ("repository", "source", "source code", "homepage")


@lru_cache(maxsize=1)
def project_url() -> str | None:
    """The repository URL the installed package declares (``[project.urls]``), or None when it declares none.

    helpUri and informationUri must be real, stable URLs: without one they are left out rather than invented.
    """
    try:
        entries = metadata.metadata("sdelint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    urls = {label.strip().lower(): url.strip() for label, _, url in (entry.partition(",") for entry in entries)}
    return next((urls[label] for label in _URL_LABELS if urls.get(label, "").startswith("https://")), None)


def rule_display_name(rule: str) -> str:
    """SARIF's readable ``name``: the id in PascalCase (``cart-arithmetic`` -> ``CartArithmetic``)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", rule) if part) or rule


def artifact_location(file: str) -> dict[str, str]:
    """A SARIF artifactLocation: a percent-encoded relative reference against %SRCROOT%, else a file: URI.

    A fresh dict each time (callers add to it); its members are worked out once per path (one per finding).
    """
    return dict(_artifact_location(report_path(file)))


@lru_cache(maxsize=4096)
def _artifact_location(path: str) -> tuple[tuple[str, str], ...]:
    if PurePath(path).is_absolute():
        return (("uri", Path(path).as_uri()),)
    # quote() leaves only unreserved characters and "/": a ":" in the first segment cannot pose as a scheme.
    # os.fsencode gives a name that is not valid UTF-8 its original bytes back, which are percent-encoded.
    return (("uri", quote(os.fsencode(path), safe="/")), ("uriBaseId", SRCROOT))


class SarifReporter(Reporter):
    """SARIF 2.1.0 for ``github/codeql-action/upload-sarif`` and SARIF viewers.

    One run; ``tool.driver.rules`` lists each rule that has a result (with its
    summary, rationale and default level) and results point at it by id and
    index. ``primaryLocationLineHash`` is set from sdelint's own fingerprint
    (GitHub code scanning matches alerts across runs on that key only; the
    upload action would otherwise hash the text of the line, which changes
    when a file is reformatted). Columns count characters, as sdelint's do,
    so the run declares ``columnKind: unicodeCodePoints``. Every result has a
    region (GitHub requires one): a finding without a position is at line 1,
    column 1. Each rule has a PascalCase ``name``, ``help`` (the ``sdelint
    explain`` text, plain and Markdown) and, when the package declares its
    repository URL, ``helpUri`` (the README's rule table) and the driver's
    ``informationUri``. Output is ASCII (non-ASCII characters escaped), so no
    console or file encoding can spoil it.
    """

    name = "sarif"
    escape = "json"

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        dump_json(self.document(results), stream, floats=False)  # ints, strings and booleans only
        stream.write("\n")

    def document(self, results: list[FileResult]) -> dict[str, Any]:
        findings = all_findings(results)
        rule_ids = sorted({f.rule for f in findings})
        rule_index = {rule: i for i, rule in enumerate(rule_ids)}
        artifacts: list[dict[str, Any]] = []
        artifact_index: dict[str, int] = {}
        for result in results:
            location = artifact_location(result.file)
            if location["uri"] not in artifact_index:
                artifact_index[location["uri"]] = len(artifacts)
                artifacts.append({"location": location})
        fingerprints = stable_fingerprints(findings)
        occurrences: Counter[str] = Counter()
        sarif_results = []
        for finding, fingerprint in zip(findings, fingerprints, strict=True):
            short = fingerprint[:16]
            occurrences[short] += 1
            sarif_results.append(self._result(finding, rule_index[finding.rule], artifact_index, fingerprint, f"{short}:{occurrences[short]}"))
        driver: dict[str, Any] = {"name": "sdelint", "version": __version__}
        home = project_url()
        if home:
            driver["informationUri"] = home
        driver["rules"] = [self._rule(rule, home) for rule in rule_ids]
        run: dict[str, Any] = {
            "tool": {"driver": driver},
            "invocations": [self._invocation(results)],
            "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(Path.cwd())}},
            "artifacts": artifacts,
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }
        return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}

    @staticmethod
    def _invocation(results: list[FileResult]) -> dict[str, Any]:
        """The run's invocation: not successful when sdelint failed on an input (its internal-error result says how),
        with a notification per such input, so a SARIF consumer does not take the run for a clean one."""
        failed = [result for result in results if result.failed]
        invocation: dict[str, Any] = {"executionSuccessful": not failed, "workingDirectory": {"uri": _directory_uri(Path.cwd())}}
        if failed:
            invocation["toolExecutionNotifications"] = [
                {
                    "level": "error",
                    "message": {"text": f"sdelint failed on {escape_controls(result.file)}: see its internal-error result"},
                    "locations": [{"physicalLocation": {"artifactLocation": artifact_location(result.file)}}],
                }
                for result in failed
            ]
        return invocation

    def _rule(self, rule: str, home: str | None) -> dict[str, Any]:
        descriptor: dict[str, Any] = {"id": rule, "name": rule_display_name(rule)}
        spec = self.rules.get(rule)
        if spec is None:  # a custom rule the reporter was not told about: still a valid descriptor
            text = {"text": rule}
            descriptor.update(shortDescription=text, fullDescription=text, help=_help(rule, f"Run 'sdelint explain {rule}'."))
        else:
            descriptor.update(
                shortDescription={"text": _limit(spec.summary, 1024)},
                fullDescription={"text": _limit(" ".join(spec.rationale.split()), 1024)},  # GitHub shows at most 1024 characters
                help=_help(rule, self._explanation(rule, spec)),
                defaultConfiguration={"level": SARIF_LEVELS.get(spec.severity, "warning")},
                properties={"tags": ["sdelint", spec.category]},
            )
        if home:
            descriptor["helpUri"] = home.rstrip("/") + "/blob/main/README.md" + RULES_ANCHOR
        return descriptor

    def _explanation(self, rule: str, spec: RuleSpec) -> str:
        """The ``sdelint explain`` text of a built-in rule; a custom rule's own summary and rationale."""
        from ..config import Configuration
        from ..rules.catalogue import load_catalogue
        from ..rules.explain import explain_rule

        if rule in load_catalogue():
            return explain_rule(Configuration(), rule)
        return f"{rule}: {spec.summary}\n\nWhy:\n{textwrap.indent(spec.rationale, '  ')}"

    def _result(self, f: Finding, index: int, artifact_index: dict[str, int], fingerprint: str, line_hash: str) -> dict[str, Any]:
        location = artifact_location(f.file)
        physical: dict[str, Any] = {"artifactLocation": {**location, "index": artifact_index[location["uri"]]}}
        line, column = display_position(f)
        physical["region"] = {"startLine": line, "startColumn": column}
        place: dict[str, Any] = {"physicalLocation": physical}
        if f.pointer:
            place["logicalLocations"] = [{"name": _last_token(f.pointer), "fullyQualifiedName": f.pointer, "kind": "value"}]
        properties: dict[str, Any] = {"jsonPointer": f.pointer, "severity": f.severity}
        if f.extra.get("api_version"):
            properties["apiVersion"] = f.extra["api_version"]
        return {
            "ruleId": f.rule,
            "ruleIndex": index,
            "level": SARIF_LEVELS.get(f.severity, "warning"),
            "message": {"text": f.message},
            "locations": [place],
            "partialFingerprints": {"primaryLocationLineHash": line_hash, FINGERPRINT_KEY: fingerprint},
            "properties": properties,
        }


def _directory_uri(path: Path) -> str:
    uri = path.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _last_token(pointer: str) -> str:
    return pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def _help(rule: str, text: str) -> dict[str, str]:
    """A rule's ``help``: the text, and the same in Markdown (a fenced block keeps the examples' layout)."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", text)), default=0))
    footer = "Run {} for this text with your configuration's severities."
    return {
        "text": f"{text}\n\n{footer.format(repr(f'sdelint explain {rule}'))}",
        "markdown": f"{fence}text\n{text}\n{fence}\n\n{footer.format(f'`sdelint explain {rule}`')}",
    }


def _limit(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 3] + "..."
