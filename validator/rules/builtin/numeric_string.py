"""numeric-string: an API v2 number or boolean sent as a string."""

from __future__ import annotations

from typing import Any

from ..base import EventContext, Hit, Rule
from ..params import Bool
from ..typed_fields import string_finder
from ..values import holds_integer, is_number_text


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


# the tables' integer types: the bits of a signed integer of each
_BITS = {"int": 31, "long": 63}


RULE = Rule("numeric-string", category="event", severity="info", api_versions=("v2",), params={"include-timestamps": Bool(False)}, check_event=numeric_string)
