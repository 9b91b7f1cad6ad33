"""value-length: an attribute value longer than the documented limit."""

from __future__ import annotations

from typing import Any

from ...model import PROFILES
from ..base import EventContext, Hit, Rule
from ..params import Choice, Number
from ..values import iter_strings

UNITS = ("characters", "utf16", "utf8")
# No string shorter than this share of the limit can exceed it in the unit: a UTF-8 character takes
# at most 4 bytes, and one character at most 2 UTF-16 code units.
_SHARE = {"characters": 1, "utf16": 2, "utf8": 4}


def _measure(text: str, unit: str) -> int:
    if unit == "utf8":
        return len(text.encode("utf-8", "surrogatepass"))
    if unit == "utf16":
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text)


def _has_string_longer_than(value: Any, size: int) -> bool:
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if kind is str:
            if len(item) > size:
                return True
        elif (kind is dict or kind is list) and _has_string_longer_than(item, size):
            return True
    return False


def value_length(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    limit, unit = p["max"], p["unit"]
    threshold = limit // _SHARE.get(unit, 4)
    if ctx.container is None or (ctx.longest_string is not None and ctx.longest_string <= threshold):
        return None  # no string in the text it came from is that long
    if not _has_string_longer_than(ctx.container, threshold):
        return None
    hits = []
    for pointer, text in iter_strings(ctx.container, ctx.container_pointer):
        if len(text) > threshold:
            size = _measure(text, unit)
            if size > limit:
                counted = unit.replace("utf8", "UTF-8 bytes").replace("utf16", "UTF-16 code units")
                hits.append(Hit(pointer, f"value is {size} {counted} long; the limit is {limit}"))
    return hits


RULE = Rule(
    "value-length", category="event", severity="error",
    params={"max": Number(50000), "unit": Choice("characters", UNITS)},
    check_event=value_length,
    profiles=PROFILES,
)
