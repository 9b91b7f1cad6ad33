"""The OpenAPI 3 document served at ``/openapi.json``, written by hand.

Enumerations (rule names, schema names) come from the running configuration,
so the document describes exactly what this server answers.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..model import VERSIONS
from .service import API_VERSIONS, FAIL_ON
from .settings import BODY_LIMIT, LIMITS

NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines", "application/x-jsonlines")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _response(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}
    if headers:
        response["headers"] = headers
    return response


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def build_openapi(*, rule_names: list[str], schema_types: dict[str, list[str]], formats: tuple[str, ...], max_body_bytes: int, token: bool) -> dict[str, Any]:
    all_types = sorted({name for names in schema_types.values() for name in names})
    protected: dict[str, Any] = {"401": _response("Unauthorized")} if token else {}
    errors_common = {**protected, "422": _response("BadParameters")}

    finding = {
        "type": "object",
        "required": ["file", "line", "column", "pointer", "rule", "severity", "message"],
        "properties": {
            "file": {"type": "string", "description": "always `<request>`"},
            "line": {"type": "integer", "minimum": 0, "description": "1-based line in the request body (for JSON Lines: the line of the record)"},
            "column": {"type": "integer", "minimum": 0, "description": "1-based column, counting characters"},
            "pointer": {"type": "string", "description": "JSON Pointer (RFC 6901) into the payload; for JSON Lines, into the record"},
            "rule": {"type": "string"},
            "severity": {"type": "string", "enum": ["error", "warning", "info"]},
            "message": {"type": "string"},
            "api_version": {"type": "string", "enum": list(VERSIONS)},
        },
    }
    not_shown = {
        "type": "object",
        "description": "only when `min_severity` (or the configuration) left findings out: how many, by severity",
        "properties": {severity: {"type": "integer", "minimum": 1} for severity in FAIL_ON},
        "additionalProperties": False,
    }
    report = {
        "type": "object",
        "description": "The object `sdelint check --format json` prints, plus the verdict `ok`.",
        "required": ["ok", "findings", "files", "summary"],
        "properties": {
            "ok": {"type": "boolean", "description": "true when no finding is at or above `fail_on`"},
            "findings": {"type": "array", "items": _ref("Finding")},
            "files": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["file", "kind", "api_version", "events", "findings"],
                    "properties": {
                        "file": {"type": "string"},
                        "kind": {
                            "type": "string",
                            "nullable": True,
                            "description": "response, record, records, events, event, event-list, eh-response, web-sde, web-sde-list, web-body, web-source; "
                            "json-lines for several JSON Lines records; null when unparsable",
                        },
                        "api_version": {
                            "type": "string",
                            "nullable": True,
                            "description": "v1, v2, or mixed (JSON Lines records checked as different versions)",
                        },
                        "profile": {
                            "type": "string",
                            "nullable": True,
                            "description": "messaging, engagement-history or web: the contract the input was checked against; null when unrecognised",
                        },
                        "api_version_reason": {
                            "type": "string", "nullable": True, "description": "why that version: what in the input decided, or `given`",
                        },
                        "profile_reason": {"type": "string", "nullable": True, "description": "why that profile: what in the input decided, or given"},
                        "events": {"type": "integer", "minimum": 0},
                        "findings": {"type": "integer", "minimum": 0},
                        "not_shown": not_shown,
                    },
                },
            },
            "summary": {
                "type": "object",
                "required": ["files", "errors", "warnings", "info", "api_versions", "by_rule"],
                "properties": {
                    "files": {"type": "integer", "minimum": 0},
                    "errors": {"type": "integer", "minimum": 0},
                    "warnings": {"type": "integer", "minimum": 0},
                    "info": {"type": "integer", "minimum": 0},
                    "api_versions": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "by_rule": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "not_shown": not_shown,
                },
            },
            "truncated": {
                "type": "object",
                "description": "Only when there were more findings than the server returns (its max_findings): `findings` holds the first ones; "
                "`summary` and `files` still count every finding.",
                "required": ["findings_dropped", "max_findings"],
                "properties": {"findings_dropped": {"type": "integer", "minimum": 1}, "max_findings": {"type": "integer", "minimum": 1}},
            },
        },
    }
    rule_row = {
        "type": "object",
        "required": ["name", "severity", "category", "summary", "params"],
        "properties": {
            "name": {"type": "string"},
            "severity": {"type": "string", "enum": ["error", "warning", "info", "off"], "description": "after the server's configuration"},
            "category": {"type": "string"},
            "summary": {"type": "string"},
            "params": {"type": "object"},
            "definition": {
                "type": "object",
                "description": "a custom rule's, from the configuration (absent for a built-in rule)",
                "required": ["where", "check", "options", "message"],
                "properties": {"where": {"type": "string"}, "check": {"type": "string"}, "options": {"type": "object"}, "message": {"type": "string"}},
            },
        },
    }
    rule_detail = {
        "allOf": [
            _ref("Rule"),
            {
                "type": "object",
                "required": ["default_severity", "rationale", "api_versions", "sde_types", "examples", "explanation"],
                "properties": {
                    "default_severity": {"type": "string"},
                    "rationale": {"type": "string"},
                    "api_versions": {"type": "array", "items": {"type": "string"}},
                    "sde_types": {"type": "array", "items": {"type": "string"}, "nullable": True, "description": "null: every type"},
                    "examples": {
                        "type": "object",
                        "properties": {"bad": {"type": "string", "nullable": True}, "good": {"type": "string", "nullable": True}},
                    },
                    "explanation": {"type": "string", "description": "the text of `sdelint explain RULE`"},
                },
            },
        ]
    }
    ok_header = {
        "Sdelint-Ok": {"description": "the verdict: `true` or `false`", "schema": {"type": "string", "enum": ["true", "false"]}},
        "Sdelint-Findings-Dropped": {
            "description": "only when the answer lists fewer findings than there are (the server's max_findings): how many it left out",
            "schema": {"type": "integer", "minimum": 1},
        },
    }
    version_param = {
        "name": "version",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": list(VERSIONS)},
        "description": "API version of the schemas",
    }

    lint_responses: dict[str, Any] = {
        "200": {
            "description": "The report. A payload that is not valid JSON is a finding (`syntax-error`), not an error status.",
            "headers": ok_header,
            "content": {
                "application/json": {"schema": _ref("LintReport")},
                **({"application/sarif+json": {"schema": {"type": "object", "description": "SARIF 2.1.0 log"}}} if "sarif" in formats else {}),
            },
        },
        **protected,
        "408": _error("The body did not arrive in time."),
        "413": _error(f"The body is larger than {max_body_bytes} bytes (decided from Content-Length before reading, else while reading)."),
        "415": _error("Content-Type is neither JSON nor JSON Lines, or Content-Encoding is neither identity nor gzip."),
        "422": _response("BadParameters"),
        "503": _error("This worker is still compiling its validators, or could not; or it is shutting down and the request was still running."),
    }
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {
            "title": "sdelint",
            "version": __version__,
            "description": (
                "Schema validation and linting of LivePerson engagement attributes (SDEs) in Messaging Interactions API payloads. "
                "Every error answer is a JSON object `{\"error\": \"...\"}`. Unknown paths answer 404, known paths with another method 405."
            ),
        },
        "paths": {
            "/v1/lint": {
                "post": {
                    "operationId": "lint",
                    "summary": "Lint one payload (JSON) or one payload per line (JSON Lines)",
                    "parameters": [
                        {"name": "api_version", "in": "query", "required": False, "schema": {"type": "string", "enum": list(API_VERSIONS)},
                         "description": "API version the payload was recorded with; default: the server configuration's, else auto"},
                        {"name": "fail_on", "in": "query", "required": False, "schema": {"type": "string", "enum": list(FAIL_ON)},
                         "description": "lowest severity that makes `ok` false; default: the configuration's, else error"},
                        {"name": "min_severity", "in": "query", "required": False, "schema": {"type": "string", "enum": list(FAIL_ON)},
                         "description": "lowest severity listed; lower ones are only counted (`not_shown`); default: the configuration's, else info (all)"},
                        {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": list(formats), "default": "json"},
                         "description": "report format"},
                    ],
                    "requestBody": {
                        "required": False,
                        "description": (
                            f"Any payload `sdelint check` accepts, at most {max_body_bytes} bytes. Without a Content-Type it is read as JSON. "
                            "An empty body is linted too: it is a `syntax-error` finding. It may be gzip-compressed (`Content-Encoding: gzip`, or "
                            "recognised from its bytes), within the same limit once decompressed."
                        ),
                        "content": {
                            "application/json": {"schema": {}},
                            # any text: each line is linted, and a line that is not JSON is a finding
                            "application/x-ndjson": {"schema": {"description": "one payload per line (JSON Lines); also accepted as application/jsonl"},
                                                     "example": '{"sdes": {"events": []}}\n'},
                        },
                    },
                    "responses": lint_responses,
                }
            },
            "/v1/rules": {
                "get": {
                    "operationId": "listRules",
                    "summary": "Every rule with its severity under the server's configuration",
                    "responses": {
                        "200": _json(
                            "The rules.",
                            {"type": "object", "required": ["rules"], "properties": {"rules": {"type": "array", "items": _ref("Rule")}}},
                        ),
                        **errors_common,
                    },
                }
            },
            "/v1/rules/{name}": {
                "get": {
                    "operationId": "getRule",
                    "summary": "One rule's documentation, as `sdelint explain` prints it",
                    "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string", "enum": rule_names}}],
                    "responses": {"200": _json("The rule.", _ref("RuleDetail")), **errors_common, "404": _response("NotFound")},
                }
            },
            "/v1/schemas/{version}": {
                "get": {
                    "operationId": "listSchemas",
                    "summary": "The names of the bundled JSON Schemas for one API version",
                    "parameters": [version_param],
                    "responses": {
                        "200": _json("The schema names, and the container key of each sdeType.", {
                            "type": "object", "required": ["version", "schemas", "sde_types"],
                            "properties": {"version": {"type": "string"}, "schemas": {"type": "array", "items": {"type": "string"}},
                                           "sde_types": {"type": "object", "additionalProperties": {"type": "string"}}},
                        }),
                        **errors_common,
                        "404": _response("NotFound"),
                    },
                }
            },
            "/v1/schemas/{version}/{type}": {
                "get": {
                    "operationId": "getSchema",
                    "summary": "One JSON Schema (draft-07); `type` is an sdeType (CART_STATUS), a container key (cartStatus) "
                    "or a document schema (response, record, ...)",
                    "parameters": [
                        version_param,
                        {"name": "type", "in": "path", "required": True, "schema": {"type": "string", "enum": all_types}},
                        {"name": "bundle", "in": "query", "required": False, "schema": {"type": "boolean", "default": False},
                         "description": "inline every referenced schema into one self-contained document"},
                    ],
                    "responses": {"200": _json("The schema.", {"type": "object"}), **errors_common, "404": _response("NotFound")},
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "healthz",
                    "summary": "Liveness: the process answers (never needs the token)",
                    "security": [],
                    "responses": {
                        "200": _json("Alive.", {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["ok"]}}}),
                    },
                }
            },
            "/readyz": {
                "get": {
                    "operationId": "readyz",
                    "summary": "Readiness: this worker's validators are compiled",
                    "responses": {
                        "200": _json("Ready.", {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["ready"]}}}),
                        **protected,
                        "503": _error("Not ready yet (compiling validators), or start-up failed."),
                    },
                }
            },
            "/metrics": {
                "get": {
                    "operationId": "metrics",
                    "summary": "Prometheus text exposition format; the counts of the worker process that answers",
                    "responses": {"200": {"description": "Metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}}, **protected},
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": _json("The OpenAPI document.", {"type": "object"}), **protected},
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {"type": "string"},
                        "limit": {
                            "type": "object",
                            "description": "With a 413, or a 422, for a body past a limit: which limit, and the server setting that raises it.",
                            "required": ["name", "maximum", "option", "env"],
                            "properties": {
                                "name": {"type": "string", "enum": [BODY_LIMIT.name, *(limit.name for limit in LIMITS.values())]},
                                "maximum": {"type": "integer"},
                                "option": {"type": "string"},
                                "env": {"type": "string"},
                            },
                        },
                    },
                },
                "Finding": finding,
                "LintReport": report,
                "Rule": rule_row,
                "RuleDetail": rule_detail,
            },
            "responses": {
                "BadParameters": _error(
                    "A query parameter is unknown, repeated or has a value outside its enumeration; "
                    "or (POST /v1/lint) the body holds more records or events, or a longer key, than the server's limits (`limit` says which)."
                ),
                "NotFound": _error("No such rule, schema version or schema."),
                "Unauthorized": _error(
                    "Missing or wrong bearer token.",
                    {"WWW-Authenticate": {"description": "`Bearer realm=\"sdelint\"`", "schema": {"type": "string"}}},
                ),
            },
        },
    }
    if token:
        document["components"]["securitySchemes"] = {
            "bearerAuth": {"type": "http", "scheme": "bearer", "description": "the token given to `sdelint serve --token` or SDELINT_TOKEN"},
        }
        document["security"] = [{"bearerAuth": []}]
    return document
