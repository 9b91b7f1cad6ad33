"""Text positions for JSON Pointers, computed only for inputs that have findings.

Parsing with the C decoder keeps clean inputs fast; when a finding needs a line
and column, these helpers walk the source text again, descending only along the
pointers asked for and skipping every other value with the C decoder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from ..findings import Problem, join_pointer, split_pointer
from .canonical import place_canonically
from .indented import place_indented

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
    end = len(text)
    first_newline = text.find("\n")
    if first_newline < 0 or max(offsets, default=0) <= first_newline:  # minified, as the API sends it: all on line 1
        return [(1, offset + 1) if 0 <= offset <= end else (1, max(0, min(offset, end)) + 1) for offset in offsets]
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


# a JSON string, unrolled: no alternation per character; possessive: re keeps no backtracking point per escape
# (a value of 10 million escapes held 1.2 GB of them), and a string token ends at one place only anyway
STRING_TOKEN = r'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
_SCALAR_TOKEN = rf"{STRING_TOKEN}|-?Infinity|NaN|true|false|null|[-+0-9.eE]+"
# a member's key; if its value is a scalar, also the value and the separator after it
_MEMBER = re.compile(rf"({STRING_TOKEN})[ \t\n\r]*:[ \t\n\r]*(?:({_SCALAR_TOKEN})[ \t\n\r]*([,}}])[ \t\n\r]*)?", re.S)
# an array item that is a scalar, with the separator after it
_ITEM = re.compile(rf"(?:({_SCALAR_TOKEN})[ \t\n\r]*([,\]])[ \t\n\r]*)?", re.S)
_STRING = re.compile(STRING_TOKEN, re.S)
_SCALAR = re.compile(r"-?Infinity|NaN|true|false|null|[-+0-9.eE]+")
_AFTER = re.compile(r"[ \t\n\r]*([,\]}])[ \t\n\r]*")


def skip_ws(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]  # whitespace* matches the empty string too


def _skip(text: str, i: int) -> int:
    """Offset just past the value starting at ``i`` (the text is known to be valid JSON)."""
    c = text[i]
    if c == '"':
        return _STRING.match(text, i).end()  # type: ignore[union-attr]  # valid JSON: a string starts here
    if c in "{[":
        return _SKIPPER.raw_decode(text, i)[1]
    return _SCALAR.match(text, i).end()  # type: ignore[union-attr]  # valid JSON: a scalar starts here


# a container holding scalars only (the flat objects and arrays a record is full of)
_FLAT_TOKEN = rf'\{{[^{{}}\[\]"]*+(?:{STRING_TOKEN}[^{{}}\[\]"]*+)*+\}}|\[[^{{}}\[\]"]*+(?:{STRING_TOKEN}[^{{}}\[\]"]*+)*+\]'


_MOST_AVOIDED_NAMES = 64
_LONGEST_AVOIDED_NAME = 256
_STEP_OVER_NOTHING = re.compile("")


@lru_cache(maxsize=256)
def _other_members(keys: frozenset[str | None]) -> re.Pattern:
    """Steps over a run of members holding scalars or flat containers, each with its comma,
    stopping before any of ``keys``: a walk's Python loop then runs for the few other members only.

    Only keys written without escapes are stepped over, so a key is compared as it is written.
    """
    names = sorted(key for key in keys if key is not None)  # None: a trie node's own target, not a name
    if len(names) > _MOST_AVOIDED_NAMES or any(len(name) > _LONGEST_AVOIDED_NAME for name in names):
        # a pattern holding a huge key costs more to compile than the walk it saves; one holding many keys tries
        # each at every member it steps over (an event with 100,000 unknown keys: quadratic, minutes)
        return _STEP_OVER_NOTHING
    avoid = rf'(?!"(?:{"|".join(map(re.escape, names))})")' if names else ""
    value = rf"(?:{_SCALAR_TOKEN}|{_FLAT_TOKEN})"
    return re.compile(rf'(?:{avoid}"[^"\\]*"[ \t\n\r]*:[ \t\n\r]*{value}[ \t\n\r]*,[ \t\n\r]*)*+', re.S)


def _walk_children(text: str, i: int, visit: Callable[[str, int | None, int], int | None], wanted: frozenset[str | None] | None = None) -> int:
    """Call ``visit(token, key_offset, value_offset)`` for each member or item of the container at ``i``.

    ``visit`` returns the offset past the value, or None to have it skipped.
    Returns the offset just past the container. A scalar member or item is
    matched with its separator in one step: most of a walk is stepping over
    them. With ``wanted``, scalar members with other keys may not be visited at all.
    """
    is_object = text[i] == "{"
    i = skip_ws(text, i + 1)
    if text[i] in "}]":
        return i + 1
    index = 0
    step_over = _other_members(wanted).match if wanted is not None and is_object else None
    while True:
        if is_object:
            if step_over is not None:
                i = step_over(text, i).end()  # type: ignore[union-attr]  # a run of zero members matches too
            match = _MEMBER.match(text, i)
            assert match is not None  # valid JSON: a member starts here
            raw = match.group(1)[1:-1]
            token = json.loads(f'"{raw}"') if "\\" in raw else raw
            key_offset: int | None = i
            separator = match.group(3)
            value_offset = match.start(2) if separator else match.end()
        else:
            match = _ITEM.match(text, i)
            assert match is not None  # the item pattern is optional: it always matches
            token, key_offset = str(index), None
            index += 1
            separator = match.group(2)
            value_offset = i
        end = visit(token, key_offset, value_offset)
        if separator:
            if separator != ",":
                return match.end()
            i = match.end()
            continue
        after = _AFTER.match(text, _skip(text, value_offset) if end is None else end)
        assert after is not None  # valid JSON: a separator follows every value
        if after.group(1) != ",":
            return after.end()
        i = after.end()


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_$@.+-]+\Z")  # characters JSON has no short escape for
# A \u escape of an ASCII character: the only other way to write a plain name's key ("\u0073des" is "sdes").
# Escapes of other characters (é, emoji) cannot spell one, and are common in ensure_ascii text.
_ESCAPED_ASCII = re.compile(r"\\u00[0-7]")


def may_escape_ascii(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` holds a ``\\u`` escape of an ASCII character: else a plain name appears in it only as written."""
    return _ESCAPED_ASCII.search(text, start, len(text) if end is None else end) is not None
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")


def _only_key(text: str, name: str, start: int, end: int | None = None) -> tuple[int, int] | None:
    """(key offset, value offset) of the one member named ``name`` in the text from ``start`` (to ``end``), or None.

    A key's opening quote never follows a backslash, so other occurrences (inside
    strings, after an escaped quote) are told apart; a second key of that name
    anywhere after ``start`` makes the answer None.
    """
    quoted = f'"{name}"'
    place = None
    stop = len(text) if end is None else end
    at = text.find(quoted, start, stop)
    while at >= 0:
        colon = _COLON.match(text, at + len(quoted))
        if colon is not None and text[at - 1] != "\\":
            if place is not None:
                return None
            place = (at, colon.end())
        at = text.find(quoted, at + 1, stop)
    return place


# The value of an anchor or of the document, when the caller has not parsed it.
UNKNOWN: Any = object()
# Where an array item's value starts and ends in the text, and its parsed value (or UNKNOWN).
Anchor = tuple[int, int, Any]


def locate(
    text: str, pointers: Iterable[str], root: Any = UNKNOWN, anchors: Mapping[str, Anchor] | None = None, duplicates: bool = False
) -> dict[str, tuple[int | None, int]]:
    """Map each pointer to (offset of its member key or None, offset of its value).

    A pointer that does not occur in the text is left out of the result.
    ``root``, the parsed document, spares the walk where it can: the first step
    finds a wanted member by its key when the name is a key only once in the text
    (no ``\\u`` escape of an ASCII character in it), which skips what lies before it (a record's
    messages, participants, ...); below that, a text written as ``json.dumps``
    writes it, compact or indented, is placed from the parsed values (see ``canonical`` and ``indented``).
    ``anchors`` maps the pointers of array items to where their values start and end,
    and their parsed values (a parse that went item by item knows them): pointers
    below an anchor are found from there, without a walk to it, and its wanted
    members by their keys as for the document's (a record's sdes, past its messages).
    ``duplicates``: the parse met a repeated key. The parsed object keeps one member per key
    (the last value, at the first key's place), so the text is always walked: a finding about
    a repeated member's value points at the value that was checked, the last.
    """
    trie = _trie(pointers)
    found: dict[str, tuple[int | None, int]] = {}
    anchored = _detach_anchored(trie, anchors) if anchors else []
    start = skip_ws(text, 0)
    if None in trie:
        found[trie[None]] = (None, start)

    def descend(node: dict, i: int, value: Any) -> None:
        """Record the targets below ``value`` (UNKNOWN: not parsed), whose text starts at ``i``."""
        placed = place_indented if text.startswith("\n", i + 1) else place_canonically  # a canonical text has no newline
        if value is UNKNOWN or duplicates or not placed(text, i, value, node, found):
            _found_below(text, node, i, found)

    for node, (offset, end, value) in anchored:
        if None in node:
            found[node[None]] = (None, offset)
        if len(node) > (None in node):
            _found_from(text, offset, node, value, found, descend, end)
    if start < len(text) and len(trie) > (None in trie):
        _found_from(text, start, trie, root, found, descend)
    return found


def _found_from(text: str, start: int, node: dict, value: Any, found: dict, descend: Callable[[dict, int, Any], None], end: int | None = None) -> None:
    """The targets below the value at ``start``: by its members' keys, else by its encoding, else by the walk."""
    if not _members_found_directly(text, start, node, value, found, descend, end):
        descend(node, start, value)


def _trie(pointers: Iterable[str]) -> dict:
    """Nested dicts of the pointers' tokens; a node's None entry is the pointer that ends there."""
    root: dict = {}
    for pointer in pointers:
        node = root
        for token in split_pointer(pointer):
            node = node.setdefault(token, {})
        node[None] = pointer
    return root


def _found_below(text: str, node: dict, i: int, found: dict[str, tuple[int | None, int]]) -> int:
    """Record in ``found`` the targets of the trie ``node`` below the value at ``i``; the offset past that value.

    ``_walk_children`` with the visit written inline: with findings in most events the walk
    meets hundreds of thousands of members, and a call per member was most of its time.
    """
    if len(node) == (None in node) or text[i] not in "{[":
        return _skip(text, i)
    is_object = text[i] == "{"
    i = skip_ws(text, i + 1)
    if text[i] in "}]":
        return i + 1
    step_over = _other_members(frozenset(node)).match if is_object else None
    index = 0
    match: re.Match[str] | None
    while True:
        if step_over is not None:
            stepped = step_over(text, i)  # matches, if only the empty string
            assert stepped is not None
            i = stepped.end()
            match = _MEMBER.match(text, i)
            assert match is not None  # the text is valid JSON
            raw, separator = match.group(1, 3)
            raw = raw[1:-1]
            child = node.get(json.loads(f'"{raw}"') if "\\" in raw else raw)
            key_offset: int | None = i
            value_offset = match.start(2) if separator else match.end()
        else:
            match = _ITEM.match(text, i)
            assert match is not None  # matches, if only the empty string
            child = node.get(str(index))
            index += 1
            separator = match.group(2)
            key_offset, value_offset = None, i
        if child is not None and None in child:
            found[child[None]] = (key_offset, value_offset)
        if separator:
            if separator != ",":
                return match.end()
            i = match.end()
            continue
        end = _skip(text, value_offset) if child is None else _found_below(text, child, value_offset, found)
        after = _AFTER.match(text, end)
        assert after is not None  # the text is valid JSON
        if after.group(1) != ",":
            return after.end()
        i = after.end()


def _detach_anchored(trie: dict, anchors: Mapping[str, Anchor]) -> list[tuple[dict, Anchor]]:
    """Take the sub-tries of the anchored pointers out of ``trie`` (and the branches left empty): [(sub-trie, anchor)]."""
    anchored = []
    for anchor, spot in anchors.items():
        tokens = split_pointer(anchor)
        path = [trie]
        for token in tokens:
            child = path[-1].get(token)
            if child is None:
                break
            path.append(child)
        else:
            if tokens:
                anchored.append((path[-1], spot))
                for parent, token in zip(reversed(path[:-1]), reversed(tokens), strict=False):  # path may be longer than its tokens
                    del parent[token]
                    if parent:
                        break
    return anchored


def problem_offsets(problems: list[Problem], locator: Callable[[list[str]], Mapping[str, tuple[int | None, int]]]) -> list[int]:
    """The text offset of each problem: its own, else its member's key (``at_key``) or value, else 0."""
    wanted = [problem.pointer for problem in problems if problem.offset is None]
    spots: Mapping[str, tuple[int | None, int]] = {}
    if wanted:
        try:
            spots = locator(wanted)
        except RecursionError:  # parsed, but too deep for the locating walk: the findings keep no position
            spots = {}
    offsets: list[int] = []
    add, spot_of, nowhere = offsets.append, spots.get, (None, 0)
    for problem in problems:
        offset = problem.offset
        if offset is None:
            key_offset, offset = spot_of(problem.pointer, nowhere)
            if problem.at_key and key_offset is not None:
                offset = key_offset
        add(offset)
    return offsets


def _members_found_directly(
    text: str, start: int, trie: dict, value: Any, found: dict, descend: Callable[[dict, int, Any], None], end: int | None = None
) -> bool:
    """Place the wanted members of the object ``value`` at ``start`` (ending at ``end``) by searching for their keys; False when that is not certain."""
    names = [token for token in trie if token is not None]
    if type(value) is not dict or text[start] != "{" or not names or len(names) > _MOST_AVOIDED_NAMES or may_escape_ascii(text, start, end):
        return False  # many names: a search of the whole object for each would be quadratic; the walk goes member by member
    keys = value
    places = []
    for name in names:
        place = _only_key(text, name, start, end) if name in keys and _PLAIN_NAME.match(name) else None
        if place is None:
            return False
        places.append(place)
    for name, (key_offset, value_offset) in zip(names, places, strict=True):
        child = trie[name]
        if None in child:
            found[child[None]] = (key_offset, value_offset)
        if len(child) > (None in child):
            descend(child, value_offset, value[name])
    return True


# The first characters of a value that may hold a repeated key or a NaN/Infinity literal: other scalars are skipped
# without building their pointers (most members of a document).
_MAY_HOLD_FINDINGS = frozenset("{[NI-")


def scan_document(text: str, numbers: Mapping[int, str] | None = None) -> tuple[list[tuple[str, int]], list[tuple[str, int, str]]]:
    """Full walk for what the parser cannot place: duplicate keys, NaN/Infinity literals, and ``numbers`` (offset -> literal:
    numbers found by offset that need their pointer, as one too large for a double).

    Returns ([(pointer of the repeated member, offset of its key)], [(pointer, offset, literal)]).
    Run only when the parser has flagged one of them.
    """
    duplicates: list[tuple[str, int]] = []
    literals: list[tuple[str, int, str]] = []
    numbers = numbers or {}
    may_hold_findings = _MAY_HOLD_FINDINGS | frozenset("0123456789") if numbers else _MAY_HOLD_FINDINGS

    def value(pointer: str, i: int) -> int:
        c = text[i]
        if c == "{":
            seen: set[str] = set()

            def member(key: str, key_offset: int | None, value_offset: int) -> int | None:
                if key in seen and key_offset is not None:  # an object member always has its key's offset
                    duplicates.append((join_pointer(pointer, key), key_offset))
                seen.add(key)
                return value(join_pointer(pointer, key), value_offset) if text[value_offset] in may_hold_findings else None

            return _walk_children(text, i, member)
        if c == "[":
            return _walk_children(text, i, lambda t, _k, v: value(join_pointer(pointer, t), v) if text[v] in may_hold_findings else None)
        if i in numbers:
            literals.append((pointer, i, numbers[i]))
            return i + len(numbers[i])
        for literal in _NON_FINITE:
            if text.startswith(literal, i):
                literals.append((pointer, i, literal))
                return i + len(literal)
        return _skip(text, i)

    start = skip_ws(text, 0)
    if start < len(text):
        value("", start)
    return duplicates, literals


BRACKETS = re.compile(rf"{STRING_TOKEN}|[\[\]{{}}]", re.S)


def depth_exceeded_at(text: str, limit: int) -> int:
    """Offset of the first bracket nested deeper than ``limit`` (0 if none)."""
    depth = 0
    for match in BRACKETS.finditer(text):
        c = match.group()
        if c in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif c in "]}":
            depth -= 1
    return 0
