"""rules.yaml: the user-facing catalogue of every rule (summary, rationale, examples), validated on load.

``load_catalogue`` joins it with the rule registry into ``RuleSpec``s, the one view the reporters,
``sdelint rules``/``explain`` and the service read: documentation from rules.yaml, behaviour and
metadata from the rule itself (tests prove the two describe the same rules).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..cache import cached_json
from ..resources import data_path

if TYPE_CHECKING:
    from .base import Rule


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
    rule: Rule | None = field(default=None, compare=False, repr=False)  # None only in the raw parse of rules.yaml


def rule_spec(rule: Rule, summary: str, rationale: str, docs: dict[str, Any] | None = None) -> RuleSpec:
    """A rule with its documentation."""
    return RuleSpec(
        name=rule.name,
        summary=summary,
        category=rule.category,
        severity=rule.severity,
        rationale=rationale,
        params=rule.defaults(),
        api_versions=rule.api_versions,
        sde_types=rule.sde_types,
        docs=docs or {},
        rule=rule,
    )


def schema_errors(
    document: Any, schema_name: str, text: str, filename: str, locate: Callable[[list[Any], bool], tuple[int, int]] | None = None,
    names_checked: bool = False,
) -> list[str]:
    """Messages ``file:line:col: message`` for every way ``document`` breaks one of sdelint's own schemas.

    The compiled validator answers first; jsonschema is loaded only to describe a failure. ``locate``
    gives (line, column) of a path (a key's own place when asked); YAML text by default. ``names_checked``:
    the caller reports keys that are no rule's name itself (with a hint), so the schema's name pattern is not repeated.
    """
    from ..load.yaml_source import yaml_locator
    from ..validate.compiled import ValidationFailed, shared_validators
    from ..validate.schemas import get_schema

    try:
        shared_validators().get("", schema_name)(document)
        return []
    except ValidationFailed:
        pass
    from jsonschema import Draft7Validator

    place = locate or yaml_locator(text)
    found = []
    for error in Draft7Validator(get_schema("", schema_name)).iter_errors(document):
        if names_checked and "propertyNames" in error.schema_path:
            continue
        for path, message, at_key in _described(error):
            line, column = place(path, at_key)
            found.append(((line, column), f"{filename}:{line}:{column}: {message}"))
    return [message for _, message in sorted(found)]


# ruff's and others' configuration keys that are sdelint's command-line options only
_COMMAND_LINE_ONLY = {"select": "--select", "extend-select": "--select", "ignore": "--ignore", "extend-ignore": "--ignore"}


def _command_line_only(key: Any) -> str:
    option = _COMMAND_LINE_ONLY.get(key) if isinstance(key, str) else None
    if option is None:
        return ""
    return f" ({option} is a command-line option: in a configuration, give a rule its severity under rules:, off to leave it out)"


def _described(error: Any) -> list[tuple[list[Any], str, bool]]:
    """(path, message, at the key?) for one schema error, in words a user can act on: the valid values, a likely meant key."""
    path = list(error.absolute_path)
    where = "/".join(map(str, path)) or "(top level)"
    instance, schema = error.instance, error.schema
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = list(schema.get("properties", {}))
        return [([*path, key], f"{where}: unknown key {key!r}{_command_line_only(key) if not path else ''}{did_you_mean(str(key), known)}", True)
                for key in instance if key not in known]
    if error.validator == "enum":
        shown = ", ".join(map(str, error.validator_value))
        # `fail-on: off` said "found False": YAML 1.1's reading, in Python's words
        found = f"{str(instance).lower()} (YAML 1.1 reads a bare on, off, yes or no as true or false)" if isinstance(instance, bool) else repr(instance)
        return [(path, f"{where}: must be one of {shown}, found {found}{did_you_mean(str(instance), list(map(str, error.validator_value)))}", False)]
    if error.validator in ("oneOf", "anyOf") and not isinstance(instance, dict):
        # a severity where a severity or a table may stand: jsonschema says only "not valid under any of the given schemas"
        branches = error.context or []
        values = [str(v) for sub in branches if sub.validator == "enum" and not sub.relative_path for v in sub.validator_value]
        if values:
            takes_table = any(sub.validator == "type" and sub.validator_value == "object" for sub in branches)
            table = " (or a table with a severity and parameters)" if takes_table else ""
            yaml_hint = " (YAML 1.1 reads a bare on, yes or no as true or false)" if isinstance(instance, bool) else ""
            return [(path, f"{where}: must be one of {', '.join(values)}{table}, found {instance!r}{yaml_hint}{did_you_mean(str(instance), values)}", False)]
    if error.validator in ("oneOf", "anyOf") and isinstance(instance, dict):
        # a rule's table whose severity is wrong: said inside the table, at the severity, not as "valid under no schema"
        inner = [described for sub in error.context or [] if sub.relative_path for described in _described(sub)]
        if inner:
            return inner
    if error.validator == "type" and instance is None:
        # `rules:` with nothing after it (every line below commented out) said "None is not of type 'object'": Python's words
        expected = {"object": "a mapping", "array": "a list", "string": "a string", "number": "a number", "integer": "an integer",
                    "boolean": "true or false"}.get(str(error.validator_value), str(error.validator_value))
        return [(path, f"{where}: has no value (an empty key is null) where {expected} is expected: give one, or remove the key", False)]
    if error.validator == "required":
        missing = [key for key in error.validator_value if isinstance(instance, dict) and key not in instance]
        return [(path, f"{where}: missing {key!r}", False) for key in missing] or [(path, f"{where}: {error.message}", False)]
    return [(path, f"{where}: {error.message}", False)]


MAX_ERRORS_SHOWN = 100  # of one configuration's errors: past them, the rest are counted


def listed(title: str, errors: list[str]) -> str:
    """``title:`` and the distinct errors in order, one per line: the first MAX_ERRORS_SHOWN of them and a count of the rest."""
    unique = list(dict.fromkeys(errors))
    if len(unique) > MAX_ERRORS_SHOWN:
        unique = [*unique[:MAX_ERRORS_SHOWN], f"... and {len(unique) - MAX_ERRORS_SHOWN} more"]
    return f"{title}:\n  " + "\n  ".join(unique)  # each error one line (see closed_pipe.shown)


def did_you_mean(given: str, known: list[str]) -> str:
    """`` (did you mean 'x'?)`` for a near miss (``fail_on`` for ``fail-on``), else nothing."""
    import difflib

    if len(given) > 64:
        return ""
    normalised = {name.replace("_", "-").lower(): name for name in known}
    hit = normalised.get(given.replace("_", "-").lower()) or next(iter(difflib.get_close_matches(given, known, n=1, cutoff=0.7)), None)
    return f" (did you mean {hit!r}?)" if hit and hit != given else ""


def _validated_document(text: str, filename: str) -> dict[str, Any]:
    from ..load.yaml_source import YamlError, load_yaml

    try:
        document = load_yaml(text)
    except YamlError as exc:
        raise CatalogueError(f"{filename}:{exc.line}:{exc.column}: {exc.message}") from None
    errors = schema_errors(document, "rules.schema", text, filename)
    if errors:
        raise CatalogueError("invalid rule catalogue:\n  " + "\n  ".join(errors))
    return document


def parse_catalogue(text: str, filename: str, document: dict[str, Any] | None = None) -> dict[str, RuleSpec]:
    """rules.yaml as written (no rule attached): what users read."""
    if document is None:
        document = _validated_document(text, filename)
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
            docs={k: v for k, v in entry.items() if k in ("bad", "good", "bad-bytes", "bad-generate", "example-config", "example-name")},
        )
    return specs


def _looks_like_catalogue(value: Any) -> bool:
    """A cached catalogue of the shape ``parse_catalogue`` reads (a damaged cache file is recomputed)."""
    rules = value.get("rules") if isinstance(value, dict) else None
    return isinstance(rules, dict) and all(
        isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("summary", "category", "severity", "rationale"))
        for entry in rules.values()
    )


def read_catalogue() -> dict[str, RuleSpec]:
    """rules.yaml as written; once validated, a given rules.yaml is read back from the cache as JSON."""
    path = data_path("rules.yaml")
    text = path.read_text(encoding="utf-8")
    key = f"catalogue-{__version__}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"
    document = cached_json(key, lambda: _validated_document(text, str(path)), valid=_looks_like_catalogue)
    return parse_catalogue(text, str(path), document)


@lru_cache(maxsize=1)
def load_catalogue() -> dict[str, RuleSpec]:
    """Every built-in rule with its documentation, in rules.yaml's order."""
    from .registry import builtin_rules

    documented, rules = read_catalogue(), builtin_rules()
    if set(documented) != set(rules):
        undocumented, unimplemented = sorted(set(rules) - set(documented)), sorted(set(documented) - set(rules))
        raise CatalogueError(
            f"rules.yaml and the rule modules disagree: no rules.yaml entry for {undocumented or 'none'}, no rule module for {unimplemented or 'none'}"
        )
    return {name: rule_spec(rules[name], entry.summary, entry.rationale, entry.docs) for name, entry in documented.items()}
