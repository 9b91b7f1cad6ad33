"""Linting a request body into a report: the service's work, with no web framework in it.

Everything here runs in a worker thread (it is CPU-bound) and must be safe to
run in several threads at once: ``warm`` fills every lazily built table
(compiled validators, rule tables, policies) before the first request, after
which linting only reads them.

Nothing here takes a path, a file name or a URL from a request: the body is
parsed from memory under the name ``<request>``, the configuration is the one
given at start-up, and the schemas' ``$ref``s resolve to bundled schemas only.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

from ..config import CommandLine, Configuration
from ..findings import SEVERITY_RANK
from ..linter import Linter
from ..load import parse_text
from ..model import CONTAINER_KEYS, SDE_TYPES, VERSIONS
from ..report.json_report import report_object
from ..result import worst
from ..rules.explain import explain_rule, rule_table
from ..validate import SchemaChecker, get_schema, schema_names
from ..validate.bundle import bundle
from .settings import Settings

try:
    import orjson
except ImportError:  # pragma: no cover - the serve extra installs it
    orjson = None  # type: ignore[assignment]  # a missing module is None; checked before each use

REQUEST_NAME = "<request>"
API_VERSIONS = ("auto", "v1", "v2")
FAIL_ON = ("error", "warning", "info")
JSON, NDJSON = "json", "ndjson"


def dumps(document: Any) -> bytes:
    """Compact UTF-8 JSON. A lone surrogate (a payload's "\\ud800", quoted in a message) cannot be
    encoded in UTF-8: then every non-ASCII character is written as a \\u escape, which JSON allows.

    orjson writes a lint report about ten times faster than the json module; what it refuses
    (that surrogate, an integer beyond 64 bits) goes the json module's way."""
    if orjson is not None:
        try:
            return orjson.dumps(document, default=str)
        except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
            pass
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(document, ensure_ascii=True, separators=(",", ":"), default=str).encode("ascii")


def available_formats() -> tuple[str, ...]:
    """``json`` always; ``sarif`` when a SARIF reporter is installed (looked up at each request)."""
    from ..report import REPORTERS

    return ("json", "sarif") if "sarif" in REPORTERS else ("json",)


@dataclass
class LintOutcome:
    body: bytes
    media_type: str
    ok: bool
    findings: list[tuple[str, str]] = field(default_factory=list)  # (rule, severity) of each finding


# Tiny payloads of every kind, linted at start-up so that every table is built before requests come.
_WARM_EVENT = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": {"total": "x", "products": [{}]}}
_WARM_RECORD = {"info": {"conversationId": "warm"}, "sdes": {"events": [_WARM_EVENT]}, "unAuthSdes": {"events": [_WARM_EVENT]}}
_WARM_PAYLOADS = (
    {"_metadata": {}, "conversationHistoryRecords": [_WARM_RECORD]},
    _WARM_RECORD,
    [_WARM_RECORD],
    {"events": [_WARM_EVENT, {"sdeType": "NOT_A_TYPE"}, 3]},
    _WARM_EVENT,
    [_WARM_EVENT],
)


class LintService:
    """The configuration given at start-up, one Linter per ``api_version`` choice, sharing compiled validators."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.checker = SchemaChecker()
        # api_version None: the configuration's own (else auto); the others override it like --api-version
        self.linters: dict[str | None, Linter] = {
            choice: Linter(Configuration.load(settings.config, CommandLine(api_version=choice)), self.checker)
            for choice in (None, *API_VERSIONS)
        }
        self.config = self.linters[None].config
        for linter in self.linters.values():
            linter.config.policy_for(None)  # raises ConfigError now, not at the first request
        self.default_fail_on = self.config.fail_on()

    # -- start-up --------------------------------------------------------------------------------

    def warm(self) -> None:
        """Compile every validator and build every table now, so that requests only read them."""
        compiled = self.checker.compiled
        for version in VERSIONS:
            for name in sorted(CONTAINER_KEYS):
                compiled.get(version, name)
        for linter in self.linters.values():
            for payload in _WARM_PAYLOADS:
                text = json.dumps(payload, indent=1)
                linter.lint_document(parse_text(REQUEST_NAME, text))
                # and once with a v1-looking payload (strings only, no unAuthSdes) for the auto choice
                linter.lint_document(parse_text(REQUEST_NAME, text.replace('"unAuthSdes"', '"other"')))
        for version in VERSIONS:  # the documents the schema endpoints serve
            for name in schema_names(version):
                get_schema(version, name)

    # -- POST /v1/lint ---------------------------------------------------------------------------

    def lint(self, raw: bytes, content: str, api_version: str | None, fail_on: str | None, output: str) -> LintOutcome:
        linter = self.linters[api_version]
        results = [linter.lint_bytes(raw, REQUEST_NAME, input_format="jsonl" if content == NDJSON else "json")]
        ok = worst(results) < SEVERITY_RANK[fail_on or self.default_fail_on]
        findings = [(f.rule, f.severity) for r in results for f in r.findings]
        if output == "sarif":
            from ..report import REPORTERS

            reporter = REPORTERS["sarif"](rules=self.config.specs())
            stream = io.StringIO()
            reporter.write(results, stream)
            return LintOutcome(dumps(_without_server_paths(json.loads(stream.getvalue()))), "application/sarif+json", ok, findings)
        return LintOutcome(dumps({"ok": ok, **report_object(results)}), "application/json", ok, findings)

    # -- the catalogue and the schemas -----------------------------------------------------------

    def rule_names(self) -> list[str]:
        return sorted(self.config.specs())

    def rules(self) -> dict[str, Any]:
        return {"rules": rule_table(self.config)}

    def rule(self, name: str) -> dict[str, Any] | None:
        specs = self.config.specs()
        spec = specs.get(name)
        if spec is None:
            return None
        row = next(r for r in rule_table(self.config) if r["name"] == name)
        docs = spec.docs
        return {
            **row,
            "default_severity": spec.severity,
            "rationale": spec.rationale,
            "api_versions": list(spec.api_versions),
            "sde_types": list(spec.sde_types) if spec.sde_types is not None else None,
            "examples": {kind: _text(docs.get(kind)) for kind in ("bad", "good")},
            "explanation": explain_rule(self.config, name),
        }

    @staticmethod
    def schema_list(version: str) -> dict[str, Any] | None:
        if version not in VERSIONS:
            return None
        return {"version": version, "schemas": schema_names(version), "sde_types": dict(SDE_TYPES)}

    @staticmethod
    def schema_type_names(version: str) -> list[str]:
        """Every name ``/v1/schemas/{version}/{type}`` answers: schema names and sdeTypes."""
        return sorted({*schema_names(version), *SDE_TYPES})

    @staticmethod
    def schema(version: str, name: str, bundled: bool) -> dict[str, Any] | None:
        if version not in VERSIONS:
            return None
        resolved = SDE_TYPES.get(name, name)
        if resolved not in schema_names(version):
            return None
        return bundle(version, resolved) if bundled else get_schema(version, resolved)


def _without_server_paths(log: dict[str, Any]) -> dict[str, Any]:
    """A SARIF log without the server's working directory: a client has no use for it, and must not learn it."""
    for run in log.get("runs", []):
        run.pop("originalUriBaseIds", None)
        for invocation in run.get("invocations", []):
            invocation.pop("workingDirectory", None)
    return log


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.strip() if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


