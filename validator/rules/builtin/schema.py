"""Schema-derived rules: the schema stage reports them from the JSON Schemas' verdicts."""

from __future__ import annotations

from ..base import Rule

RULES = [
    Rule("missing-field", category="schema", severity="error"),
    Rule("unknown-field", category="schema", severity="warning"),
    Rule("wrong-type", category="schema", severity="error"),
    Rule("bad-value", category="schema", severity="error"),
    Rule("unknown-sde-type", category="schema", severity="error"),
    # listed with the event rules, but a v1 value that is not a string is the schema's verdict
    Rule("v1-alphanumeric", category="event", stage="schema", severity="error", api_versions=("v1",)),
]
