"""Text positions for JSON Pointers, computed only for inputs that have findings.

Parsing with the C decoder keeps clean inputs fast; when a finding needs a line
and column, these helpers walk the source text again, descending only along the
pointers asked for and skipping every other value with the C decoder.
"""

from __future__ import annotations

import json
import re
from typing import Callable, Iterable

from ..findings import join_pointer, split_pointer

_WS = re.compile(r"[ \t\n\r]*")
_SKIPPER = json.JSONDecoder()
_NON_FINITE = ("NaN", "Infinity", "-Infinity")


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a text offset."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def line_cols(text: str, offsets: list[int]) -> list[tuple[int, int]]:
    """line_col for many offsets in one sweep over the text (sorted internally)."""
    order = sorted(range(len(offsets)), key=offsets.__getitem__)
    result: list[tuple[int, int]] = [(0, 0)] * len(offsets)
    line, position, line_start = 1, 0, 0
    for index in order:
        offset = max(0, min(offsets[index], len(text)))
        newlines = text.count("\n", position, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", position, offset) + 1
        position = offset
        result[index] = (line, offset - line_start + 1)
    return result


_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t\n\r]*:[ \t\n\r]*', re.S)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_SCALAR = re.compile(r"-?Infinity|NaN|true|false|null|[-+0-9.eE]+")
_AFTER = re.compile(r"[ \t\n\r]*([,\]}])[ \t\n\r]*")


def _ws(text: str, i: int) -> int:
    return _WS.match(text, i).end()


def _skip(text: str, i: int) -> int:
    """Offset just past the value starting at ``i`` (the text is known to be valid JSON)."""
    c = text[i]
    if c == '"':
        return _STRING.match(text, i).end()
    if c in "{[":
        return _SKIPPER.raw_decode(text, i)[1]
    return _SCALAR.match(text, i).end()


def _walk_children(text: str, i: int, visit: Callable[[str, int | None, int], int | None]) -> int:
    """Call ``visit(token, key_offset, value_offset)`` for each member or item of the container at ``i``.

    ``visit`` returns the offset past the value, or None to have it skipped.
    Returns the offset just past the container.
    """
    close = "}" if text[i] == "{" else "]"
    i = _ws(text, i + 1)
    if text[i] == close:
        return i + 1
    index = 0
    while True:
        if close == "}":
            key_offset = i
            match = _KEY.match(text, i)
            raw = match.group(1)
            token = json.loads(f'"{raw}"') if "\\" in raw else raw
            i = match.end()
        else:
            key_offset, token = None, str(index)
            index += 1
        end = visit(token, key_offset, i)
        after = _AFTER.match(text, _skip(text, i) if end is None else end)
        if after.group(1) != ",":
            return after.end()
        i = after.end()


def locate(text: str, pointers: Iterable[str]) -> dict[str, tuple[int | None, int]]:
    """Map each pointer to (offset of its member key or None, offset of its value).

    A pointer that does not occur in the text is left out of the result.
    """
    trie: dict = {}
    for pointer in pointers:
        node = trie
        for token in split_pointer(pointer):
            node = node.setdefault(token, {})
        node[None] = pointer
    found: dict[str, tuple[int | None, int]] = {}
    start = _ws(text, 0)
    if None in trie:
        found[trie[None]] = (None, start)

    def descend(node: dict, i: int) -> int:
        """Record the targets below the value at ``i``; return the offset past that value."""
        if len(node) == (None in node) or text[i] not in "{[":
            return _skip(text, i)

        def visit(token: str, key_offset: int | None, value_offset: int) -> int | None:
            child = node.get(token)
            if child is None:
                return None
            if None in child:
                found[child[None]] = (key_offset, value_offset)
            return descend(child, value_offset)

        return _walk_children(text, i, visit)

    if start < len(text):
        descend(trie, start)
    return found


def scan_document(text: str) -> tuple[list[tuple[str, int]], list[tuple[str, int, str]]]:
    """Full walk for what the parser cannot place: duplicate keys and NaN/Infinity literals.

    Returns ([(pointer of the repeated member, offset of its key)], [(pointer, offset, literal)]).
    Run only when the parser has flagged one of them.
    """
    duplicates: list[tuple[str, int]] = []
    literals: list[tuple[str, int, str]] = []

    def value(pointer: str, i: int) -> int:
        c = text[i]
        if c == "{":
            seen: set[str] = set()

            def member(key: str, key_offset: int | None, value_offset: int) -> int:
                child = join_pointer(pointer, key)
                if key in seen:
                    duplicates.append((child, key_offset))
                seen.add(key)
                return value(child, value_offset)

            return _walk_children(text, i, member)
        if c == "[":
            return _walk_children(text, i, lambda t, _k, v: value(join_pointer(pointer, t), v))
        for literal in _NON_FINITE:
            if text.startswith(literal, i):
                literals.append((pointer, i, literal))
                return i + len(literal)
        return _skip(text, i)

    start = _ws(text, 0)
    if start < len(text):
        value("", start)
    return duplicates, literals


_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def depth_exceeded_at(text: str, limit: int) -> int:
    """Offset of the first bracket nested deeper than ``limit`` (0 if none)."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        c = match.group()
        if c in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif c in "]}":
            depth -= 1
    return 0
