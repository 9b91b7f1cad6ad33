"""numeric-string: an API v2 number or boolean sent as a string."""

from __future__ import annotations

import re
from typing import Any

from ..base import EventContext, Hit, Rule
from ..params import Bool
from ..typed_fields import string_finder
from ..values import is_number_text


def numeric_string(ctx: EventContext, p: dict[str, Any]) -> list[Hit]:
    hits: list[Hit] = []
    string_finder(ctx.version, ctx.key, p["include-timestamps"])(ctx.event, ctx.pointer, hits, _typed_string_hit)
    return hits


def _typed_string_hit(pointer: str, expected: str, text: str) -> Hit | None:
    """The hit for a typed field sent as a string the schema accepts (anything else is the schema's bad-value)."""
    if expected == "boolean":
        if text != "true" and text != "false":
            return None
        return Hit(pointer, f"boolean value sent as the string {text!r}; API v2 types it as a JSON boolean", text)
    if not (holds_integer(text, _BITS[expected]) if expected in _BITS else is_number_text(text)):
        return None  # not an integer of its type's range ("34.0", "2147483648" for an int): the schema's bad-value
    return Hit(pointer, f"{expected} value sent as the string {text!r}; API v2 types it as a JSON number", text)


_INTEGER = re.compile(r"[+-]?[0-9]+")
# the tables' integer types: the bits of a signed integer of each
_BITS = {"int": 31, "long": 63}


def holds_integer(text: str, bits: int) -> bool:
    """Whether ``text`` is an integer (leading zeros and a sign allowed, as the schema's pattern) of a signed ``bits``-bit type."""
    if len(text) <= 9 and text.isdigit() and text.isascii():
        return True  # the common case: below 10**9, within an int's range and a long's
    if _INTEGER.fullmatch(text) is None:
        return False
    digits = text.lstrip("+-").lstrip("0")
    return len(digits) <= 19 and -(2**bits) <= int(text) < 2**bits  # past 19 digits, past any long (and int() stays cheap)


RULE = Rule("numeric-string", category="event", severity="info", api_versions=("v2",), params={"include-timestamps": Bool(False)}, check_event=numeric_string)
