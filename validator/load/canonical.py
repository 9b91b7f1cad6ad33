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

from ..fastjson import orjson_module

try:
    from json.encoder import c_make_encoder  # type: ignore[attr-defined]  # the C accelerator, not in typeshed
except ImportError:  # pragma: no cover - every CPython build has it
    c_make_encoder = None


class _Style:
    """How a text is written: its separators and whether non-ASCII characters are escaped."""

    __slots__ = ("encode", "escape", "item_separator", "key_separator", "keys", "quick")

    def __init__(self, item_separator: str, key_separator: str, ascii_only: bool) -> None:
        self.item_separator = item_separator
        self.key_separator = key_separator
        self.escape: Callable[[str], str] = encode_basestring_ascii if ascii_only else encode_basestring
        chunks = c_make_encoder(None, _refuse, self.escape, None, key_separator, item_separator, False, False, True)
        self.encode: Callable[[Any], str] = lambda value: "".join(chunks(value, 0))
        self.quick = _quick_encoder() if (item_separator, key_separator) == (",", ":") else None
        # name -> (escaped, as searched for: item separator, escaped, key separator, whether a string's end may match it)
        self.keys: dict[str, tuple[str, str, bool]] = {}

    def key(self, name: str) -> tuple[str, str, bool]:
        """A member name as ``_found_by_keys`` searches for it; the names of events recur in every record."""
        known = self.keys.get(name)
        if known is None:
            escaped = self.escape(name)
            known = escaped, self.item_separator + escaped + self.key_separator, escaped[1:2] in _MAY_FOLLOW_A_STRING
            if len(name) <= _LONGEST_KEY_KEPT:
                if len(self.keys) >= _MOST_KEYS_KEPT:
                    self.keys.clear()  # a document of other names (a service's next request) fills it anew
                self.keys[name] = known
        return known


# Names kept per style, for as long as the process runs: not without end (a document of random keys), not long ones
_MOST_KEYS_KEPT = 4096
_LONGEST_KEY_KEPT = 64


def _quick_encoder() -> Callable[[Any], bytes] | None:
    """orjson's compact encoder, when installed: 4 to 5 times the standard library's speed on an event. Its text
    differs from json.dumps's only for some floats (1.5e-05), NaN and integers past 64 bits (which it refuses),
    so what it writes is compared with the text like anything else, and json.dumps's tried when it differs."""
    orjson = orjson_module()
    if orjson is None:  # an optional speed-up: the standard library's encoder does the same work
        return None
    quick: Callable[[Any], bytes] = orjson.dumps
    return quick


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON")  # a parsed document holds none


def _encoded_at(text: str, at: int, value: Any, style: _Style) -> int | None:
    """The offset past ``value`` when the text at ``at`` is its encoding in ``style``, else None.

    Every length summed here is compared with the text first: a text written any other way is noticed
    where it differs, and a region matched by orjson's encoding is as good as one matched by json.dumps's.
    """
    if type(value) is str:
        piece = style.escape(value)
        return at + len(piece) if text.startswith(piece, at) else None
    if style.quick is not None:
        try:
            piece = style.quick(value).decode()
        except TypeError:  # an integer past 64 bits, a lone surrogate, nesting past orjson's depth: the standard library
            pass
        else:
            if text.startswith(piece, at):
                return at + len(piece)
    piece = style.encode(value)
    return at + len(piece) if text.startswith(piece, at) else None


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


# Each wanted key of an object is searched for in the text of that object (or of an enclosing one): past this many
# characters searched in all (wanted keys times that text's length), the members are stepped through instead.
MOST_SEARCHED = 1 << 20


def _found_by_keys(text: str, at: int, end: int, value: Any, node: dict, found: dict, style: _Style) -> bool:
    """Place the targets of ``node`` below ``value``, whose encoding is known to be the text at ``at``, within ``text[at:end]``.

    There a member's key can only be written as the item separator, its escaped name and the key separator (a
    quote after an item separator opens a key: inside a string it would be escaped), so a key found once in the
    text of its object, or of an enclosing one, is that member's. Found more than once, the first is the member's
    when no member before it holds a container (another would be in a container after it, or past the object) and
    the name cannot begin right after a string's closing quote (``{"x,":1,":y":2,":1,":3}``: a search for ``,":1,":``
    matches at the end of ``"x,"``); else the member is placed by the lengths of the members before it. Only what
    comes before a target is encoded: a target's own text is bounded by its container's end, so a deep target costs
    no encoding of each level above it. False only for an object with too many members to step.

    One function for both steps (search, then descend): with a finding in most events it runs for every object
    on the way to each, 250,000 times in a capture of 200,000 findings.
    """
    kind = type(value)
    if kind is dict:
        if len(node) * (end - at) > MOST_SEARCHED:
            return _found_by_lengths(text, at, end, value, node, found, style)
        key, separator_length = style.key, len(style.item_separator)
        value_after = len(style.key_separator)
        find = text.find
        first = next(iter(value), None)
        for token, child in node.items():
            if token is None or token not in value:
                continue  # the object's own target is its caller's; a token naming no member has no place
            key_text, wanted, may_follow_a_string = key(token)
            if token == first:
                key_at = at + 1
            else:
                where = find(wanted, at, end)
                if where < 0 or (find(wanted, where + 1, end) >= 0 and (may_follow_a_string or _container_before(value, token))):
                    return _found_by_lengths(text, at, end, value, node, found, style)  # what was found so far is found again
                key_at = where + separator_length
            value_at = key_at + len(key_text) + value_after
            target = child.get(None)
            if target is not None:
                found[target] = (key_at, value_at)
            if len(child) > (target is not None) and not _found_by_keys(text, value_at, end, value[token], child, found, style):
                return False
        return True
    if kind is list:
        targets = {}
        for token, child in node.items():
            # an index as RFC 6901 writes one: ASCII digits, no leading zero
            if token is not None and token.isdigit() and token.isascii() and (token[0] != "0" or token == "0"):
                targets[int(token)] = child
        last = max((index for index in targets if index < len(value)), default=-1)
        item_separator = style.item_separator
        position = at + 1
        for index, item in enumerate(value[:last + 1]):
            if index:
                position += len(item_separator)
            piece_end = end if index == last else _encoded_at(text, position, item, style)
            if piece_end is None:
                return False
            child = targets.get(index)
            if child is not None:
                target = child.get(None)
                if target is not None:
                    found[target] = (None, position)
                if len(child) > (target is not None) and not _found_by_keys(text, position, piece_end, item, child, found, style):
                    return False
            position = piece_end
    return True  # a scalar has nothing below it


# The first character of an escaped name that may also follow a string's closing quote (a key separator, an item
# separator, the end of a container, the space of ", " and ": "): a search for such a name may match there
_MAY_FOLLOW_A_STRING = frozenset(":,}] ")


def _container_before(value: dict, name: str) -> bool:
    """Whether a member before ``name`` holds an object or array (where the key may be written too)."""
    for key, member in value.items():
        if key == name:
            return False
        if type(member) is dict or type(member) is list:
            return True
    return False


def _found_by_lengths(text: str, at: int, end: int, value: dict, node: dict, found: dict, style: _Style) -> bool:
    """Place the targets of ``node`` below ``value``, whose text at ``at`` is known to be its encoding (within
    ``text[at:end]``), by summing the lengths of the members before each."""
    if len(value) > MOST_MEMBERS_STEPPED:
        return False
    escape, key_separator, item_separator = style.escape, style.key_separator, style.item_separator
    wanted = sum(1 for token in node if token is not None and token in value)
    position = at + 1
    for key, member in value.items():
        if not wanted:
            break
        key_text = escape(key)
        if not text.startswith(key_text, position):
            return False
        value_at = position + len(key_text) + len(key_separator)
        child = node.get(key)
        wanted -= child is not None
        piece_end = end if not wanted else _encoded_at(text, value_at, member, style)
        if piece_end is None:
            return False
        if child is not None:
            if None in child:
                found[child[None]] = (position, value_at)
            if len(child) > (None in child) and not _found_by_keys(text, value_at, piece_end, member, child, found, style):
                return False
        position = piece_end + len(item_separator)
    return True


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
    return _encoded_at(text, at, value, style)  # a scalar has nothing below it


def _placed_members(text: str, at: int, value: dict, node: dict, found: dict, style: _Style, to_end: bool) -> int | None:
    if not text.startswith("{", at) or len(value) > MOST_MEMBERS_STEPPED:
        return None
    wanted = len(node) - (None in node)
    escape, key_separator, item_separator = style.escape, style.key_separator, style.item_separator
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
        past = _encoded_at(text, at, member, style)
        if past is None:
            return None
        at = past
    return at + 1 if startswith("}", at) else None  # some tokens name no member: the object must end here, as parsed


def _placed_items(text: str, at: int, value: list, node: dict, found: dict, style: _Style, to_end: bool) -> int | None:
    if not text.startswith("[", at):
        return None
    targets = {int(token): child for token, child in node.items() if token is not None and token.isascii() and token.isdigit() and str(int(token)) == token}
    item_separator = style.item_separator
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
                # an item written as its encoding (an event, a product) is placed by its keys; else it is stepped through
                past = _encoded_at(text, at, item, style)
                if past is None or not _found_by_keys(text, at, past, item, child, found, style):
                    past = _placed(text, at, item, child, found, style, index != last)
                if past is None or index == last:
                    return past
                at = past
                continue
            if index == last:
                return at
        past = _encoded_at(text, at, item, style)
        if past is None:
            return None
        at = past
    return at + 1 if startswith("]", at) else None
