"""Positions of keys in a TOML file, for configuration errors (tomllib gives values, not places).

Good enough for configuration files as people write them: ``[table]`` and ``[[array]]`` headers,
``key = value`` lines and dotted keys. A path not found falls back to its nearest parent found,
then to line 1, never to a wrong far-away line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(r"""(?:"[^"]*"|'[^']*'|[^.]+)""", dotted))


def toml_position(text: str, path: Sequence[str | int], prefix: Sequence[str] = ("tool", "sdelint")) -> tuple[int, int]:
    """1-based line and column of the key at ``prefix + path`` (indexes count ``[[...]]`` tables), or its nearest parent."""
    return toml_locator(text, prefix)(path)


def toml_locator(text: str, prefix: Sequence[str] = ("tool", "sdelint")) -> Callable[[Sequence[str | int]], tuple[int, int]]:
    """``toml_position`` for many paths of one text: its headers and keys are read once, on the first call
    (a configuration with 3,000 misspelt rule names read it 3,000 times)."""
    places: dict[tuple[str, ...], tuple[int, int]] = {}

    def position(path: Sequence[str | int]) -> tuple[int, int]:
        if not places:
            places.update(_places(text))
        wanted = tuple(str(part) for part in (*prefix, *path))
        for length in range(len(wanted), 0, -1):  # the path itself, else its nearest parent written in the file
            place = places.get(wanted[:length])
            if place is not None:
                return place
        return 1, 1

    return position


def _places(text: str) -> dict[tuple[str, ...], tuple[int, int]]:
    """Where each table header and key is first written, by its full dotted path."""
    places: dict[tuple[str, ...], tuple[int, int]] = {(): (1, 1)}
    table: tuple[str, ...] = ()
    array_counts: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            table = _parts(header.group(2))
            if header.group(1) == "[[":
                index = array_counts.get(table, -1) + 1
                array_counts[table] = index
                table = (*table, str(index))
            places.setdefault(table, (number, line.index("[") + 1))
            continue
        key = _KEY.match(line)
        if key:
            places.setdefault((*table, *_parts(key.group(1))), (number, key.start(1) + 1))
    return places


def deepest_place(text: str) -> tuple[int, int]:
    """1-based line and column of the first bracket at the greatest nesting of arrays and inline tables.

    tomllib gives no place when nesting exhausts Python's stack: this is where the nesting goes deepest, strings
    (basic, literal, multi-line) and comments skipped, read without recursion.
    """
    depth = deepest = 0
    place = (1, 1)
    line, line_start, i, end = 1, 0, 0, len(text)
    while i < end:
        ch = text[i]
        if ch == "\n":
            line, line_start = line + 1, i + 1
        elif ch == "#":
            newline = text.find("\n", i)
            i = end if newline < 0 else newline
            continue
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            j = i + len(quote)
            while j < end and not text.startswith(quote, j):
                j += 2 if ch == '"' and text[j] == "\\" else 1
            j = min(end, j + len(quote))
            newlines = text.count("\n", i, j)
            if newlines:
                line, line_start = line + newlines, text.rindex("\n", i, j) + 1
            i = j
            continue
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest, place = depth, (line, i - line_start + 1)
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return place
