"""Positions from the parsed value, for text indented the way ``json.dumps(value, indent=...)`` writes it.

Recorded fixtures and request bodies are indented. Laid out as json.dumps lays it out, each entry of a container
is on its own line indented one level deeper than the container's closing bracket, and nothing else is: so
within an object, the one line indented one level deeper that starts with a member's key is that member's
(a nested object's keys are indented further, and a raw newline is never inside a string). One regular
expression first checks that the whole value is laid out so; any other writing (trailing spaces, CRLF, ``[\\n]``,
mixed indents, ``":"`` without a space) fails it, and the caller walks instead. Number and string spellings do
not matter here: a key is only ever compared as written.
"""

from __future__ import annotations

import re
from functools import cache
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

_STRING = r'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
# in valid JSON, a number or literal is a run of characters that cannot end it
_OTHER = r'[^\s,:\[\]{}"]++'
_INDENT = re.compile(r"[ \t]*")

# Levels below the value checked by one pattern; a deeper value is walked. A record's deepest value, from the
# document's own array of records: 10 (records, record, unAuthSdes, events, event, cartStatus, products, ...).
DEEPEST = 12
# The indents that get patterns (about 5 ms each to compile): json.dumps' indent of 1 to 8 spaces or a tab, for values
# that start at most DEEPEST_START levels deep. A bounded set, so that no text can have patterns compiled again and again.
UNITS = frozenset([" " * width for width in range(1, 9)] + ["\t"])
DEEPEST_START = 8
# Past this many characters searched in one object (wanted keys times the object's length), it is walked.
MOST_SEARCHED = 1 << 20


@cache  # at most len(UNITS) * (DEEPEST_START + 1) patterns
def _layout(outer: str, unit: str) -> re.Pattern[str]:
    """A value laid out by json.dumps with ``indent=unit``, its closing bracket indented ``outer``, at most DEEPEST levels deep.

    A text known to be valid JSON is matched: an entry's key is optional and its comma too, where the
    JSON grammar requires them; between tokens, only the newlines and indents json.dumps writes.
    """
    value = rf"(?>{_STRING}|{_OTHER}|\{{\}}|\[\])"
    for depth in range(DEEPEST - 1, -1, -1):
        inner, closing = re.escape(outer + unit * (depth + 1)), re.escape(outer + unit * depth)
        value = rf"(?>{_STRING}|[{{\[](?>\n{inner}(?:{_STRING}: )?{value},?)++\n{closing}[}}\]]|{_OTHER}|\{{\}}|\[\])"
    return re.compile(value)


def place_indented(text: str, at: int, value: Any, node: dict, found: dict[str, tuple[int | None, int]]) -> bool:
    """Record in ``found`` the targets of the trie ``node`` below ``value``, whose text starts at ``at`` with ``{`` or ``[`` and a newline.

    False when the value is not laid out as json.dumps lays it out, or a wanted key is not written as json.dumps
    writes it (with or without ASCII escapes); ``found`` may then hold some right answers, and the caller walks.
    """
    if text[at:at + 1] not in ("{", "[") or not text.startswith("\n", at + 1):
        return False
    line_start = text.rfind("\n", 0, at) + 1
    outer = text[line_start:_INDENT.match(text, line_start).end()]  # type: ignore[union-attr]  # matches, if only ""
    first = text[at + 2:_INDENT.match(text, at + 2).end()]  # type: ignore[union-attr]
    unit = first[len(outer):]
    if unit not in UNITS or outer != unit * (len(outer) // len(unit)) or len(outer) > DEEPEST_START * len(unit):
        return False
    laid_out = _layout(outer, unit).match(text, at)
    if laid_out is None:
        return False
    return _found(text, at, laid_out.end(), value, node, found, outer, unit)


def _found(text: str, at: int, end: int, value: Any, node: dict, found: dict, outer: str, unit: str) -> bool:
    """The targets below the container at ``at`` (opened with a newline), checked to be laid out within ``text[at:end]``
    with its closing bracket indented ``outer``: a member's key is on a line indented ``outer + unit``, and a member's
    container is closed by the first bracket on such a line after it."""
    find = text.find
    line = "\n" + outer + unit
    skip = len(line)
    if text[at] == "{":
        if type(value) is not dict:
            return False
        searches = len(node) - (None in node)
        if searches > 1 and searches * (end - at) > MOST_SEARCHED:
            return False
        for token, child in node.items():
            if token is None or token not in value:
                continue  # the object's own target is its caller's; a token naming no member has no place
            key_text = encode_basestring(token)
            where = find(line + key_text + ": ", at, end)
            if where < 0 and not token.isascii():
                key_text = encode_basestring_ascii(token)
                where = find(line + key_text + ": ", at, end)
            if where < 0:
                return False  # written with other escapes
            key_at = where + skip
            value_at = key_at + len(key_text) + 2
            if None in child:
                found[child[None]] = (key_at, value_at)
            if len(child) > (None in child) and text[value_at] in "{[" and text.startswith("\n", value_at + 1):  # else nothing below
                if text[value_at] == "{":  # its keys are searched for up to its end
                    closed = find(line + "}", value_at, end)
                    if closed < 0:
                        return False
                    closed += skip + 1
                else:  # an array's items are stepped through, each to its own end
                    closed = end
                if not _found(text, value_at, closed, value[token], child, found, outer + unit, unit):
                    return False
        return True
    if type(value) is not list:
        return False
    targets = {int(token): child for token, child in node.items() if token is not None and token.isascii() and token.isdigit() and str(int(token)) == token}
    last = max((index for index in targets if index < len(value)), default=-1)
    position = at + 1 + skip  # past "[", its newline and the indent
    for index in range(last + 1):
        child = targets.get(index)
        if text[position] in "{[" and text.startswith("\n", position + 1):
            item_end = find(line + ("}" if text[position] == "{" else "]"), position, end) + skip + 1  # past its closing bracket
            if item_end < skip + 1:
                return False
            if child is not None and len(child) > (None in child) and not _found(text, position, item_end, value[index], child, found, outer + unit, unit):
                return False
        else:
            item_end = find("\n", position, end) - 1  # a scalar, {} or [], and maybe its comma: one line
            if item_end < 0:
                return False
            if text[item_end] != ",":
                item_end += 1
        if child is not None and None in child:
            found[child[None]] = (None, position)
        if index < last:
            if not text.startswith(",\n", item_end):
                return False  # no other item: not the value parsed
            position = item_end + skip + 1
    return True
