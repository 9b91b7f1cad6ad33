"""Positions from the parsed value, for text written the way ``json.dumps`` writes it.

The API sends minified JSON, and most captures are saved as received or re-written
by ``json.dumps``: such text is the value's canonical encoding. There, an offset is a
sum of encoded lengths: the C encoder gives a member's in one call, where the walk
steps through its text (and re-parses a container to skip it). Every piece summed is
first compared with the text at its place, so a text written any other way (indented,
escaped differently, numbers spelt otherwise) is noticed at its first difference and
the caller walks instead: the answer never depends on a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

try:
    from json.encoder import c_make_encoder  # type: ignore[attr-defined]  # the C accelerator, not in typeshed
except ImportError:  # pragma: no cover - every CPython build has it
    c_make_encoder = None


class _Style:
    """How a text is written: its separators and whether non-ASCII characters are escaped."""

    __slots__ = ("encode", "escape", "item_separator", "key_separator")

    def __init__(self, item_separator: str, key_separator: str, ascii_only: bool) -> None:
        self.item_separator = item_separator
        self.key_separator = key_separator
        self.escape: Callable[[str], str] = encode_basestring_ascii if ascii_only else encode_basestring
        chunks = c_make_encoder(None, _refuse, self.escape, None, key_separator, item_separator, False, False, True)
        self.encode: Callable[[Any], str] = lambda value: "".join(chunks(value, 0))


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON")  # a parsed document holds none


@lru_cache(maxsize=8)
def _style(item_separator: str, key_separator: str, ascii_only: bool) -> _Style:
    return _Style(item_separator, key_separator, ascii_only)


def _style_at(text: str, at: int, value: Any) -> _Style | None:
    """The style the value at ``at`` seems written in, judged by its first key; None when it is not written compactly or as json.dumps does."""
    ascii_only = text.isascii()  # O(1) in CPython; an ASCII text escapes whatever non-ASCII it holds
    compact = _style(",", ":", ascii_only)
    node = value
    for _ in range(8):  # down first items to the first key
        if type(node) is dict and node:
            after = at + 1 + len(compact.escape(next(iter(node))))
            if text.startswith(": ", after):
                return _style(", ", ": ", ascii_only)
            return compact if text.startswith(":", after) else None
        if type(node) is not list or not node:
            break
        if text[at + 1:at + 2] not in ("{", "["):
            break
        node, at = node[0], at + 1
    return compact  # no key to judge by: the comparisons decide


def place_canonically(text: str, at: int, value: Any, node: dict, found: dict[str, tuple[int | None, int]]) -> bool:
    """Record in ``found`` the targets of the trie ``node`` below ``value``, whose text starts at ``at``.

    False when the text is not written as its canonical encoding up to the last target; ``found``
    may then hold some right answers, and the caller walks the text for all of them.
    """
    if c_make_encoder is None or at >= len(text):
        return False
    style = _style_at(text, at, value)
    if style is None:
        return False
    try:
        return _placed(text, at, value, node, found, style, False) is not None
    except (RecursionError, TypeError, ValueError):  # too deep for the encoder; or not a parsed JSON value after all
        return False


# An object with more members is left to the walk, which steps over runs of flat members with one
# regular expression, where stepping through them here costs a few Python operations each (an
# object of 200,000 members: 5 to 8 times the walk). Events and records have tens.
MOST_MEMBERS_STEPPED = 100


def _value_starts(text: str, at: int) -> bool:
    """Whether a value starts at ``at``, not whitespace after a separator that only began as the style's (``, `` read as ``,``)."""
    return text[at:at + 1] not in _NOT_A_VALUE


_NOT_A_VALUE = ("", " ", "\t", "\n", "\r")


def _placed(text: str, at: int, value: Any, node: dict, found: dict, style: _Style, to_end: bool) -> int | None:
    """Place the targets of ``node`` below ``value`` at ``at``; None when its text is not its encoding.

    Otherwise the offset past the value when ``to_end`` (the caller goes on after it), else
    just a true value once the last target is placed: what follows it need not be read.
    Each member that holds no target is encoded once and compared whole; only the members
    of containers that hold targets are stepped through here.
    """
    kind = type(value)
    if kind is dict:
        return _placed_members(text, at, value, node, found, style, to_end)
    if kind is list:
        return _placed_items(text, at, value, node, found, style, to_end)
    piece = style.encode(value)  # a scalar has nothing below it
    return at + len(piece) if text.startswith(piece, at) else None


def _placed_members(text: str, at: int, value: dict, node: dict, found: dict, style: _Style, to_end: bool) -> int | None:
    if not text.startswith("{", at) or len(value) > MOST_MEMBERS_STEPPED:
        return None
    wanted = len(node) - (None in node)
    escape, encode, key_separator, item_separator = style.escape, style.encode, style.key_separator, style.item_separator
    startswith = text.startswith
    at += 1
    first = True
    for key, member in value.items():
        if first:
            first = False
        elif startswith(item_separator, at):
            at += len(item_separator)
        else:
            return None
        key_text = escape(key)
        if not (startswith(key_text, at) and startswith(key_separator, at + len(key_text))):
            return None
        key_at = at
        at += len(key_text) + len(key_separator)
        child = node.get(key)
        if child is not None:
            wanted -= 1
            if None in child:
                if not _value_starts(text, at):
                    return None
                found[child[None]] = (key_at, at)
            if len(child) > (None in child):
                past = _placed(text, at, member, child, found, style, to_end or wanted > 0)
                if past is None:
                    return None
                if not (wanted or to_end):
                    return past
                at = past
                continue
            if not (wanted or to_end):
                return at
        piece = escape(member) if type(member) is str else encode(member)
        if not startswith(piece, at):
            return None
        at += len(piece)
    return at + 1 if startswith("}", at) else None  # some tokens name no member: the object must end here, as parsed


def _placed_items(text: str, at: int, value: list, node: dict, found: dict, style: _Style, to_end: bool) -> int | None:
    if not text.startswith("[", at):
        return None
    targets = {int(token): child for token, child in node.items() if token is not None and token.isascii() and token.isdigit() and str(int(token)) == token}
    escape, encode, item_separator = style.escape, style.encode, style.item_separator
    startswith = text.startswith
    last = max(targets, default=-1) if not to_end else len(value)
    at += 1
    for index, item in enumerate(value):
        if index:
            if not startswith(item_separator, at):
                return None
            at += len(item_separator)
        child = targets.get(index)
        if child is not None:
            if None in child:
                if not _value_starts(text, at):
                    return None
                found[child[None]] = (None, at)
            if len(child) > (None in child):
                past = _placed(text, at, item, child, found, style, index != last)
                if past is None:
                    return None
                if index == last:
                    return past
                at = past
                continue
            if index == last:
                return at
        piece = escape(item) if type(item) is str else encode(item)
        if not startswith(piece, at):
            return None
        at += len(piece)
    return at + 1 if startswith("]", at) else None
