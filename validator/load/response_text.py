"""The top level of a response's JSON text, parsed by hand so its records can be parsed in parts.

The stdlib scanner parses each value (with the same hooks as a whole-document
parse); only the outer object and the records array are walked here. Any
surprise returns None or raises ``NotSplittable``: the caller then parses the
whole text the ordinary way, which also gives the ordinary error findings.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .positions import STRING_TOKEN, skip_ws

RECORDS_KEY = "conversationHistoryRecords"
# A value with fewer containers than this is nested less deep: far from any recursion limit.
_SAFE_BRACKETS = sys.getrecursionlimit() // 2
_OBJECT_START = re.compile(rf"\{{[ \t\n\r]*{STRING_TOKEN}", re.S)

Scanner = Callable[[str, int], tuple[Any, int]]


class NotSplittable(Exception):
    """The text is not a response whose records can be parsed in parts (or it is not valid JSON)."""


def _value(scan: Scanner, text: str, i: int) -> tuple[Any, int]:
    try:
        value, end = scan(text, i)
    except (StopIteration, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise NotSplittable from exc
    if end - i > _SAFE_BRACKETS and text.count("{", i, end) + text.count("[", i, end) > _SAFE_BRACKETS:
        # Nested this deep (or merely this many containers), a value parsed here, two levels above
        # where the whole-document parse meets it, might parse where that one stops as too deep.
        raise NotSplittable
    return value, end


def _expect(text: str, i: int, char: str) -> int:
    if text[i:i + 1] != char:
        raise NotSplittable
    return skip_ws(text, i + 1)


def _key(scan: Scanner, text: str, i: int) -> tuple[Any, int]:
    """A member's key and where its value starts."""
    key, i = _value(scan, text, i)
    return key, _expect(text, skip_ws(text, i), ":")


def _item(scan: Scanner, text: str, i: int, items: list, spans: list[int] | None) -> int:
    """Parse the item at ``i`` into ``items`` (its text's length into ``spans``); where it ends."""
    value, end = _value(scan, text, i)
    items.append(value)
    if spans is not None:
        spans.append(end - i)
    return end


@dataclass
class ResponseHead:
    """The members before the records, and where the first record starts."""

    members: list[tuple[str, Any]] = field(default_factory=list)
    records_at: int = 0


def read_head(text: str, scan: Scanner) -> ResponseHead | None:
    """Members up to the records array; None when the text is not an object with one."""
    head = ResponseHead()
    i = skip_ws(text, 0)
    if text[i:i + 1] != "{":
        return None
    i = skip_ws(text, i + 1)
    while text[i:i + 1] == '"':
        key, i = _key(scan, text, i)
        if key == RECORDS_KEY:
            head.records_at = _expect(text, i, "[")
            return head
        value, i = _value(scan, text, i)
        head.members.append((key, value))
        i = skip_ws(text, i)
        if text[i:i + 1] != ",":
            return None
        i = skip_ws(text, i + 1)
    return None


def read_items(text: str, i: int, scan: Scanner, items: list, stop: int | None = None, spans: list[int] | None = None) -> int:
    """Parse array items from ``i`` (an item, or the closing bracket) into ``items``.

    Returns the index after the closing bracket; with ``stop``, returns ``stop`` as
    soon as the next item starts exactly there. Raises ``NotSplittable`` when an
    item starts past ``stop`` (it was not an item boundary) or the text is not JSON.
    With ``spans``, the length of each item's text is appended to it.
    """
    if text[i:i + 1] == "]":
        return i + 1
    while True:
        if stop is not None and i >= stop:
            if i == stop:
                return stop
            raise NotSplittable
        i = skip_ws(text, _item(scan, text, i, items, spans))
        char = text[i:i + 1]
        if char == "]":
            if stop is not None:
                raise NotSplittable  # the array ended before the expected boundary
            return i + 1
        i = _expect(text, i, ",")


def read_tail(text: str, i: int, scan: Scanner, members: list[tuple[str, Any]]) -> None:
    """Members after the records array, up to the end of the text."""
    i = skip_ws(text, i)
    while text[i:i + 1] == ",":
        i = skip_ws(text, i + 1)
        key, i = _key(scan, text, i)
        if not isinstance(key, str) or key == RECORDS_KEY:
            raise NotSplittable
        value, i = _value(scan, text, i)
        members.append((key, value))
        i = skip_ws(text, i)
    if text[i:i + 1] != "}" or skip_ws(text, i + 1) != len(text):
        raise NotSplittable


def guess_split(text: str, records_at: int) -> int | None:
    """Where a record starts near the middle of the records (the first starts at ``records_at``), guessed unparsed.

    Records are written alike: each starts as the first does (its brace and first key, with the blanks between
    them), after a comma. A guess can be wrong (the same characters inside a record); the caller proves it by
    parsing up to it. No record is parsed to guess: a response of one huge record was parsed whole here only
    to find no second one, then again the ordinary way.
    """
    start = _OBJECT_START.match(text, records_at)
    if start is None:
        return None
    opening = text[records_at:start.end()]
    at = text.find(opening, records_at + (len(text) - records_at) // 2)
    while at >= 0:
        before = at - 1
        while text[before] in " \t\n\r":
            before -= 1
        if text[before] == ",":
            return at
        at = text.find(opening, at + 1)  # an object in an array, not after a comma: not a record
    return None
