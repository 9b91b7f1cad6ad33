"""Reading typed values the way the API sends them: numbers, numeric strings, null."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from ..findings import escape_token, join_pointer

_INT = re.compile(r"[+-]?[0-9]+\Z")
_NUMBER = re.compile(r"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?\Z")


def as_number(value: Any) -> float | None:
    """A JSON number or a numeric string as a float; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and _NUMBER.match(value):
        return float(value)
    return None


def as_int(value: Any) -> int | None:
    if type(value) is str and value.isdigit() and value.isascii():  # the common case: "1528628536879"
        return int(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT.match(value):
        return int(value)
    return None


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MS_PER_DAY = 86_400_000


@lru_cache(maxsize=1024)
def _day_text(day: int) -> str:
    return date.fromordinal(_EPOCH_ORDINAL + day).isoformat()


def format_ms(ms: int) -> str:
    """Epoch milliseconds as UTC text, exactly (integer arithmetic: no float rounding of large values).

    Messages quote two timestamps per finding; the date part is looked up per day.
    """
    day, rest = divmod(ms, _MS_PER_DAY)
    try:
        day_text = _day_text(day)
    except (OverflowError, ValueError):
        return f"{ms} ms"
    hours, rest = divmod(rest, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{day_text} {hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d} UTC"


def format_duration(ms: int) -> str:
    seconds, millis = divmod(abs(ms), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")) if n]
    return " ".join(parts) or f"{millis}ms"


def iter_strings(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """(pointer, string) for every string below ``value``."""
    stack = [(pointer, value)]
    while stack:
        here, item = stack.pop()
        if isinstance(item, str):
            yield here, item
        elif isinstance(item, dict):
            stack.extend((join_pointer(here, k), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((f"{here}/{i}", v) for i, v in enumerate(item))


def iter_path(value: Any, pointer: str, path: tuple[str, ...]) -> list[tuple[str, Any]]:
    """(pointer, value) for each match of a path of keys and ``*`` (every array item)."""
    items = [(pointer, value)]
    for token in path:
        found: list[tuple[str, Any]] = []
        if token == "*":
            for here, item in items:
                if type(item) is list:
                    found.extend((f"{here}/{i}", element) for i, element in enumerate(item))
        else:
            step = "/" + escape_token(token)
            for here, item in items:
                if type(item) is dict and token in item:
                    found.append((here + step, item[token]))
        if not found:
            return found
        items = found
    return items
