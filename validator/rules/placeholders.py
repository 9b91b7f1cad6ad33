"""The placeholders of a custom rule's message: {value} and {pointer}, and the mistakes made writing them.

Also accepted as other linters write them, ``{{value}}`` (Spectral, ESLint) and ``{ value }``, since a user
who writes them means the substitution. A name in braces that is nearly one of them (``{Value}``,
``{values}``, Spectral's ``{{path}}``) is a configuration error: it would be printed as written in every
finding; so is one with Python's conversion or format (``{value!r}``, ``{value:>10}``), which is not applied.
Any other braces (``{0}``, ``{value.x}``, a regex's ``{3}``) are text.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from .values import quoted, show_json

PLACEHOLDERS = ("value", "pointer")
_PLACEHOLDER = re.compile(r"\{\{\s*(value|pointer)\s*\}\}|\{\s*(value|pointer)\s*\}")
# Python's str.format conversion or spec after a placeholder ({value!r}, {value:>10}): no formatting is done, so printed as written
_FORMATTED = re.compile(r"\{\{?\s*(value|pointer)\s*([!:][^{}]*)\}\}?")
_NAMED = re.compile(r"\{\{?\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}?\}")  # what reads as a placeholder: a name in braces
# Spectral's names for the place, and the short spellings; other near misses by their likeness (not {poster})
_ALIASES = {"path": "pointer", "property": "pointer", "val": "value", "ptr": "pointer"}
_LONGEST = 40  # characters of a string value quoted in a message, as the built-in rules quote them


def placeholder_problem(template: str) -> str | None:
    """Why ``template`` holds a placeholder that is no placeholder, with the one meant; None when it does not."""
    if formatted := _FORMATTED.search(template):
        return f"{formatted.group(0)} is no placeholder: {{{formatted.group(1)}}} takes no conversion or format, write {{{formatted.group(1)}}}"
    for match in _NAMED.finditer(template):
        name = match.group(1)
        if name in PLACEHOLDERS:
            continue
        meant = _ALIASES.get(name.lower()) or next(iter(difflib.get_close_matches(name.lower(), PLACEHOLDERS, n=1, cutoff=0.8)), None)
        if meant:
            return f"{match.group(0)} is no placeholder (did you mean {{{meant}}}?)"
    return None


def shown(value: Any, absent: bool = False) -> str:
    """A value as a message quotes it: a string quoted and cut short, JSON's true and null, a container by its size.

    A payload's value must not flood the report (a 5,000-character sku) nor read as Python (True, None, a dict).
    """
    if absent:
        return "(missing)"
    if isinstance(value, str):
        return quoted(value, _LONGEST)
    if isinstance(value, dict):
        return f"an object of {len(value)} member{'s' if len(value) != 1 else ''}"
    if isinstance(value, list):
        return f"an array of {len(value)} item{'s' if len(value) != 1 else ''}"
    return show_json(value)


def render(template: str, value: Any, pointer: str, absent: bool = False) -> str:
    """The message of one finding; in one pass, so a value that reads "{pointer}" is not substituted in turn."""
    return _PLACEHOLDER.sub(lambda match: pointer if "pointer" in (match.group(1), match.group(2)) else shown(value, absent), template)


def trimmed(text: str) -> str:
    """A message or summary without the newline YAML's block styles (``>``, ``|``) end it with, nor surrounding blanks.

    A line break inside is the user's, written on purpose (``|``): the reports escape it as they escape any control.
    """
    return text.strip()


def summary_text(template: str) -> str:
    """A summary (by default the message) describes the rule, not one finding: its placeholders read as an ellipsis."""
    return _PLACEHOLDER.sub("…", template)
