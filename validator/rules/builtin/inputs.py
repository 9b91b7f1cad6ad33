"""Input rules: the loader reports them while reading bytes into a document; every one is an error by default."""

from __future__ import annotations

from ..base import Rule

RULES = [
    Rule(name, category="input", severity="error")
    for name in ("syntax-error", "encoding-error", "duplicate-key", "too-deep", "unrecognized-document", "read-error")
]
