"""Turn raw bytes into a parsed document, or into findings that say why not.

Every failure here is a finding with a position, never an exception: the run
goes on with the next input.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..findings import Problem, join_pointer, non_finite_text, split_pointer, unreadable_number
from .positions import STRING_TOKEN, depth_exceeded_at, scan_document
from .syntax import syntax_problems

UTF8_BOM = b"\xef\xbb\xbf"


@dataclass
class Document:
    """One parsed input. ``text`` is kept so that positions can be found later."""

    name: str
    data: Any
    text: str | None = None
    parsed: bool = False
    problems: list[Problem] = field(default_factory=list)
    line_base: int = 0  # lines before this document in its file (JSON Lines)
    locator: Callable[[list[str]], dict[str, tuple[int | None, int]]] | None = None  # non-JSON text (YAML, JavaScript)
    keys_within: int | None = None  # the parse measured its keys: none is longer than this
    duplicate_keys: bool = False  # the parse met a repeated key: its object keeps one member for both
    source_kind: str | None = None  # what the loader already knows the input holds (web-source: pushes from JavaScript or HTML)


class Flags:
    """What the parse hooks saw; positions are looked up afterwards, only when something was seen."""

    __slots__ = ("duplicates", "long_key", "non_finite", "overflow")

    def __init__(self) -> None:
        self.duplicates = False
        self.non_finite = False
        self.overflow = False  # a number too large for a double (1e400), which Python reads as infinity
        self.long_key = False  # a key longer than the decoder's key_limit


def make_decoder(flags: Flags, key_limit: int | None = None) -> json.JSONDecoder:
    """The stdlib decoder, with hooks that note duplicate keys and NaN/Infinity on ``flags``.

    ``key_limit``: also note a key longer than that (the service bounds keys): measured
    in C as each object is made, where a walk of the parsed document costs more than the parse.
    """

    def pairs_hook(pairs: list) -> dict:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            flags.duplicates = True
        return obj

    def pairs_hook_measuring_keys(pairs: list) -> dict:
        obj = pairs_hook(pairs)
        if obj and max(map(len, obj)) > key_limit:  # type: ignore[operator]  # key_limit is an int here
            flags.long_key = True
        return obj

    def constant_hook(literal: str) -> float:
        flags.non_finite = True
        return float(literal)

    def float_hook(literal: str) -> float:
        number = float(literal)
        if number in _INFINITIES:
            flags.overflow = True
        return number

    hook = pairs_hook if key_limit is None else pairs_hook_measuring_keys
    return json.JSONDecoder(object_pairs_hook=hook, parse_constant=constant_hook, parse_float=float_hook)


_INFINITIES = (float("inf"), float("-inf"))
# strings by STRING_TOKEN: an alternation per character kept a backtracking point per character (4.9 GB for a 40 MB value)
_NUMBER_OR_STRING = re.compile(rf'{STRING_TOKEN}|-?[0-9]+(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)', re.DOTALL)


def _overflowing_numbers(text: str) -> list[tuple[int, str]]:
    """(offset, literal) of every number in ``text`` that a double cannot hold."""
    found = []
    for match in _NUMBER_OR_STRING.finditer(text):
        literal = match.group()
        if literal[0] != '"' and float(literal) in _INFINITIES:
            found.append((match.start(), literal))
    return found


def _first_unreadable_number(text: str) -> re.Match[str] | None:
    """The first number literal (group 1) with more digits than Python converts: strings are stepped over, not searched."""
    limit = sys.get_int_max_str_digits()
    # a whole integer literal: not part of a float (which converts whatever its length), nor a run's tail
    for match in re.finditer(rf"{STRING_TOKEN}|(?<![0-9.eE+-])(-?[0-9]{{{limit + 1},}})(?![0-9.eE])", text, re.S):
        if match.group(1) is not None:
            return match
    return None


def duplicate_key_problems(repeats: Iterable[tuple[str, int]]) -> list[Problem]:
    """One duplicate-key problem per repeated member, at its first repeat, from (pointer, offset of the key) per repeat.

    A key repeated many times in one object is one finding that counts them: 800,000 findings of one
    member said nothing more and cost 20 s of CPU.
    """
    first: dict[str, int] = {}
    count: Counter[str] = Counter()
    for pointer, offset in repeats:
        first.setdefault(pointer, offset)
        count[pointer] += 1
    problems = []
    for pointer, offset in first.items():
        key = repr(split_pointer(pointer)[-1]) if pointer else "(too deeply nested to locate)"
        times = f"; the key appears {count[pointer] + 1} times" if count[pointer] > 1 else ""
        message = f"duplicate key {key}: consumers disagree about which value wins (the last one was checked){times}"
        problems.append(Problem(pointer, "duplicate-key", message, offset=offset))
    return problems


def structural_problems(text: str, flags: Flags) -> list[Problem]:
    """Duplicate keys and non-finite literals the hooks noticed, each at its place in ``text``."""
    problems: list[Problem] = []
    overflowing = dict(_overflowing_numbers(text)) if flags.overflow else {}
    if not (flags.duplicates or flags.non_finite or overflowing):
        return problems
    try:
        duplicates, literals = scan_document(text, overflowing)
    except RecursionError:  # too deep for the locating walk: report without a pointer
        duplicates = [("", 0)] if flags.duplicates else []
        literals = [("", 0, "NaN or Infinity")] if flags.non_finite else []
        literals += [("", offset, literal) for offset, literal in overflowing.items()]
    problems.extend(duplicate_key_problems(duplicates))
    for pointer, offset, literal in literals:
        if offset in overflowing:
            shown = literal if len(literal) <= 40 else literal[:37] + "..."
            message = f"number {shown} is out of range: no IEEE 754 double holds it (RFC 8259 section 6), so consumers read infinity or fail"
            problems.append(Problem(pointer, "syntax-error", message, offset=offset, value=literal))
        else:
            problems.append(Problem(pointer, "syntax-error", _non_finite_message(literal), offset=offset))
    return problems


def _non_finite_message(literal: str) -> str:
    return f"{literal} is not valid JSON (RFC 8259 has no non-finite numbers)"


def non_finite_numbers(data: Any) -> list[Problem]:
    """NaN and infinities in a parsed value (a Python object given to the API, YAML's ``.nan`` and ``.inf``), each a
    syntax-error where it stands, as in a JSON text: json.dumps writes them as NaN and Infinity, which no JSON parser
    need read."""
    problems = []

    def wanted(value: Any) -> bool:  # a container to walk, or a NaN or infinity (NaN - NaN and inf - inf are NaN)
        kind = type(value)
        return kind is dict or kind is list or (kind is float and value - value != 0)

    stack: list[tuple[str, Any]] = [("", data)] if wanted(data) else []
    while stack:  # pointers are built for containers and hits only: the leaves are most of a document
        pointer, node = stack.pop()
        if type(node) is dict:
            stack.extend((join_pointer(pointer, str(key)), item) for key, item in node.items() if wanted(item))
        elif type(node) is list:
            stack.extend((f"{pointer}/{index}", item) for index, item in enumerate(node) if wanted(item))
        else:
            problems.append(Problem(pointer, "syntax-error", _non_finite_message(non_finite_text(node))))
    return sorted(problems, key=lambda problem: problem.pointer)


def sniff_encoding(raw: bytes) -> str:
    """The encoding of a JSON or YAML text from its first bytes: a BOM, else RFC 4627's patterns of NUL bytes, exactly.

    Without a BOM, UTF-16 and UTF-32 are told by where the NUL bytes of the first two (ASCII) characters fall:
    ``00 00 00 xx`` UTF-32BE, ``00 xx 00 xx`` UTF-16BE, ``xx 00 00 00`` UTF-32LE, ``xx 00 xx 00`` UTF-16LE (xx not
    NUL), and in UTF-32 the second character's four bytes as the first's. ``json.detect_encoding`` reads any NUL
    first byte as UTF-16 or UTF-32: one to three stray NUL bytes before a UTF-8 document (a crash's, a C writer's)
    made the whole file a UTF-16 or UTF-32 decode error. Read as UTF-8, the NUL is reported where it is, and the rest
    of the file (a JSON Lines file's other lines) is read as written.
    """
    if len(raw) < 4 or raw.startswith(_BOMS):
        return json.detect_encoding(raw)
    pattern = tuple(byte == 0 for byte in raw[:4])
    encoding = _NUL_PATTERNS.get(pattern, "utf-8")
    if encoding.startswith("utf-32") and len(raw) >= 8 and tuple(byte == 0 for byte in raw[4:8]) != pattern:
        return "utf-8"  # not a second ASCII character in UTF-32 after the first: NUL bytes before a text (b'\0\0\0{"a"')
    return encoding


_BOMS = (codecs.BOM_UTF32_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE, UTF8_BOM)
_NUL_PATTERNS: dict[tuple[bool, ...], str] = {
    (True, True, True, False): "utf-32-be",
    (True, False, True, False): "utf-16-be",
    (False, True, True, True): "utf-32-le",
    (False, True, False, True): "utf-16-le",
}


def decode(raw: bytes, utf8_only: bool = True) -> tuple[str, list[Problem], bool]:
    """Decoded text, encoding problems, and whether the text is too broken to parse.

    ``utf8_only``: UTF-16 or UTF-32 is a finding, as RFC 8259 has it for JSON; YAML 1.2, JavaScript and HTML
    allow them, and are only decoded.
    """
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM):]
    encoding = sniff_encoding(raw)
    if encoding == "utf-8" and (loose := json.detect_encoding(raw[:4])) != "utf-8" and not _decodes(raw, "utf-8") and _decodes(raw, loose):
        encoding = loose  # UTF-16 whose second character is not ASCII (a YAML key 'aé'): no RFC 4627 pattern, and no UTF-8 either
    problems = [not_utf8(encoding)] if encoding != "utf-8" and utf8_only else []
    try:
        return raw.decode(encoding), problems, False
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode(encoding, errors="replace")
        problems.append(Problem("", "encoding-error", undecodable(raw, exc, encoding), offset=len(good)))
        return good, problems, True


def not_utf8(encoding: str) -> Problem:
    """The finding on JSON (or JSON Lines) in UTF-16 or UTF-32."""
    return Problem("", "encoding-error", f"input is {encoding.upper()}; JSON exchanged between systems must be UTF-8 (RFC 8259)", offset=0)


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def undecodable(raw: bytes, error: UnicodeDecodeError, encoding: str = "utf-8", where: str = "") -> str:
    """The message for the bytes a decode stopped at (``where``: after the byte offset, " of line 4"). A surrogate
    written as UTF-8 (CESU-8 or WTF-8, as Java's and JavaScript's encoders can write one; a Python str holding one,
    given to lint_text) is named as such, not as its first byte."""
    start = error.start
    if encoding == "utf-8" and len(raw) >= start + 3 and raw[start] == 0xED and 0xA0 <= raw[start + 1] <= 0xBF and 0x80 <= raw[start + 2] <= 0xBF:
        code = ((raw[start] & 0x0F) << 12) | ((raw[start + 1] & 0x3F) << 6) | (raw[start + 2] & 0x3F)
        written = raw[start:start + 3]
        return f"a surrogate U+{code:04X} written as UTF-8 bytes {written!r} at byte offset {start}{where}: CESU-8 or WTF-8, which no UTF-8 text holds"
    if encoding != "utf-8" and error.end - start > 1:  # a code unit: one of its bytes (b'\x00' of a surrogate) says nothing
        return f"invalid {encoding.upper()} bytes {raw[start:error.end]!r} at byte offset {start}{where}: {error.reason}"
    return f"invalid {encoding.upper()} byte {raw[start:start + 1]!r} at byte offset {start}{where}: {error.reason}"


JSON_WHITESPACE = " \t\n\r"


class NotPlain(Exception):
    """The text repeats a key or holds a non-finite number (``plain_only``): placing those costs a walk of it."""


def parse_text(name: str, text: str, key_limit: int | None = None, plain_only: bool = False) -> Document:
    """Parse JSON text; syntax, duplicate keys, NaN and depth become problems on the document.

    ``plain_only``: NotPlain instead of the walk that places repeated keys and non-finite numbers.

    With ``key_limit``, a document whose keys are all that short says so (``keys_within``).
    """
    doc = Document(name=name, data=None, text=text)
    if not text.strip(JSON_WHITESPACE):  # a form feed or a no-break space is no JSON whitespace: "Expecting value", not empty
        doc.problems.append(Problem("", "syntax-error", "input is empty: expected a JSON document", offset=0))
        return doc
    flags = Flags()
    try:
        doc.data = make_decoder(flags, key_limit).decode(text)
        doc.parsed = True
        if key_limit is not None and not flags.long_key:
            doc.keys_within = key_limit
        doc.duplicate_keys = flags.duplicates
    except json.JSONDecodeError as exc:
        doc.problems.extend(syntax_problems(text, exc))
        return doc
    except RecursionError:
        limit = sys.getrecursionlimit()
        doc.problems.append(
            Problem("", "too-deep", f"document is nested too deeply to check (the JSON parser stops near {limit} levels)",
                    offset=depth_exceeded_at(text, limit - 50))
        )
        return doc
    except ValueError as exc:  # an integer literal longer than Python converts (sys.get_int_max_str_digits)
        long_number = _first_unreadable_number(text)
        message = unreadable_number(len(long_number.group(1))) if long_number else f"number cannot be read: {exc}"
        doc.problems.append(Problem("", "syntax-error", message, offset=long_number.start(1) if long_number else 0))
        return doc
    if plain_only and (flags.duplicates or flags.non_finite or flags.overflow):
        raise NotPlain(name)
    doc.problems.extend(structural_problems(text, flags))
    return doc
