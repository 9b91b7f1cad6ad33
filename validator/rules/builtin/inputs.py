"""Input rules: the loader reports them while reading bytes into a document; all but not-checkable are errors by default."""

from __future__ import annotations

from ..base import Rule

RULES = [
    Rule(name, category="input", severity="error")
    for name in ("syntax-error", "encoding-error", "duplicate-key", "too-deep", "unrecognized-document", "read-error", "internal-error")
]
# a pushed literal holding variables or expressions (JavaScript/HTML sources): reported, never guessed
RULES.append(Rule("not-checkable", category="input", severity="info"))
