"""Schema-derived rules: the schema stage reports them from the JSON Schemas' verdicts."""

from __future__ import annotations

from ...model import PROFILES
from ..base import Rule

# every profile's schemas give these; an unknown sdeType is Messaging Interactions' alone (Engagement History events
# have none, and a web object's unknown type is a bad-value): what `sdelint explain` says they apply to
RULES = [
    Rule("missing-field", category="schema", severity="error", profiles=PROFILES),
    Rule("unknown-field", category="schema", severity="warning", profiles=PROFILES),
    Rule("wrong-type", category="schema", severity="error", profiles=PROFILES),
    Rule("bad-value", category="schema", severity="error", profiles=PROFILES),
    Rule("unknown-sde-type", category="schema", severity="error"),
    # listed with the event rules, but a v1 value that is not a string is the schema's verdict
    Rule("v1-alphanumeric", category="event", stage="schema", severity="error", api_versions=("v1",)),
]
