"""Rule documentation for ``sdelint rules`` and ``sdelint explain``."""

from __future__ import annotations

import json
import math
import textwrap
from typing import Any, Protocol

from ..findings import json_default, non_finite_text
from ..policy import Policy
from ..report.common import escape_controls
from .catalogue import RuleSpec
from .custom import CustomRule
from .values import same_json


class ConfigurationView(Protocol):
    """What documentation needs of a configuration (validator.config.Configuration; not imported: config imports rules)."""

    def specs(self) -> dict[str, RuleSpec]: ...

    def policy_for(self, file: str | None) -> Policy: ...

_GENERATED = {
    "long-value": "an attribute value of {length} characters",
    "nested": "a document nested {depth} levels deep: [[[[...",
}


def rule_table(config: ConfigurationView) -> list[dict[str, Any]]:
    """A row per rule, JSON-ready (``rules --format json``, the service's /rules): a YAML date in a parameter as its ISO text."""
    policy = config.policy_for(None)
    rows = []
    for name, spec in sorted(config.specs().items(), key=lambda item: (_CATEGORY_ORDER.get(item[1].category, 9), item[0])):
        row = {"name": name, "severity": policy.severity(name), "category": spec.category, "summary": spec.summary, "params": policy.params(name)}
        if isinstance(spec.rule, CustomRule):  # what explain shows of it: where, the check with its options, the message
            rule = spec.rule
            options = {key: value for key, value in rule.options.items() if not key.startswith("_")}
            row["definition"] = {"where": rule.where, "check": rule.kind, "options": options, "message": rule.message}
        rows.append(_json_ready(row))
    return rows


def _json_ready(value: Any) -> Any:
    """``value`` with what JSON has no spelling for written as text: a YAML date as its ISO text (as reports write it),
    a YAML ``.nan`` or ``.inf`` as ``NaN`` or ``Infinity`` in a string (json.dumps would write them bare: not JSON)."""
    if isinstance(value, float) and not math.isfinite(value):
        return non_finite_text(value)
    if isinstance(value, dict):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    if value is None or isinstance(value, str | int | float):
        return value
    return _json_ready(json_default(value))  # a date as its text; a set as its items in a fixed order


_CATEGORY_ORDER = {"input": 0, "schema": 1, "event": 2, "record": 3, "custom": 4}


def markdown_rule_table(specs: dict[str, RuleSpec]) -> str:
    """The README's rule table, in ``sdelint rules`` order: generated, so the README cannot drift from the catalogue."""
    lines = ["| rule | default | what it reports | parameters |", "|---|---|---|---|"]
    for name, spec in sorted(specs.items(), key=lambda item: (_CATEGORY_ORDER.get(item[1].category, 9), item[0])):
        params = ", ".join(f"`{key}`" for key in spec.params)
        lines.append(f"| `{name}` | {spec.severity} | {spec.summary.replace('|', '&#124;')} | {params} |")
    return "\n".join(lines)


def _example(docs: dict[str, Any], kind: str) -> str | None:
    if kind in docs:
        return docs[kind].strip()
    if kind == "bad" and "bad-bytes" in docs:
        return f"(bytes) {docs['bad-bytes']}"
    if kind == "bad" and "bad-generate" in docs:
        spec = docs["bad-generate"]
        return "(" + _GENERATED.get(spec["type"], spec["type"]).format(**spec) + ")"
    return None


def _as_written(value: Any) -> str:
    """A parameter as a user writes it in YAML or TOML (``false``, ``"characters"``, ``[0, 1]``), not as Python shows it;
    a date as the text it was written as (YAML reads an unquoted 2000-01-01 as one; IsoDate takes either)."""
    return escape_controls(json.dumps(_json_ready(value), ensure_ascii=False))


def _definition(rule: CustomRule, judged: bool = True) -> list[str]:
    """A custom rule's where, check with its options and message, as written; and why its path may never match.

    The file is not named (the rationale names it relative to the configuration): a server's explain must not reveal its paths.
    """
    from .custom_paths import path_problem

    scope = {"*": "every attribute type's events", "record": "each conversation record"}.get(rule.root, f"{rule.root} events")
    options = [f"{key} = {_as_written(value)}" for key, value in rule.options.items() if not key.startswith("_")]
    lines = [f"Where: {escape_controls(rule.where)} ({scope})", f"Check: {', '.join([rule.kind, *options])}", f"Message: {escape_controls(rule.message)}"]
    paths = [("the path", rule.path)] + ([("other", rule.options["_other"])] if rule.kind == "compare" else [])
    for label, path in paths if judged else ():
        if problem := path_problem(rule.root, path):
            lines.append(f"Warning: {label} matches no member the schemas define: {problem}")
    return lines


def explain_rule(config: ConfigurationView, name: str) -> str:
    spec = config.specs()[name]
    policy = config.policy_for(None)
    lines = [f"{name}: {escape_controls(spec.summary)}", ""]  # a custom rule's is the user's text: escaped, as `rules` and the reports do
    lines.append(f"Category: {spec.category}")
    lines.append(f"Severity: {policy.severity(name)} (default {spec.severity})")
    applies = [f"API {', '.join(spec.api_versions)}"]
    if spec.sde_types:
        applies.append(", ".join(spec.sde_types))
    if spec.category == "input":  # the loader's: whatever the input turns out to hold
        applies = ["every input, whatever its profile"]
    elif spec.rule is not None:
        applies.append(f"profiles {', '.join(spec.rule.profiles)}")
    lines.append(f"Applies to: {'; '.join(applies)}")
    if isinstance(spec.rule, CustomRule):  # its paths judged as the configuration's warnings judge them (Configuration.warnings)
        lines += _definition(spec.rule, judged=policy.severity("unknown-field") != "off")
    params = policy.params(name)
    if params:
        # compared as values, written as text: hours 12.0 is the default 12, and an unquoted YAML date its ISO text
        changed = {k for k, v in params.items() if k in spec.params and not same_json(_json_ready(v), _json_ready(spec.params[k]))}
        lines.append("Parameters: " + ", ".join(
            f"{k} = {_as_written(v)}" + (f" (default {_as_written(spec.params[k])})" if k in changed else "") for k, v in params.items()
        ))
    lines += ["", "Why:", textwrap.indent(spec.rationale, "  ")]
    for kind, title in (("bad", "Bad"), ("good", "Good")):
        example = _example(spec.docs, kind)
        if example:
            lines += ["", f"{title}:", textwrap.indent(example, "  ")]
    if "example-config" in spec.docs:
        lines += ["", f"(examples checked with configuration {spec.docs['example-config']})"]
    if "example-name" in spec.docs:  # its name picks the format: JavaScript in a .json file is a syntax error
        lines += ["", f"(examples checked as a file named {spec.docs['example-name']})"]
    return "\n".join(lines)
