"""SARIF 2.1.0, the format GitHub code scanning (and most IDE result viewers) ingest."""

from __future__ import annotations

from collections import Counter
from pathlib import Path, PurePath
from typing import IO, Any
from urllib.parse import quote

from .. import __version__
from ..findings import Finding
from ..result import FileResult, all_findings
from .base import Reporter
from .common import dump_json, report_path, stable_fingerprints

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "sdelintFingerprint/v1"
# sdelint severities (after configuration) -> SARIF levels; "off" only ever appears as a rule default.
SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note", "off": "none"}


def artifact_location(file: str) -> dict[str, str]:
    """A SARIF artifactLocation: a percent-encoded relative reference against %SRCROOT%, else a file: URI."""
    path = report_path(file)
    if PurePath(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    # quote() leaves only unreserved characters and "/": a ":" in the first segment cannot pose as a scheme.
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


class SarifReporter(Reporter):
    """SARIF 2.1.0 for ``github/codeql-action/upload-sarif`` and SARIF viewers.

    One run; ``tool.driver.rules`` lists each rule that has a result (with its
    summary, rationale and default level) and results point at it by id and
    index. ``primaryLocationLineHash`` is set from sdelint's own fingerprint
    (GitHub code scanning matches alerts across runs on that key only; the
    upload action would otherwise hash the text of the line, which changes
    when a file is reformatted). Columns count characters, as sdelint's do,
    so the run declares ``columnKind: unicodeCodePoints``. Findings without a
    position (line 0) have a location without a region. Output is ASCII
    (non-ASCII characters escaped), so no console or file encoding can spoil it.
    """

    name = "sarif"

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        dump_json(self.document(results), stream)
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
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "sdelint",
                    "version": __version__,
                    "rules": [self._rule(rule) for rule in rule_ids],
                }
            },
            "invocations": [{"executionSuccessful": True, "workingDirectory": {"uri": _directory_uri(Path.cwd())}}],
            "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(Path.cwd())}},
            "artifacts": artifacts,
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }
        return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}

    def _rule(self, rule: str) -> dict[str, Any]:
        spec = self.rules.get(rule)
        if spec is None:  # a custom rule the reporter was not told about: still a valid descriptor
            text = {"text": rule}
            return {"id": rule, "name": rule, "shortDescription": text, "fullDescription": text, "help": {"text": f"Run 'sdelint explain {rule}'."}}
        rationale = " ".join(spec.rationale.split())
        return {
            "id": rule,
            "name": rule,
            "shortDescription": {"text": _limit(spec.summary, 1024)},
            "fullDescription": {"text": _limit(rationale, 1024)},  # GitHub shows at most 1024 characters
            "help": {"text": f"{rationale}\n\nRun 'sdelint explain {rule}' for the rule's documentation and examples."},
            "defaultConfiguration": {"level": SARIF_LEVELS.get(spec.severity, "warning")},
            "properties": {"tags": ["sdelint", spec.category]},
        }

    def _result(self, f: Finding, index: int, artifact_index: dict[str, int], fingerprint: str, line_hash: str) -> dict[str, Any]:
        location = artifact_location(f.file)
        physical: dict[str, Any] = {"artifactLocation": {**location, "index": artifact_index[location["uri"]]}}
        if f.line >= 1:
            region: dict[str, int] = {"startLine": f.line}
            if f.column >= 1:
                region["startColumn"] = f.column
            physical["region"] = region
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


def _limit(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 3] + "..."
