"""SARIF 2.1.0, the format GitHub code scanning (and most IDE result viewers) ingest.

Also home of the helpers the other CI formats share: repository-relative paths
and fingerprints that survive reformatting.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path, PurePath
from typing import IO, Any
from urllib.parse import quote

from .. import __version__
from ..findings import Finding
from ..linter import FileResult
from .base import Reporter

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "sdelintFingerprint/v1"
# sdelint severities (after configuration) -> SARIF levels; "off" only ever appears as a rule default.
SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note", "off": "none"}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def report_path(file: str) -> str:
    """The path CI tools expect: relative to the working directory when inside it, with forward slashes.

    CI systems (code scanning, GitLab, Actions annotations) match paths against
    the repository checkout, so ``./a.json``, ``a.json`` and ``$PWD/a.json`` must
    come out the same. Names that are not paths (``<stdin>``) are kept.
    """
    path = PurePath(file)
    if path.is_absolute():
        try:
            path = Path(os.path.abspath(file)).relative_to(Path.cwd())
        except ValueError:
            return path.as_posix()
    text = path.as_posix()  # also drops "./" prefixes; on Windows turns "\" into "/"
    return text


def artifact_location(file: str) -> dict[str, str]:
    """A SARIF artifactLocation: a percent-encoded relative reference against %SRCROOT%, else a file: URI."""
    path = report_path(file)
    if PurePath(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    # quote() leaves only unreserved characters and "/": a ":" in the first segment cannot pose as a scheme.
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def stable_fingerprints(findings: list[Finding]) -> list[str]:
    """One SHA-256 hex digest per finding, from ``Finding.fingerprint()`` (file, rule, pointer, value hash).

    The line is not part of it, so re-indenting a file keeps every fingerprint.
    Paths go through ``report_path`` first (``./a.json`` and ``a.json`` agree).
    Two findings with the same identity get an occurrence number, so the
    fingerprints within one report are unique (GitLab merges equal ones).
    """
    seen: Counter[str] = Counter()
    out = []
    for finding in findings:
        identity = finding.with_(file=report_path(finding.file)).fingerprint()
        n = seen[identity]
        seen[identity] += 1
        key = identity if n == 0 else f"{identity}\0{n}"
        out.append(hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest())
    return out


def dump_json(document: Any, stream: IO[str], *, indent: int | None = 2, ensure_ascii: bool = True) -> None:
    """json.dump that never fails on lone surrogates (a JSON key may hold ``\\ud800``): they stay escaped."""
    text = json.dumps(document, indent=indent, ensure_ascii=ensure_ascii)
    if not ensure_ascii:
        text = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    stream.write(text)


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
        findings = [f for r in results for f in r.findings]
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
        for finding, fingerprint in zip(findings, fingerprints):
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
