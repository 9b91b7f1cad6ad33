"""The one record every stage produces and every reporter consumes."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field, replace
from functools import total_ordering
from typing import Any

SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}


class SharedExtra(dict[str, Any]):
    """A finding's ``extra`` as the linter makes it: one for all the findings of an input (a copy for each cost the
    reports' speed), so read-only: a change to one finding's ``extra`` changed every other's."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a Finding's extra is shared by the findings of its input and cannot be changed: "
                        "change a copy, dict(finding.extra), or a copy of the finding, finding.with_(extra={...})")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[Any, ...]:  # pickled (from a worker), copied: rebuilt whole, not item by item
        return type(self), (dict(self),)


# not frozen: a frozen dataclass sets each field through object.__setattr__, three times slower to build, and a
# report builds one per finding; hashed all the same (by the fields it is compared by), as it is treated as immutable
@total_ordering  # <=, >, >= from __lt__ and the dataclass's __eq__ (the same fields)
@dataclass(slots=True, unsafe_hash=True)
class Finding:
    """A problem at one place in one input (treated as immutable: change one with ``with_``); hashable, so a set of
    findings (``set(lint_path(a)) - set(lint_path(b))``) works, and ordered, so ``sorted()`` merges the findings of
    several inputs: by file, line, column, pointer (array indices as numbers: ``/events/2`` before ``/events/10``),
    rule, severity and message.

    ``line``/``column`` are 1-based and count characters; they are 0 when the
    input has no text position (a Python object given to ``lint``).
    """

    file: str
    line: int
    column: int
    pointer: str
    rule: str
    severity: str
    message: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    value: Any = field(default=None, compare=False, repr=False)  # the offending value, for baselines

    def _order(self) -> tuple[Any, ...]:
        return self.file, self.line, self.column, pointer_order(self.pointer), self.rule, self.severity, self.message

    def _orders(self, other: Finding) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """Both sort keys, the pointers split only when file, line and column tie: a sort of 200,000 findings from a
        text split two pointers at each comparison (11 s; the places decide almost every one)."""
        mine, theirs = (self.file, self.line, self.column), (other.file, other.line, other.column)
        return (mine, theirs) if mine != theirs else (self._order(), other._order())

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        mine, theirs = self._orders(other)
        return mine < theirs

    def fingerprint(self, file: str | None = None) -> str:
        """Identity that survives reformatting: file, rule, pointer and a hash of the value (not the line).

        ``file``: the file as the identity should name it (reports name it as CI tools do), instead of ``self.file``.
        """
        return f"{self.file if file is None else file}\0{self.rule}\0{self.pointer}\0{self.value_hash()}"

    def value_hash(self) -> str:
        """The fingerprint's hash of the value (16 hex digits); of the message for an input error, which has neither.

        A number is hashed as the number it is, as JSON Schema compares numbers: 100.0 as 100 (json reads one as a float,
        the other as an int), so a capture another tool saved again (JavaScript writes 100.0 as 100) keeps its identity."""
        return self._hash(_whole_numbers(self.value))

    def value_hashes(self) -> tuple[str, ...]:
        """``value_hash()``, then the hash sdelint 0.1 gave a value holding a whole float (100.0 as written), if other:
        a baseline written before is still read."""
        whole = _whole_numbers(self.value)
        return (self._hash(whole),) if whole is self.value else (self._hash(whole), self._hash(self.value))

    def _hash(self, value: Any) -> str:
        if value is None and not self.pointer:  # an input error: only its message tells one from another
            from .report.common import input_error_identity

            value = input_error_identity(self.message)
        try:
            encoded = json.dumps(value, sort_keys=True, default=json_default)
        except TypeError:  # keys of mixed types (YAML {1: a, b: c}) cannot be sorted
            from .report.common import canonical_json

            encoded = canonical_json(value)
        return hashlib.sha256(encoded.encode()).hexdigest()[:16]

    def with_(self, **changes: Any) -> Finding:
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        out = {
            "file": self.file,
            "line": self.line or 1,  # 1-based in every report: 1:1 when there is no position
            "column": self.column or 1,
            "pointer": self.pointer,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }
        out.update(self.extra)
        return out


def non_finite_text(number: float) -> str:
    """A NaN or infinity as json.dumps spells it (NaN, Infinity, -Infinity): no JSON text may hold one."""
    return "NaN" if number != number else "Infinity" if number > 0 else "-Infinity"


def too_long_to_print(number: int) -> bool:
    """Whether Python would refuse to print ``number`` in decimal (more digits than sys.get_int_max_str_digits).

    JSON text never holds one (its parser refuses them); YAML's 0xfff... and JavaScript's hexadecimal
    read past that limit, and every message about the value would then fail.
    """
    limit = sys.get_int_max_str_digits()
    if not limit or number.bit_length() <= (limit - 1) * 3.32:  # 2**(3.32 d) < 10**d: at most d digits, printable
        return False
    return abs(number) >= 10**limit  # near the limit, exactly: more than ``limit`` digits


# Lone surrogates: a JSON key may hold "\ud800", a file name that is not UTF-8 holds them (surrogateescape); UTF-8 has none.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(text: str) -> str:
    """``text`` with U+FFFD for each lone surrogate, for what takes UTF-8 only (RE2, a UTF-8 stream)."""
    return text if text.isascii() or not LONE_SURROGATE.search(text) else LONE_SURROGATE.sub("\ufffd", text)


def unreadable_number(characters: int) -> str:
    """The message for a number literal longer than Python converts, the same for every format (no Python advice in it)."""
    return f"a number of {characters} characters is longer than can be read (at most {sys.get_int_max_str_digits()} digits)"


def _whole_numbers(value: Any) -> Any:
    """``value`` with each float that is a whole number as that int (100.0 as 100; true stays true): ``value`` itself when
    it holds none, so that a value without one costs a walk and no copy."""
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is dict or kind is list:
        items = value.values() if kind is dict else value
        whole = [_whole_numbers(item) for item in items]
        if all(new is old for new, old in zip(whole, items, strict=True)):
            return value
        return dict(zip(value, whole, strict=True)) if kind is dict else whole
    return value


def json_default(value: Any) -> Any:
    """What JSON has no spelling for, as messages and fingerprints write it: a set (YAML's !!set read by an older
    loader, a Python object given to the API) as its items in a fixed order, so neither changes from run to run
    with the hash seed; anything else (a YAML date) as str()."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=_set_item_order)
    return str(value)


def _set_item_order(item: Any) -> tuple[str, str]:
    """A set's item by its type and its JSON as written here (a frozenset's repr is in hash order too)."""
    try:
        return type(item).__name__, json.dumps(item, sort_keys=True, default=json_default)
    except (TypeError, ValueError, RecursionError):  # keys JSON cannot sort or write
        return type(item).__name__, repr(item)


def value_text(value: Any) -> str:
    """A value as a message shows it: as JSON writes it (true, null, "x"); str() for what JSON has no
    spelling for (a YAML date); an integer too long to print by its size."""
    if type(value) is int and too_long_to_print(value):
        return f"an integer of {value.bit_length()} bits"
    try:
        return json.dumps(value, ensure_ascii=False, default=json_default)
    except (TypeError, ValueError, RecursionError):  # keys JSON cannot write, nesting past Python's limit
        return repr(value)


# A finding's value only identifies it (baselines, fingerprints). One nested deeper than this (the rest of
# a document too deep for the parser to go much further) is identified by its type: pickling it to the
# parent process, or encoding it, would recurse past Python's limit.
VALUE_MAX_DEPTH = 64


def nests_deeper_than(data: Any, limit: int) -> bool:
    """Whether containers nest more than ``limit`` levels below ``data``; level by level, without recursion."""
    level = [data] if type(data) is dict or type(data) is list else []
    for _ in range(limit + 1):
        level = [
            child for container in level for child in (container.values() if type(container) is dict else container)
            if type(child) is dict or type(child) is list
        ]
        if not level:
            return False
    return True


def bounded_value(value: Any) -> Any:
    """``value``, or a stand-in when it nests deeper than VALUE_MAX_DEPTH."""
    if (type(value) is dict or type(value) is list) and nests_deeper_than(value, VALUE_MAX_DEPTH):
        return f"<{'object' if type(value) is dict else 'array'} nested more than {VALUE_MAX_DEPTH} levels>"
    return value


@dataclass(slots=True)  # not frozen, for the same reason as Finding
class Problem:
    """A finding before it is placed in a file: what the checks emit (treated as immutable)."""

    pointer: str
    rule: str
    message: str
    severity: str | None = None  # None: the rule's configured severity
    at_key: bool = False  # locate the member's key rather than its value
    offset: int | None = None  # known text offset (syntax errors)
    value: Any = None  # the offending value, for baseline identity


def escape_token(token: object) -> str:
    """RFC 6901 escaping of one reference token."""
    return str(token).replace("~", "~0").replace("/", "~1")


def join_pointer(base: str, *tokens: object) -> str:
    return base + "".join("/" + escape_token(t) for t in tokens)


# A place in a document as a walk descends it, (parent's path, token) with the innermost last:
# one tuple per step, and a JSON Pointer only for the places a caller reports.
Path = tuple[Any, str | int] | None


def path_pointer(path: Path) -> str:
    tokens: list[str | int] = []
    while path is not None:
        path, token = path
        tokens.append(token)
    return join_pointer("", *reversed(tokens))


def pointer_order(pointer: str) -> tuple[tuple[int, int, str], ...]:
    """A pointer as findings are sorted by it: a token of digits (an array index) by its number, before a key."""
    return tuple((0, int(token), token) if token.isascii() and token.isdigit() else (1, 0, token) for token in split_pointer(pointer))


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    tokens = pointer[1:].split("/")
    if "~" not in pointer:
        return tokens  # nothing escaped: the common case, for every finding a report places
    return [t.replace("~1", "/").replace("~0", "~") for t in tokens]
