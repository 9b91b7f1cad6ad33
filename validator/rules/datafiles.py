"""The code lists shipped as text files in rules/data: one entry a line, ``#`` lines are comments."""

from __future__ import annotations

from functools import cache

from ..resources import _PACKAGE_DIR


@cache
def data_lines(name: str) -> tuple[str, ...]:
    """The entries of rules/data/``name``, read once per process (only when a rule first needs them)."""
    text = (_PACKAGE_DIR / "rules" / "data" / name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
