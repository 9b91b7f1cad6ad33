"""Linting a request body into a report: the service's work, with no web framework in it.

Everything here runs in a worker thread (it is CPU-bound), or on the event loop
for a body known to be cheap (``lint_if_cheap``), and must be safe to run in
several threads at once: ``warm`` fills every lazily built table
(compiled validators, rule tables, policies) before the first request, after
which linting only reads them.

Nothing here takes a path, a file name or a URL from a request: the body is
parsed from memory under the name ``<request>``, the configuration is the one
given at start-up, and the schemas' ``$ref``s resolve to bundled schemas only.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from .. import detect
from ..config import CommandLine, Configuration
from ..fastjson import orjson_module
from ..findings import SEVERITY_RANK, Path, nests_deeper_than, path_pointer
from ..linter import Linter
from ..load import Document, parse_input, parse_text, read_input
from ..load.reader import GZIP_MAGIC, gunzip_within
from ..load.source import NotPlain
from ..model import API_VERSION_CHOICES, CONTAINER_KEYS, SDE_TYPES, VERSIONS
from ..report.json_report import report_object
from ..result import FileResult, Summary, worst
from ..rules.explain import explain_rule, rule_table
from ..validate import SchemaChecker, get_schema, schema_names
from ..validate.bundle import bundle
from ..validate.detailed import DetailedPathRefused, detailed_path_refused
from ..walk import records_of
from .settings import BODY_LIMIT, LIMITS, Settings

orjson = orjson_module()  # None where not installed: the json module writes the answers

REQUEST_NAME = "<request>"
API_VERSIONS = API_VERSION_CHOICES  # the query parameter takes what --api-version takes
FAIL_ON = ("error", "warning", "info")
MIN_SEVERITY = FAIL_ON  # the lowest severity listed (the playground's choice); default: the configuration's
JSON, NDJSON = "json", "ndjson"

# A JSON body within these bounds, answered as JSON, that needs no detailed schema errors is linted on the
# event loop (``lint_if_cheap``): a record costs about 2 ms of CPU, and the hand-off to a lint thread and back
# about 0.6 ms more. The bounds cap how long the loop's other connections can wait: about 25 ms for the
# worst body measured (32 KiB of products with a finding each); the spec's example record takes 1.7 ms.
CHEAP_MAX_BYTES = 32 << 10
CHEAP_MAX_RECORDS = 16
CHEAP_MAX_EVENTS = 128
# The loop's stack is deeper than a lint thread's (about 16 frames under uvicorn): near the recursion limit
# the parser, or a walk that falls back when it overflows, would answer otherwise there. Payloads nest about
# ten levels; deeper than this, a body goes to a thread.
CHEAP_MAX_DEPTH = 100


class NotCheap(Exception):
    """The body is not for the event loop: more records or events than ``CHEAP_MAX_*``, nesting past
    ``CHEAP_MAX_DEPTH``, or a document that did not parse (its too-deep verdict would depend on the stack)."""


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
    dropped: int = 0  # findings left out of the answer (over max_findings)


class LimitExceeded(Exception):
    """A body that asks for more work than a limit allows (answered 422): which limit, and how to raise it."""

    def __init__(self, field_name: str, maximum: int, found: str) -> None:
        self.limit = BODY_LIMIT if field_name == "max_body_bytes" else LIMITS[field_name]
        self.maximum = maximum
        super().__init__(
            f"{found}: the limit is {maximum} {self.limit.unit} (server setting {self.limit.option} or {self.limit.env})"
        )

    def as_dict(self) -> dict[str, Any]:
        limit = self.limit
        return {"error": str(self), "limit": {"name": limit.name, "maximum": self.maximum, "option": limit.option, "env": limit.env}}


_NON_BLANK_LINE = re.compile(r"^[^\S\n]*\S", re.MULTILINE)  # a JSON Lines line the loader parses (it skips blank ones)
_RECORD_SECTIONS = ("sdes", "unAuthSdes")


def count_lines(text: str, maximum: int) -> int:
    """Non-blank lines, counted only up to ``maximum + 1``: enough to refuse, and cheap when there are far more."""
    if text.count("\n") < maximum:
        return 0  # at most ``maximum`` lines of any kind: no need to count which are blank
    return sum(1 for _ in itertools.islice(_NON_BLANK_LINE.finditer(text), maximum + 1))


def count_work(data: Any) -> tuple[int, int]:
    """(records, events) of one payload, from list lengths only; a payload without records counts as one record."""
    kind = detect.detect_kind(data)
    if kind == detect.EVENT:
        return 1, 1
    if kind == detect.EVENT_LIST:
        return 1, len(data)
    if kind == detect.EVENTS:
        events = data.get("events")
        return 1, len(events) if isinstance(events, list) else 0
    if kind is None:
        return 1, 0
    records = events = 0
    for _, record in records_of(data, kind):
        records += 1
        if isinstance(record, dict):
            for section in _RECORD_SECTIONS:
                block = record.get(section)
                if isinstance(block, dict) and isinstance(block.get("events"), list):
                    events += len(block["events"])
    return max(records, 1), events


def longest_key(data: Any, limit: int) -> tuple[str, str] | None:
    """(pointer of the object, key) of the first key longer than ``limit``, or None; iterative (any depth).

    Walked only for a document whose parse met such a key, to say where: the pointer is built for that key alone.
    """
    stack: list[tuple[Any, Path]] = [(data, None)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            children = []
            for key, value in node.items():
                if len(key) > limit:
                    return path_pointer(path), key
                if isinstance(value, dict | list):
                    children.append((value, (path, key)))
            stack.extend(reversed(children))  # depth first, children in order (an object's own keys before its children's)
        elif isinstance(node, list):
            stack.extend(reversed([(item, (path, index)) for index, item in enumerate(node) if isinstance(item, dict | list)]))
    return None


# Tiny payloads of every kind, linted at start-up so that every table is built before requests come.
_WARM_EVENT = {"sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879", "cartStatus": {"total": "x", "products": [{}]}}
# one event of each type: the rules build their tables per type (numeric-string's finder, ...) on first sight
_WARM_EVENTS = [_WARM_EVENT, *({"sdeType": sde_type, "serverTimeStamp": "1", key: {}} for sde_type, key in SDE_TYPES.items() if key != "cartStatus")]
_WARM_RECORD = {"info": {"conversationId": "warm"}, "sdes": {"events": _WARM_EVENTS}, "unAuthSdes": {"events": _WARM_EVENTS}}
_WARM_PAYLOADS = (
    {"_metadata": {}, "conversationHistoryRecords": [_WARM_RECORD]},
    _WARM_RECORD,
    [_WARM_RECORD],
    {"events": [_WARM_EVENT, {"sdeType": "NOT_A_TYPE"}, 3]},
    _WARM_EVENT,
    [_WARM_EVENT],
)


class LintService:
    """The configuration given at start-up, one Linter per ``api_version`` and ``min_severity`` choice, sharing compiled validators."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.checker = SchemaChecker()
        # None: the configuration's own (else auto; else every finding, as the Python API); the others override it
        # like --api-version and --min-severity
        self.linters: dict[tuple[str | None, str | None], Linter] = {
            (version, lowest): Linter(
                Configuration.load(settings.config, CommandLine(api_version=version, min_severity=lowest, default_min_severity="info")), self.checker
            )
            for version in (None, *API_VERSIONS)
            for lowest in (None, *MIN_SEVERITY)
        }
        self.config = self.linters[None, None].config
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

    def lint_if_cheap(
        self, raw: bytes, content: str, api_version: str | None, fail_on: str | None, output: str, min_severity: str | None = None
    ) -> LintOutcome | None:
        """``lint``'s answer when the body turns out cheap (JSON answered as JSON, ``CHEAP_MAX_*``, no detailed schema errors); else None.

        None comes as soon as the body is known not to be cheap: before parsing for its size;
        while parsing at a repeated key or a non-finite number (placing them walks the text);
        after it for its records, events and depth; at the first event that needs jsonschema
        (about 1 ms per invalid value) otherwise. The caller then lints it where it may take long.
        """
        # SARIF costs about 5 times JSON; a gzip body's size says nothing of what it expands to
        if content != JSON or output != "json" or len(raw) > CHEAP_MAX_BYTES or raw.startswith(GZIP_MAGIC):
            return None
        try:
            with detailed_path_refused():
                return self.lint(raw, content, api_version, fail_on, output, min_severity, cheap_only=True)
        except (NotCheap, NotPlain, DetailedPathRefused):
            return None

    def lint(
        self,
        raw: bytes,
        content: str,
        api_version: str | None,
        fail_on: str | None,
        output: str,
        min_severity: str | None = None,
        cheap_only: bool = False,
    ) -> LintOutcome:
        """The report of one body; LimitExceeded, before any linting, when the body asks for too much work.

        ``cheap_only``: NotPlain or NotCheap, before any linting, for a body that is not for the event loop.
        """
        documents = self.parse_within_limits(raw, content, cheap_only)
        results = [self.linters[api_version, min_severity].lint_documents(REQUEST_NAME, documents)]
        ok = worst(results) < SEVERITY_RANK[fail_on or self.default_fail_on]
        findings = [(f.rule, f.severity) for r in results for f in r.findings]
        shown, dropped = _first_findings(results, self.settings.max_findings)
        if output == "sarif":
            from ..report import REPORTERS

            reporter = REPORTERS["sarif"](rules=self.config.specs())
            stream = io.StringIO()
            reporter.write(shown, stream)
            log = _without_server_paths(json.loads(stream.getvalue()))
            if dropped:
                for run in log.get("runs", []):
                    run.setdefault("properties", {})["findingsDropped"] = dropped
            return LintOutcome(dumps(log), "application/sarif+json", ok, findings, dropped)
        report = report_object(shown)
        if dropped:  # the summary and the per-file counts still count every finding; the list stops at the limit
            report["summary"] = _summary(results)
            for entry, result in zip(report["files"], results, strict=True):
                entry["findings"] = len(result.findings)
            report["truncated"] = {"findings_dropped": dropped, "max_findings": self.settings.max_findings}
        return LintOutcome(dumps({"ok": ok, **report}), "application/json", ok, findings, dropped)

    def parse_within_limits(self, raw: bytes, content: str, cheap_only: bool = False) -> list[Document]:
        """The body's documents, or LimitExceeded: each count is taken before the work it bounds.

        Lines are counted before they are parsed (a 10 MiB body of ``{}`` lines is 3.5 million documents);
        records and events from list lengths before anything is checked; keys by the JSON parser as it
        makes each object, and by a walk of the document only to say where a long one is."""
        settings = self.settings
        expanded = gunzip_within(raw, settings.max_body_bytes)  # the body limit holds for what a gzip body expands to
        if expanded is None:
            raise LimitExceeded("max_body_bytes", settings.max_body_bytes, "the gzip body decompresses to more bytes than the body limit")
        raw = expanded
        if content == NDJSON:  # counted on the body's text before the lines are read one by one
            text = raw.decode("utf-8", errors="replace")
            if (lines := count_lines(text, settings.max_records)) > settings.max_records:
                raise LimitExceeded("max_records", settings.max_records, f"more than {lines - 1} JSON Lines records")
        decoded = read_input(raw, REQUEST_NAME, "jsonl" if content == NDJSON else "json")
        documents = parse_input(decoded, key_limit=settings.max_key_length, plain_only=cheap_only)
        records = events = 0
        for doc in documents:
            if not doc.parsed:
                continue
            doc_records, doc_events = count_work(doc.data)
            records, events = records + doc_records, events + doc_events
            if records > settings.max_records:
                raise LimitExceeded("max_records", settings.max_records, f"{records} or more records")
            if events > settings.max_events:
                raise LimitExceeded("max_events", settings.max_events, f"{events} or more events")
            if doc.keys_within is not None and doc.keys_within <= settings.max_key_length:
                continue  # the parser measured every key
            if (found := longest_key(doc.data, settings.max_key_length)) is not None:
                pointer, key = found
                where = f"in {pointer}" if pointer else "at the top level"
                raise LimitExceeded("max_key_length", settings.max_key_length, f"a key of {len(key)} characters {where} ({key[:20]!r}...)")
        if cheap_only:
            if records > CHEAP_MAX_RECORDS or events > CHEAP_MAX_EVENTS:
                raise NotCheap(f"{records} records and {events} events")
            if any(not doc.parsed or nests_deeper_than(doc.data, CHEAP_MAX_DEPTH) for doc in documents):
                raise NotCheap("not parsed, or nested too deep")
        return documents

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


def _first_findings(results: list[FileResult], limit: int) -> tuple[list[FileResult], int]:
    """The results with at most ``limit`` findings in all (the first ones, in report order), and how many were left out."""
    total = sum(len(r.findings) for r in results)
    if total <= limit:
        return results, 0
    shown, room = [], limit
    for result in results:
        kept = result.findings[:room]
        room -= len(kept)
        shown.append(replace(result, findings=kept))
    return shown, total - limit


def _summary(results: list[FileResult]) -> dict[str, Any]:
    """The JSON report's summary over every finding, as ``report_object`` writes it (without building each finding's object)."""
    summary = Summary.of(results)
    return {**summary.as_dict(), "by_rule": dict(sorted(summary.by_rule.items()))}


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


