"""Every syntax error of a JSON text that can be found for certain, not only the first.

The parser stops at the first error; someone mending a capture by hand wants all of them in one
run (the specification's example has two in one block: a missing comma, then a trailing comma).
After an error whose repair is certain (a trailing comma, a raw control character or a bad escape
in a string) or very likely (a missing comma between two values), the text is repaired and parsed
again; a repair that only moves the error along (the comma was not what was missing) ends the
search without reporting the error it caused.
"""

from __future__ import annotations

import json
import re

from ..findings import Problem
from .positions import BRACKETS, line_col

MAX_SYNTAX_ERRORS = 10
_JSON_LINES_HINT = "one document per line is JSON Lines: a .jsonl name, or an NDJSON content type, reads it so"
_CR_HINT = "JSON Lines end each line with LF, and lines are counted at LF: convert the line ends, as `tr '\\r' '\\n'` does"
_REPARSE_CHARACTERS = 256 << 20  # what the re-parses of one text may read in all: a huge text gets few
_PLAIN = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_STRING_REST = re.compile(r'[^"\\]*+(?:\\.[^"\\]*+)*+"', re.S)  # from inside a string to past its closing quote
_UNICODE_ESCAPE = re.compile(r'[^"\\\x00-\x1f]{0,4}')
_VALUE_START = frozenset('"{[-0123456789tfnNI')  # what may begin a value (NaN and Infinity parse, then are reported)


def syntax_problems(text: str, first: json.JSONDecodeError) -> list[Problem]:
    """The syntax-error problems of ``text``, the first being ``first`` (the parser's own)."""
    problems: list[Problem] = []
    inserted: list[int] = []  # where commas were inserted (in the repaired text), in increasing order
    budget = _REPARSE_CHARACTERS
    error = first
    original = text
    line_break: int | None = None  # where a line break inside a string was repaired, until the parse is past that string
    while True:
        if problems and error.msg == "Expecting ',' delimiter" and text[error.pos:error.pos + 1] not in (*_VALUE_START, "}", "]", ""):
            # after a repair, a value followed by what neither follows nor begins one (the ':' of a member after an
            # inserted comma, where a ']' was missing: {"a": [1, 2 "b": 3}): an error of the repair's making
            return problems
        message, offset, repaired, comma_at = _described(text, error)
        if message == "Expecting ',' delimiter":
            message = _unclosed(text, error.pos, original, inserted)
        problems.append(Problem("", "syntax-error", f"invalid JSON: {message}", offset=_original(offset, inserted)))
        budget -= len(repaired)
        if repaired is text or len(problems) >= MAX_SYNTAX_ERRORS or budget < 0:
            return problems
        if comma_at is not None and len(repaired) > len(text):
            inserted.append(comma_at)
        if error.msg.startswith("Invalid control character") and text[error.pos] in "\n\r":
            line_break = error.pos
        try:
            _PLAIN.decode(repaired)
            return problems
        except json.JSONDecodeError as after:
            if comma_at is not None and after.pos <= comma_at + 1 + _token_gap(repaired, comma_at + 1):
                return problems  # the error is at the value after the comma: a comma was not what was missing
            if line_break is not None and (string := _STRING_REST.match(repaired, line_break, after.pos)) is not None:
                if after.pos <= string.end() + _token_gap(repaired, string.end()):
                    # at the first token after the string a line break was repaired in, whose end is a quote that opened
                    # the next string ({"a": "x,<LF> "b": 1}): its closing quote was missing, and this is no error
                    return problems
                line_break = None
            place = _original(after.pos, inserted)
            if place <= problems[-1].offset:  # type: ignore[operator]  # every problem here has its offset
                # back before an earlier repair ("Unterminated string starting at" a quote before it): the errors
                # reported since that place came of repairs inside a broken string, and are not errors at all
                return [problems[0], *(problem for problem in problems[1:] if problem.offset < place)]  # type: ignore[operator]
            error, text = after, repaired
        except (RecursionError, ValueError):  # too deep, or a number too long: the parse proper says so
            return problems


def _described(text: str, error: json.JSONDecodeError) -> tuple[str, int, str, int | None]:
    """(message, offset, the text repaired or ``text`` itself when no repair is certain, where a comma went)."""
    at = error.pos
    found = text[at:at + 1]
    comma = None
    if found == "," and error.msg.startswith("Illegal trailing comma"):  # Python 3.13 names it, at the comma
        comma = at
    elif found in ("}", "]") and error.msg.startswith(("Expecting property name", "Expecting value")):
        before = _last_token_end(text, at)
        comma = before - 1 if before > 0 and text[before - 1] == "," else None
    if comma is not None:
        after = comma + 1 + _token_gap(text, comma + 1)
        closer = text[after:after + 1]
        return f"trailing comma before {closer!r}", comma, text[:comma] + " " + text[comma + 1:], None
    if error.msg.startswith("Invalid control character"):
        shown = f"U+{ord(found):04X}" if found else "a control character"
        return f"{shown} inside a string must be escaped", at, text[:at] + " " + text[at + 1:], None
    if error.msg.startswith("Invalid \\"):  # Invalid \escape (at the backslash), Invalid \uXXXX escape (at the u)
        backslash = at if found == "\\" else at - 1
        if found == "u":  # the four characters, short of what ends the string: '\u12zz', but '\u12' in "\u12"]
            return f"invalid escape '\\u{_UNICODE_ESCAPE.match(text, at + 1).group()}' in a string", backslash, text[:backslash] + " " + text[at:], None  # type: ignore[union-attr]
        escaped = text[backslash + 1:backslash + 2]
        if escaped < " ":  # a backslash before a raw line break: one error, shown on one line
            return f"invalid escape: '\\' then U+{ord(escaped):04X}", backslash, text[:backslash] + "  " + text[backslash + 2:], None
        return f"invalid escape '\\{escaped}' in a string", backslash, text[:backslash] + " " + text[backslash + 1:], None
    if error.msg == "Expecting ',' delimiter" and found not in ("}", "]"):  # before a closer, brackets do not match
        if at > 0 and text[at - 1] in " \t\n\r":  # the comma takes the place of the space before the value
            return error.msg, at, text[:at - 1] + "," + text[at:], at - 1
        return error.msg, at, text[:at] + "," + text[at:], at
    if error.msg == "Extra data":
        line_start = text.rfind("\n", 0, at) + 1
        if found in ("{", "[") and not text[line_start:at].strip():  # a document per line, saved under a JSON name
            return f"Extra data: a second document after the first ({_JSON_LINES_HINT})", at, text, None
        if found in ("{", "[") and "\r" in text[_last_token_end(text, at):at]:  # lines ended by CR alone (classic Mac OS)
            return f"Extra data: a second document after the first, past a line end that is a CR alone ({_CR_HINT})", at, text, None
        if unseen := _unseen(found):
            return f"Extra data: {unseen} after the end of the document", at, text, None
        return "Extra data: text after the end of the document", at, text, None
    if unseen := _unseen(found):
        return f"{error.msg}: found {unseen}", at, text, None
    return error.msg, at, text, None


_UNSEEN = {"\0": "a NUL byte", "\ufeff": "a byte order mark", "\u00a0": "a no-break space", "\f": "a form feed"}


def _unseen(character: str) -> str:
    """A character an editor shows as nothing, or as a space, named (a NUL a crash left, a BOM of a file joined
    to another): "Expecting value" at line 1, column 1 of what looks like a good document said nothing."""
    if not character or character in " \t\n\r" or (character.isprintable() and not character.isspace()):
        return ""
    name = _UNSEEN.get(character)
    return f"U+{ord(character):04X} ({name})" if name else f"U+{ord(character):04X}"


def _unclosed(text: str, at: int, original: str, inserted: list[int]) -> str:
    """What is wrong where a value ends at ``at`` by neither ',' nor the closer it needs: say which object
    or array is still open (the parser's "Expecting ',' delimiter" names none; a missing ']' two lines up
    reads as a missing comma at the next member)."""
    stack: list[int] = []
    for match in BRACKETS.finditer(text, 0, at):  # the text before ``at`` parsed: its strings are whole
        token = match.group()
        if token in ("{", "["):
            stack.append(match.start())
        elif token in ("}", "]") and stack:
            stack.pop()
    if not stack:
        return "Expecting ',' delimiter"
    opener = stack[-1]
    kind, closer = ("object", "}") if text[opener] == "{" else ("array", "]")
    line, column = line_col(original, _original(opener, inserted))
    found = text[at:at + 1]
    if not found:
        return f"the text ends before the {kind} opened at line {line}, column {column} is closed (a '{closer}' is missing)"
    if found in ("}", "]"):
        return f"'{found}' cannot close the {kind} opened at line {line}, column {column} (a '{closer}' is missing)"
    # a missing comma, or a container not closed before it: say which one the parser is in
    between = "members of the object" if kind == "object" else "items of the array"
    return f"Expecting ',' delimiter between the {between} opened at line {line}, column {column}"


def _last_token_end(text: str, at: int) -> int:
    """The offset just past the last character before ``at`` that is not whitespace."""
    return len(text[:at].rstrip(" \t\n\r"))  # in C: a character at a time in Python takes seconds over megabytes


def _token_gap(text: str, at: int) -> int:
    """How much whitespace starts at ``at``."""
    return _WHITESPACE.match(text, at).end() - at  # type: ignore[union-attr]  # matches the empty string at least


def _original(offset: int, inserted: list[int]) -> int:
    """An offset in the repaired text as one in the original: less the commas inserted before it."""
    return offset - sum(1 for place in inserted if place < offset)
