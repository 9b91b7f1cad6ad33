"""Input rules: the loader reports them while reading bytes into a document; all but not-checkable are errors by default."""

from __future__ import annotations

from ..base import Rule

RULES = [
    Rule(name, category="input", severity="error")
    for name in ("syntax-error", "encoding-error", "duplicate-key", "too-deep", "unrecognized-document", "read-error", "internal-error")
]
# What says an input could not be read or parsed at all: --select keeps them (as ruff reports a syntax error whatever
# is selected), or a gate written as `--select X` would pass a file it never checked. --ignore or off still silences them.
UNCHECKED_INPUT = ("syntax-error", "encoding-error", "too-deep", "read-error", "unrecognized-document")
# a pushed literal holding variables or expressions (JavaScript/HTML sources): reported, never guessed
RULES.append(Rule("not-checkable", category="input", severity="info"))
