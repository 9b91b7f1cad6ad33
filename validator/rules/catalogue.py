"""rules.yaml: the catalogue of every rule, validated on load."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jsonschema import Draft7Validator

from ..load.yaml_source import YamlError, load_yaml, yaml_position
from ..resources import data_path


class CatalogueError(Exception):
    """rules.yaml (or a configuration file) is invalid; the message names file, line and column."""


@dataclass(frozen=True)
class RuleSpec:
    name: str
    summary: str
    category: str
    severity: str
    rationale: str
    params: dict[str, Any] = field(default_factory=dict)
    api_versions: tuple[str, ...] = ("v1", "v2")
    sde_types: tuple[str, ...] | None = None  # None: every type
    docs: dict[str, Any] = field(default_factory=dict)  # examples and example-config


def schema_errors(document: Any, schema_file: str, text: str, filename: str) -> list[str]:
    """Messages ``file:line:col: message`` for every way ``document`` breaks a bundled schema."""
    schema = json.loads(data_path("schemas").joinpath(schema_file).read_text(encoding="utf-8"))
    messages = []
    for error in sorted(Draft7Validator(schema).iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        line, column = yaml_position(text, list(error.absolute_path))
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        messages.append(f"{filename}:{line}:{column}: {where}: {error.message}")
    return messages


def parse_catalogue(text: str, filename: str) -> dict[str, RuleSpec]:
    try:
        document = load_yaml(text)
    except YamlError as exc:
        raise CatalogueError(f"{filename}:{exc.line}:{exc.column}: {exc.message}") from None
    errors = schema_errors(document, "rules.schema.json", text, filename)
    if errors:
        raise CatalogueError("invalid rule catalogue:\n  " + "\n  ".join(errors))
    specs = {}
    for name, entry in document["rules"].items():
        applies = entry.get("applies-to", {})
        specs[name] = RuleSpec(
            name=name,
            summary=entry["summary"],
            category=entry["category"],
            severity=entry["severity"],
            rationale=entry["rationale"].strip(),
            params=dict(entry.get("params", {})),
            api_versions=tuple(applies.get("api-versions", ("v1", "v2"))),
            sde_types=tuple(applies["sde-types"]) if "sde-types" in applies else None,
            docs={k: v for k, v in entry.items() if k in ("bad", "good", "bad-bytes", "bad-generate", "example-config")},
        )
    return specs


@lru_cache(maxsize=1)
def load_catalogue() -> dict[str, RuleSpec]:
    path = data_path("rules.yaml")
    return parse_catalogue(path.read_text(encoding="utf-8"), str(path))
