"""Positions of keys in a TOML file, for configuration errors (tomllib gives values, not places).

Good enough for configuration files as people write them: ``[table]`` and ``[[array]]`` headers,
``key = value`` lines and dotted keys. A path not found falls back to its nearest parent found,
then to line 1, never to a wrong far-away line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(r"""(?:"[^"]*"|'[^']*'|[^.]+)""", dotted))


def toml_position(text: str, path: Sequence[str | int], prefix: Sequence[str] = ("tool", "sdelint")) -> tuple[int, int]:
    """1-based line and column of the key at ``prefix + path`` (indexes count ``[[...]]`` tables), or its nearest parent."""
    wanted = [*prefix, *path]
    best = (1, 1)
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
            if _is_prefix(table, wanted):
                best = (number, line.index("[") + 1)
            continue
        key = _KEY.match(line)
        if key:
            full = (*table, *_parts(key.group(1)))
            if _is_prefix(full, wanted):
                best = (number, key.start(1) + 1)
                if len(full) == len(wanted):
                    return best
    return best


def _is_prefix(found: Sequence[str], wanted: Sequence[str | int]) -> bool:
    return len(found) <= len(wanted) and all(str(a) == str(b) for a, b in zip(found, wanted, strict=False))
