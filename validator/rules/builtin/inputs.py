"""Input rules: the loader reports them while reading bytes into a document."""

from __future__ import annotations

from ..base import Rule

RULES = [
    Rule("syntax-error", category="input", severity="error"),
    Rule("encoding-error", category="input", severity="error"),
    Rule("duplicate-key", category="input", severity="error"),
    Rule("too-deep", category="input", severity="error"),
    Rule("unrecognized-document", category="input", severity="error"),
    Rule("read-error", category="input", severity="error"),
]
