"""Web-side payloads in JavaScript, TypeScript and HTML: the literals passed to ``lpTag.sdes.push(`` / ``.send(``.

Sites write these objects as JavaScript, not JSON: ``//`` and ``/* */`` comments, single quotes,
unquoted keys, trailing commas. A small hand-written parser reads exactly that subset (object and
array literals, strings, numbers, ``true``/``false``/``null``, templates without substitutions)
and records where every value and key starts in the ORIGINAL text, so findings point into the
file as written. No JavaScript engine is involved: an argument holding anything else (a variable,
a call, an operator) is not guessed at; it is reported as ``not-checkable``. Text that is not
valid JavaScript is a ``syntax-error`` at its line and column. In HTML only ``<script>`` elements
are searched; in scripts, pushes inside comments and strings are skipped.
"""

from __future__ import annotations

import bisect
import itertools
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import PurePath
from typing import Any

from ..findings import Problem, join_pointer, too_long_to_print
from ..model import WEB_SOURCE
from .js_code import IDENTIFIER_PART, code_ranges
from .source import Document

# lpTag.sdes.push( and the other ways JavaScript writes the same member accesses: window["lpTag"], lpTag["sdes"]["push"](,
# lpTag?.sdes?.push?.(; and TypeScript's around them: lpTag!.sdes, (lpTag.sdes as Sde[]).push(, (lpTag as any).sdes.push(
_TS_CAST = r"(?:!|\s+as\s+[^();]{1,80}?\))?"  # a non-null assertion, or a cast closing the parenthesis that opened before
_SDES = rf"""(?:(?<![\w$])lpTag|\[\s*(?P<q1>["'])lpTag(?P=q1)\s*\]){_TS_CAST}\s*(?:\??\.\s*sdes|(?:\?\.)?\[\s*(?P<q2>["'])sdes(?P=q2)\s*\]){_TS_CAST}"""
# .push( or .send(, also through Function.prototype: .push.call(lpTag.sdes, ...) and .push.apply(lpTag.sdes, [...])
# (a comment may stand between the method and its '(': push /* why */ ( or push // ...)
_GAP = r"(?:\s|/\*(?:[^*]|\*(?!/))*\*/|//[^\n]*\n)*"
_CALL = rf"""\s*(?:\??\.\s*(?:push|send)|(?:\?\.)?\[\s*(?P<q3>["'])(?:push|send)(?P=q3)\s*\]){_GAP}(?:\.\s*(?P<via>call|apply){_GAP})?(?:\?\.{_GAP})?\("""
_PUSH = re.compile(_SDES + _CALL)
# var sdes = lpTag.sdes; (let, const, TypeScript's const sdes: Sde[] = ...): sdes.push(...) in the same block is a push too
_ALIAS = re.compile(
    rf"""(?<![\w$.])(?:var|let|const)\s+(?P<alias>[A-Za-z_$][\w$]*)\s*(?::[^=;]{{1,80}})?=\s*(?:window\s*(?:\??\.\s*)?)?{_SDES}"""
    r"""\s*(?:\|\|\s*\[\s*\]\s*)?(?=[;,}\n]|\Z)"""
)
# Where markup that may hide a <script> begins: a comment, or an element whose content is text to the HTML parser
# (raw text or RCDATA: a "<script>" in a <textarea>, a <style> or a <noscript> is no element, and never runs); and
# where SVG or MathML begins or ends, inside which <style> and <title> are elements like others (<svg><title/></svg>)
_MARKUP = re.compile(
    r"<(?:(!--)|(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript)(?![^\s/>])|(/?)(svg|math)(?![^\s/>])"
    r"|([a-z][^\s/>]*))",  # any other start tag: its attribute values (title='<!--') are stepped over
    re.I,
)
_COMMENT_CLOSE = re.compile(r"--!?>")
# Attributes whose value browsers run as script: event handlers (onclick=...), and javascript: URLs
_HANDLER = re.compile(r"on[a-z]+", re.I)
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction"})
_JAVASCRIPT_URL = re.compile(r"\s*javascript:", re.I)
# What may begin a character reference the HTML parser decodes in an attribute (&quot;, &#39;): an & alone (a && b) is text
_CHARACTER_REFERENCE = re.compile(r"&[#A-Za-z]")
_BRACE = re.compile(r"[{}]")
_MAX_ALIASES = 20
# One attribute of a tag: its name and its value, quoted or not (a "type=" inside another attribute's value is no attribute)
_ATTRIBUTE = re.compile(r"""([^\s=>/"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
# What browsers run (the HTML standard's JavaScript MIME types, "module", none); Babel's in-browser types too
_JAVASCRIPT_TYPES = frozenset({
    "", "module", "text/javascript", "application/javascript", "text/ecmascript", "application/ecmascript", "application/x-javascript",
    "text/x-javascript", "text/jscript", "text/livescript", "text/babel", "text/jsx", "application/x-ecmascript", "text/x-ecmascript",
    *(f"text/javascript1.{minor}" for minor in range(6)),
})
# A name as JavaScript spells one: any letter (prénom, 名前), $ and _, and \u escapes (typ\u0065 is type)
_NAME_ESCAPE = r"\\u(?:[0-9a-fA-F]{4}|\{[0-9a-fA-F]{1,6}\})"
_IDENTIFIER = re.compile(rf"(?:[^\W\d]|\$|{_NAME_ESCAPE})(?:[\w$\u200c\u200d]|{_NAME_ESCAPE})*")
_NAME_ESCAPES = re.compile(r"\\u(?:([0-9a-fA-F]{4})|\{([0-9a-fA-F]+)\})")  # as _NAME_ESCAPE: four digits, or braced
_EXPRESSION_HEAD = re.compile(r"[^,;}\]\n]{1,40}")  # an expression as far as its member or item goes, to name it in a message
_NUMBER = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9][0-9_]*)?)")
_LEGACY_OCTAL = re.compile(r"[+-]?0[0-9]+")  # 017: octal (15) in sloppy mode when every digit is below 8, else decimal
_OCTAL_WITH_FRACTION = re.compile(r"[+-]?0[0-7]+[.eE]")  # 017.5, 017e1: a SyntaxError in JavaScript
# A numeric separator must stand between two digits: not doubled, first, last, after a leading 0 or beside . e x o b
_BAD_SEPARATOR = re.compile(r"__|_\Z|\A[+-]?_|_[.eE]|[.eE]_|\A[+-]?0[0-9]*_")  # 0_17, 07_1: none after a leading 0
_BAD_PREFIXED_SEPARATOR = re.compile(r"__|_\Z|\A[+-]?0[xXoObB]_")  # 0xdead_beef: b and e are hex digits there
# !0 and !1: how minifiers write true and false
_NOT_DIGIT = {"!0": True, "!1": False}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}
# A legacy octal escape (ECMAScript Annex B): up to three octal digits, at most \377.
_OCTAL_ESCAPE = re.compile(r"[0-3][0-7]{0,2}|[4-7][0-7]?")
_MAX_DEPTH = 200
# A TypeScript type assertion after a value: 'cart' as const, {...} satisfies Sde, [...] as unknown as Sde[]
_TS_ASSERTION = re.compile(r"(?:as|satisfies)(?![A-Za-z0-9_$])(?!\s*[:,}])")
_TYPESCRIPT_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
# A UTF-16 surrogate pair written as two escapes ('\uD83D\uDE00'): one character, as JSON's decoder reads "\ud83d\ude00"
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")

Spots = dict[str, tuple[int | None, int]]


class JsSyntaxError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message, self.offset = message, offset


class NotLiteral(Exception):
    """The argument holds an expression (a variable, a call...): what it is, and where."""

    def __init__(self, what: str, offset: int) -> None:
        super().__init__(what)
        self.what, self.offset = what, offset


def _skip_space(text: str, i: int, end: int) -> int:
    """Past whitespace and comments; an unterminated block comment is a syntax error."""
    while i < end:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif text.startswith("//", i):
            newline = text.find("\n", i, end)
            i = end if newline < 0 else newline + 1
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2, end)
            if close < 0:
                raise JsSyntaxError("unterminated /* comment", i)
            i = close + 2
        else:
            break
    return i


class _Parser:
    """A recursive-descent reader of one JavaScript literal in ``text[start:end]``, noting positions by pointer."""

    def __init__(self, text: str, end: int, typescript: bool = False, jsx: bool = False) -> None:
        self.text, self.end, self.typescript, self.jsx = text, end, typescript, jsx
        self.spots: Spots = {}
        self.problems: list[Problem] = []  # the current argument's number literals no double holds

    def value(self, i: int, pointer: str, key_at: int | None, depth: int = 0) -> tuple[Any, int]:
        """A value; in TypeScript also with its type assertions (``<const>{...}``, ``'cart' as const``,
        ``{...} satisfies Sde``, ``{...}!``), which change nothing in the value pushed."""
        if self.typescript:
            i = _skip_space(self.text, i, self.end)
            if i < self.end and self.text[i] == "<" and not self.jsx:  # <Type>value (not in .tsx, where it is JSX)
                i = self._type_end(i, angle=True)
        found, i = self._value(i, pointer, key_at, depth)
        while self.typescript:
            j = _skip_space(self.text, i, self.end)
            assertion = _TS_ASSERTION.match(self.text, j, self.end)
            if assertion:
                i = self._type_end(assertion.end())
                if _skip_space(self.text, assertion.end(), i) >= i:  # push({...} satisfies): TypeScript wants a type there
                    raise JsSyntaxError(f"expected a type after '{assertion.group()}'", i)
            elif self.text.startswith("!", j) and not self.text.startswith("!=", j):
                i = j + 1
            else:
                break
        return found, i

    def _type_end(self, i: int, angle: bool = False) -> int:
        """Past a TypeScript type: up to a ',', ')', '}', ']' or ';' outside brackets (or, with ``angle``, past the
        '>' closing the '<' at ``i``). Strings in it (``as 'cart'``) are stepped over."""
        text, depth = self.text, 0
        while i < self.end:
            i = _skip_space(text, i, self.end)
            if i >= self.end:
                break
            ch = text[i]
            if ch in "\"'`":  # a string literal type: only its end matters (what follows is type syntax: 'a' | 'b')
                j = i + 1
                while j < self.end and text[j] != ch:
                    j += 2 if text[j] == "\\" else 1
                i = min(j + 1, self.end)
                continue
            if ch in "([{<":
                depth += 1
            elif ch == ">" and text[i - 1] != "=":
                depth -= 1
                if angle and depth == 0:
                    return i + 1
            elif ch in ")]}":
                if depth == 0:
                    return i
                depth -= 1
            elif ch in ",;" and depth == 0:
                return i
            i += 1
        raise JsSyntaxError("unterminated type", i)

    def _value(self, i: int, pointer: str, key_at: int | None, depth: int) -> tuple[Any, int]:
        text = self.text
        i = _skip_space(text, i, self.end)
        if i >= self.end:
            raise JsSyntaxError("unexpected end of input: expected a value", i)
        if depth > _MAX_DEPTH:
            raise JsSyntaxError(f"nested deeper than {_MAX_DEPTH} levels", i)
        self.spots[pointer] = (key_at, i)
        ch = text[i]
        if ch == "{":
            return self._object(i + 1, pointer, depth)
        if ch == "[":
            return self._array(i + 1, pointer, depth)
        if ch in "\"'`":
            return self._string(i)
        number = _NUMBER.match(text, i, self.end)
        if number and (ch.isdigit() or ch in "+-.") and not text.startswith("...", i):
            if text.startswith("n", number.end()) and not IDENTIFIER_PART.match(text, number.end() + 1, self.end):
                raise NotLiteral(f"a BigInt ({number.group()}n)", i)  # valid JavaScript, which no JSON holds
            value = self._number(number.group(0), i)
            if type(value) is float and value - value != 0:  # 1e400: valid JavaScript, which reads it as Infinity
                self.problems.append(_out_of_range(number.group(0), pointer, i))
            return value, self._after_value(number.end(), i)
        if ch == "!" and text[i:i + 2] in _NOT_DIGIT and not IDENTIFIER_PART.match(text, i + 2, self.end):
            return _NOT_DIGIT[text[i:i + 2]], self._after_value(i + 2, i)
        if ch == "(":  # a parenthesised literal, (22.22); the value inside decides
            inner, j = self.value(i + 1, pointer, key_at, depth + 1)
            j = _skip_space(text, j, self.end)
            if j >= self.end or text[j] != ")":
                raise NotLiteral(f"an expression ({text[i:j + 1].strip()}...)", i)
            self.spots[pointer] = (key_at, i)
            return inner, self._after_value(j + 1, i)
        if text.startswith("...", i):
            raise NotLiteral("a spread (...)", i)
        if ch in "!~+-":  # valid JavaScript (!flag, -balance, ~x): an expression, not a literal to check
            shown = _EXPRESSION_HEAD.match(text, i, self.end)
            raise NotLiteral(f"the expression {shown.group().strip() if shown else ch!r}", i)
        word = _IDENTIFIER.match(text, i, self.end)
        if word:
            name = word.group(0)
            literal = {"true": True, "false": False, "null": None}
            if name in literal:
                return literal[name], self._after_value(word.end(), i)
            raise NotLiteral(f"the expression {name!r}" if name != "undefined" else "undefined", i)
        raise JsSyntaxError(f"unexpected character {ch!r}: expected a value", i)

    def _after_value(self, i: int, start: int) -> int:
        """A value followed by an operator, a call or a member access is an expression, not a literal."""
        j = _skip_space(self.text, i, self.end)
        if j < self.end and self.text[j] in "+-*/%?.([|&<>=!^~":
            raise NotLiteral(f"an expression ({self.text[start:j + 1].strip()}...)", start)
        return i

    @staticmethod
    def _number(literal: str, offset: int) -> int | float:
        shown = literal if len(literal) <= 20 else f"{literal[:20]}... ({len(literal)} characters)"
        prefixed = literal.lstrip("+-")[:2].lower() in ("0x", "0o", "0b")
        if "_" in literal and (_BAD_PREFIXED_SEPARATOR if prefixed else _BAD_SEPARATOR).search(literal):
            raise JsSyntaxError(f"invalid numeric separator in {shown}", offset)
        clean = literal.replace("_", "")
        if _OCTAL_WITH_FRACTION.match(clean):
            raise JsSyntaxError(f"invalid number {shown}: a legacy octal literal has no fraction or exponent", offset)
        try:
            whole: int | None = None
            if _LEGACY_OCTAL.fullmatch(clean):
                whole = int(clean, 8 if max(clean.lstrip("+-")) < "8" else 10)
            elif prefixed:
                whole = int(clean, 0)
            if whole is not None:
                if too_long_to_print(whole):
                    raise JsSyntaxError(f"number {shown} is longer than can be read", offset)
                return whole
            number = float(clean)
        except ValueError:
            too_long = len(clean) > sys.get_int_max_str_digits() > 0  # a decimal integer past Python's digit limit
            raise JsSyntaxError(f"number {shown} is longer than can be read" if too_long else f"invalid number {shown}", offset) from None
        return int(number) if number.is_integer() and not re.search(r"[.eE]", clean) else number

    def _next_item(self, i: int, close: str, what: str) -> tuple[int, bool]:
        """Where the next member or element starts, or (past ``close``, True) at the end of an object or array."""
        i = _skip_space(self.text, i, self.end)
        if i >= self.end:
            raise JsSyntaxError(f"unterminated {what}: expected {close!r}", i)
        return (i + 1, True) if self.text[i] == close else (i, False)

    def _separator(self, i: int, close: str, what: str) -> int:
        """Past the comma after a member or element (a trailing one is fine), or at ``close``."""
        i = _skip_space(self.text, i, self.end)
        if i < self.end and self.text[i] == ",":
            return i + 1
        if i >= self.end or self.text[i] != close:
            raise JsSyntaxError(f"expected ',' or {close!r} after {what}", i)
        return i

    def _object(self, i: int, pointer: str, depth: int) -> tuple[dict[str, Any], int]:
        text = self.text
        result: dict[str, Any] = {}
        while True:
            i, closed = self._next_item(i, "}", "object")
            if closed:
                return result, i
            key_at = i
            if text[i] in "\"'":
                key, i = self._string(i)
            elif text[i] == "[":
                raise NotLiteral("a computed key", i)
            elif text.startswith("...", i):
                raise NotLiteral("a spread (...)", i)
            else:
                word = _IDENTIFIER.match(text, i, self.end) or _NUMBER.match(text, i, self.end)
                if not word:
                    raise JsSyntaxError(f"unexpected character {text[i]!r}: expected a key", i)
                key, i = _unescaped_name(word.group(0), word.start()), word.end()
            i = _skip_space(text, i, self.end)
            if i < self.end and (text[i] == "(" or key in ("get", "set", "async") and _IDENTIFIER.match(text, i, self.end)):
                raise NotLiteral(f"a method ({key}...)", key_at)  # {toJSON() {...}}, {get total() {...}}: code, not a value
            if i >= self.end or text[i] != ":":
                if i < self.end and text[i] in ",}" and _IDENTIFIER.fullmatch(str(key)):
                    raise NotLiteral(f"the shorthand property {key!r} (a variable)", key_at)
                raise JsSyntaxError(f"expected ':' after the key {key!r}", i)
            value, i = self.value(i + 1, join_pointer(pointer, key), key_at, depth + 1)
            result[key] = value  # a repeated key: the last wins, as in JavaScript
            i = self._separator(i, "}", "a member")

    def _array(self, i: int, pointer: str, depth: int) -> tuple[list[Any], int]:
        text = self.text
        result: list[Any] = []
        while True:
            i, closed = self._next_item(i, "]", "array")
            if closed:
                return result, i
            if text[i] == ",":
                raise JsSyntaxError("an empty array slot (two commas): sites mean a value there", i)
            value, i = self.value(i, f"{pointer}/{len(result)}", None, depth + 1)
            result.append(value)
            i = self._separator(i, "]", "an element")

    def _string(self, i: int) -> tuple[str, int]:
        """A '...', "..." or `...` literal; a template may span lines but not hold ${...}."""
        text, quote = self.text, self.text[i]
        template = quote == "`"
        out: list[str] = []
        j = i + 1
        while j < self.end:
            ch = text[j]
            if ch == quote:
                return _joined_pairs("".join(out)), self._after_value(j + 1, i)
            if ch == "\n" and not template:
                break
            if template and text.startswith("${", j):
                raise NotLiteral("a template with a substitution (${...})", i)
            if ch == "\\":
                j = self._escape(j, out, template)
                continue
            out.append(ch)
            j += 1
        raise JsSyntaxError("unterminated template" if template else "unterminated string", i)

    def _escape(self, j: int, out: list[str], template: bool = False) -> int:
        text = self.text
        if j + 1 >= self.end:
            raise JsSyntaxError("unterminated string", j)
        ch = text[j + 1]
        if ch in "01234567":
            octal = _OCTAL_ESCAPE.match(text, j + 1, self.end)
            assert octal is not None  # matches one digit at least
            octal_digits = octal.group()
            if octal_digits == "0" and not text[j + 2:j + 3].isdigit():
                out.append("\0")  # NUL, also in a template
                return j + 2
            if template:
                raise JsSyntaxError("an octal escape in a template literal", j)
            out.append(chr(int(octal_digits, 8)))  # sloppy mode's legacy octal escape: "\101" is "A"
            return j + 1 + len(octal_digits)
        if ch in "xu":
            digits = 2 if ch == "x" else 4
            if ch == "u" and text.startswith("{", j + 2):
                close = text.find("}", j + 3, self.end)
                digits_text, after = (text[j + 3:close], close + 1) if close > 0 else ("", j + 2)
            else:
                digits_text, after = text[j + 2:j + 2 + digits], j + 2 + digits
            try:
                out.append(chr(int(digits_text, 16)))
            except ValueError:
                raise JsSyntaxError(f"invalid \\{ch} escape", j) from None
            return after
        if ch == "\r" and text.startswith("\n", j + 2):
            return j + 3  # a line continuation
        if ch != "\n":
            out.append(_ESCAPES.get(ch, ch))
        return j + 2


def _unescaped_name(name: str, at: int) -> str:
    """A key as JavaScript reads it (typ\\u0065 is type); an escape past U+10FFFF (\\u{FFFFFF}) is a syntax error, as in a string."""
    if "\\" not in name:
        return name
    for escape in _NAME_ESCAPES.finditer(name):
        if int(escape.group(1) or escape.group(2), 16) > sys.maxunicode:
            raise JsSyntaxError("invalid \\u escape", at + escape.start())
    return _NAME_ESCAPES.sub(lambda escape: chr(int(escape.group(1) or escape.group(2), 16)), name)


def _joined_pairs(text: str) -> str:
    """JavaScript strings are UTF-16: '\\uD83D\\uDE00' is the one character U+1F600, as the same JSON string is (not two
    surrogates, which counted twice for value-length and printed as escapes). A lone surrogate stays one."""
    if not _SURROGATE_PAIR.search(text):
        return text
    return _SURROGATE_PAIR.sub(lambda pair: pair.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text)


def _script_type(tag: str) -> str | None:
    """The ``type`` of a ``<script ...>`` tag's attributes, lower case and without parameters; "" when it has none.
    None when the element's text never runs: a ``src`` attribute makes browsers load that file instead."""
    found: str | None = None
    language = ""
    for match in _ATTRIBUTE.finditer(tag):
        name = match.group(1).lower()
        if name == "src":
            return None
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        if name == "type" and found is None:  # the first of repeated attributes counts, as in browsers
            found = value.split(";", 1)[0].strip().lower()
        elif name == "language" and not language:
            language = value.strip().lower()
    if found is None and language:  # the HTML standard: no type, a language: "text/" + it (language=vbscript never runs)
        return f"text/{language}"
    return found or ""


def _tag_end(text: str, i: int) -> int:
    """Where the tag whose attributes start at ``i`` ends (its '>'), -1 when it never does: a '>' inside a quoted
    attribute value (``data-x="a>b"``) does not end it."""
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == ">":
            return i
        if ch == "=":
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] in "\"'":
                close = text.find(text[j], j + 1)
                if close < 0:
                    return -1
                i = close + 1
                continue
        i += 1
    return -1


def _script_attributes(text: str, start: int, end: int) -> Iterator[tuple[int, int, bool]]:
    """The values of the attributes in ``text[start:end]`` that browsers run: onclick="lpTag.sdes.push(...)" and
    href="javascript:..." push as a <script> does (they were never searched: a push there went unseen)."""
    if end < 0 or text.find("lpTag", start, end) < 0:
        return
    for match in _ATTRIBUTE.finditer(text, start, end):
        group = next((g for g in (2, 3, 4) if match.group(g) is not None), None)
        if group is None:
            continue
        name, value_start, value_end = match.group(1), match.start(group), match.end(group)
        if _HANDLER.fullmatch(name):
            yield value_start, value_end, True
        elif name.lower() in _URL_ATTRIBUTES and (url := _JAVASCRIPT_URL.match(text, value_start, value_end)):
            yield url.end(), value_end, True


def _script_ranges(text: str, html: bool) -> list[tuple[int, int, bool]]:
    """The code of each complete ``<script ...>...</script>`` element and script attribute (True), in one pass over the text.

    One expression (``<script\\b[^>]*>(.*?)</script\\s*>``) rescanned the rest of the page from every
    tag left open: quadratic (200 KB of ``<script>`` took 51 s). An opening tag with no ``>`` or no
    closing tag after it ends the search: nothing after it can close. A ``<!-- -->`` comment and the
    text of a ``<textarea>``, ``<style>``, ``<noscript>``... hold no script element: they are stepped over.
    """
    if not html:
        return [(0, len(text), False)]
    ranges: list[tuple[int, int, bool]] = []
    at = 0
    foreign = 0  # how many <svg> and <math> elements are open here
    unended = False  # a start tag was met that no '>' ends
    while (opening := _MARKUP.search(text, at)) is not None:
        if opening.group(1):  # a comment: <!-- <script>...</script> --> is commented out, not run
            comment_close = _COMMENT_CLOSE.search(text, opening.start() + 2)  # <!--> and <!---> are comments too
            if comment_close is None:
                break
            at = comment_close.end()
            continue
        if opening.group(5):  # another element's start tag: past its attributes, quoted values and all
            end = -1 if unended else _tag_end(text, opening.end())
            unended = unended or end < 0  # no later tag can end either: do not look again (200 KB of '<a' was quadratic)
            ranges.extend(_script_attributes(text, opening.end(), end))
            at = opening.end() if end < 0 else end + 1  # never ended: read on after its name
            continue
        name = opening.group(2)
        if name is None or (foreign and name.lower() != "script"):
            # <svg>, </math>...; or an SVG <style> or <title>: markup goes on inside it (and <title/> closes itself)
            end = _tag_end(text, opening.end())
            if end < 0:
                break
            ranges.extend(_script_attributes(text, opening.end(), end))
            if name is None and opening.group(3):
                foreign = max(foreign - 1, 0)
            elif name is None and text[end - 1] != "/":
                foreign += 1
            at = end + 1
            continue
        start = _tag_end(text, opening.end())
        closing = re.compile(rf"</{name}(?=[\s/>])[^>]*>", re.I).search(text, start + 1) if start >= 0 else None
        if closing is None:
            break
        ranges.extend(_script_attributes(text, opening.end(), start))  # <script onload=...>, <iframe onload=...>
        if name.lower() == "script" and _script_type(text[opening.end():start]) in _JAVASCRIPT_TYPES:  # a template or JSON block never runs
            ranges.append((start + 1, closing.start(), False))
        at = closing.end()
    return ranges


def _block_end(text: str, code: list[tuple[int, int]], starts: list[int], at: int, end: int) -> int:
    """Where the block holding ``at`` closes (its '}' in code) before ``end``, else ``end``: the scope of a declaration there."""
    depth = 0
    for code_start, code_end in code[max(bisect.bisect_right(starts, at) - 1, 0):]:
        if code_start >= end:
            break
        for brace in _BRACE.finditer(text, max(code_start, at), min(code_end, end)):
            depth += 1 if brace.group() == "{" else -1
            if depth < 0:
                return brace.start()
    return end


def _aliased_pushes(text: str, code: list[tuple[int, int]], in_code: Callable[[int], bool], start: int, end: int) -> Iterator[re.Match[str]]:
    """The pushes through a name given ``lpTag.sdes`` (``var sdes = lpTag.sdes; sdes.push({...})``): after the
    declaration, up to the end of its block or the name's next assignment or declaration. Scopes are not analysed
    further: a function parameter of the same name inside that block is read as the alias. Only the first
    ``_MAX_ALIASES`` declarations of a script are followed (each is a search of the rest of it)."""
    starts = [code_start for code_start, _ in code]
    declarations = (declared for declared in _ALIAS.finditer(text, start, end) if in_code(declared.start()))
    for declared in itertools.islice(declarations, _MAX_ALIASES):
        name = re.escape(declared.group("alias"))
        alone = rf"{name}(?<![\w$.]{name})"  # the name, not part of another or a member (led by itself: a fast search)
        scope_end = end
        assigned = re.compile(rf"{alone}\s*=(?!=)|(?:var|let|const)\s+{alone}(?![\w$])")
        for again in assigned.finditer(text, declared.end(), end):
            if in_code(again.start()):
                scope_end = again.start()
                break
        scope_end = _block_end(text, code, starts, declared.end(), scope_end)
        for match in re.compile(rf"{alone}{_TS_CAST}{_CALL}").finditer(text, declared.end(), scope_end):
            if in_code(match.start()):
                yield match


def _membership(code: list[tuple[int, int]]) -> Callable[[int], bool]:
    """Whether an offset is in one of the (ordered) ``code`` ranges."""
    starts = [code_start for code_start, _ in code]

    def in_code(offset: int) -> bool:
        at = bisect.bisect_right(starts, offset) - 1
        return at >= 0 and offset < code[at][1]

    return in_code


def _push_starts(text: str, html: bool, jsx: bool) -> Iterator[tuple[int, int, bool, str | None]]:
    """(offset after its '(', end of its script, whether the script is an attribute's value, "call" or "apply" when
    called through one) for each push or send whose ``lpTag`` is code (``lpTag["sdes"]`` holds a string: the call is
    searched in the whole script, then kept only where it starts in code), directly or through an alias, in order."""
    for start, end, attribute in _script_ranges(text, html):
        code = code_ranges(text, start, end, jsx)
        in_code = _membership(code)
        found = [match for match in _PUSH.finditer(text, start, end) if in_code(match.start())]
        if "lpTag" in text[start:end] and _ALIAS.search(text, start, end):
            found = sorted({match.start(): match for match in [*found, *_aliased_pushes(text, code, in_code, start, end)]}.values(), key=lambda m: m.start())
        for match in found:
            yield match.end(), end, attribute, match.group("via")


def _out_of_range(literal: str, pointer: str, offset: int) -> Problem:
    """A number literal past a double's range: JavaScript reads it as Infinity, which JSON.stringify sends as null; the
    schema leaves a non-finite number to this finding (as to a JSON file's syntax-error), which says what was written."""
    shown = literal if len(literal) <= 40 else literal[:37] + "..."
    infinity = "-Infinity" if literal.startswith("-") else "Infinity"
    message = f"number {shown} is out of range: no IEEE 754 double holds it, so JavaScript reads it as {infinity} (JSON.stringify sends null)"
    return Problem(pointer, "bad-value", message, offset=offset, value=literal)


def parse_source(name: str, text: str, html: bool) -> Document:
    """A JavaScript/TypeScript file or HTML page as a document: its pushes' arguments, with their positions.

    ``data`` is the list of the arguments in order; an argument that is not checkable (or not valid
    JavaScript) is None in it, so the others keep their pointers (``/0``, ``/1/0``...).
    """
    arguments: list[Any] = []
    spots: Spots = {}
    problems: list[Problem] = []
    # the file's own extension (as reader.format_of reads it, past a .gz): bundle.ts.js is JavaScript, app.ts.gz TypeScript
    lower = name.lower()
    suffix = "" if html else PurePath(lower[:-3] if lower.endswith(".gz") else lower).suffix
    typescript = suffix in _TYPESCRIPT_SUFFIXES
    for i, end, attribute, via in _push_starts(text, html, jsx=not typescript or suffix == ".tsx"):
        parser = _Parser(text, end, typescript, jsx=suffix == ".tsx")
        reading = True  # False between arguments: a syntax error there (push({...} x)) breaks the call, it adds no argument
        first = len(arguments)
        if via is not None:  # lpTag.sdes.push.apply(lpTag.sdes, [...]): what it pushes is not read
            arguments.append(None)
            message = f"lpTag.sdes push called through .{via}(...): only the literal arguments of a direct call can be checked"
            problems.append(Problem(f"/{len(arguments) - 1}", "not-checkable", message, offset=i))
            continue
        found = _CHARACTER_REFERENCE.search(text, i, end) if attribute else None
        if found is not None:  # onclick="lpTag.sdes.push({type: &quot;cart&quot;})": the HTML parser decodes it first; never guessed
            reference = found.start()
            message = "lpTag.sdes call in an HTML attribute holds a character reference (&...;): only literal objects and arrays can be checked"
            arguments.append(None)
            problems.append(Problem(f"/{len(arguments) - 1}", "not-checkable", message, offset=reference))
            continue
        try:
            i = _skip_space(text, i, end)
            while i < end and text[i] != ")":
                pointer = f"/{len(arguments)}"
                reading = True
                parser.problems.clear()
                try:
                    value, i = parser.value(i, pointer, None)
                except NotLiteral as exc:
                    arguments.append(None)
                    message = f"lpTag.sdes argument holds {exc.what}: only literal objects and arrays can be checked"
                    problems.append(Problem(pointer, "not-checkable", message, offset=exc.offset))
                    break
                arguments.append(value)
                problems.extend(parser.problems)
                reading = False
                i = _skip_space(text, i, end)
                if i < end and text[i] == ",":
                    i = _skip_space(text, i + 1, end)
                elif i >= end or text[i] != ")":
                    raise JsSyntaxError("expected ',' or ')' after the argument", i)
            if i >= end:
                raise JsSyntaxError("unterminated call: expected ')'", i)
        except JsSyntaxError as exc:
            if reading or len(arguments) == first:
                arguments.append(None)
            problems.append(Problem(f"/{len(arguments) - 1}", "syntax-error", f"invalid JavaScript in lpTag.sdes call: {exc.message}", offset=exc.offset))
        spots.update(parser.spots)
    return Document(name=name, data=arguments, text=text, parsed=True, problems=problems, locator=_locator(spots), source_kind=WEB_SOURCE)


def _locator(spots: Spots) -> Callable[[list[str]], Spots]:
    def locate(pointers: list[str]) -> Spots:
        return {pointer: spots[pointer] for pointer in pointers if pointer in spots}

    return locate
