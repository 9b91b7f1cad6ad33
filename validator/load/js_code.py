"""Where a script is code: not comments, strings, template text, regular expressions or JSX text.

A push written in a comment or a string is not a push; and a quote or ``//`` that opens nothing (one in a regular
expression literal, or in JSX text: ``<p>Don't</p>``, ``<a>http://x</a>``) must not hide the pushes after it. So the
scan follows the nesting JavaScript has: a template's ``${...}`` is code again (with its own braces and templates),
and so is a JSX expression container (``onClick={() => lpTag.sdes.push(...)}``). No JavaScript engine: a
token-level reading, with one explicit stack (no recursion, so no nesting depth breaks it).
"""

from __future__ import annotations

import re

# After one of these characters (or at the start) a '/' begins a regular expression literal, not a division
_REGEX_MAY_FOLLOW = frozenset("(,=:[!&|?{};+-*%<>~^")
# ... and after one of these words: return /x/, typeof /x/
_REGEX_AFTER_WORDS = frozenset({"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof", "yield", "await"})
_LONGEST_KEYWORD = max(map(len, _REGEX_AFTER_WORDS))
# A statement's head whose ')' ends no value: if (x) /re/.test(s) holds a regular expression, not a division
_CONDITION_WORDS = frozenset({"if", "while", "for", "with"})
IDENTIFIER_PART = re.compile(r"[A-Za-z0-9_$]")
_WORD_BEFORE = re.compile(r"([A-Za-z_$][\w$]*)\s*\Z")
# What each kind of stretch stops at: everything else in it is stepped over in one regular-expression search
_CODE_STOP = re.compile(r"""["'`/{}()<]""")
_TEMPLATE_STOP = re.compile(r"[`\\]|\$\{")
_TAG_STOP = re.compile(r"""/>|["'{>]""")
_CHILDREN_STOP = re.compile(r"[{<]")
# A JSX element's name (<div, <Foo.Bar, <svg:rect, <my-widget) or a fragment (<>); <T,> and <T extends U> are
# TypeScript's type parameters (const f = <T,>(x: T) => x), not elements
_JSX_NAME = re.compile(r"[A-Za-z_$][\w$.:-]*")
_TYPE_PARAMETER = re.compile(r"\s*(?:,|extends\s+(?!=))")

_CODE, _TEMPLATE, _TAG, _CHILDREN = range(4)


def _past_name(text: str, i: int, end: int) -> int:
    """Past a JSX element's type arguments, when it has some (TypeScript's <Select<Option> value={v} />)."""
    if not text.startswith("<", i):
        return i
    depth = 0
    for j in range(i, min(end, i + 400)):
        depth += (text[j] == "<") - (text[j] == ">")
        if depth == 0:
            return j + 1
    return i


def _regex_may_follow(text: str, start: int, i: int, before: bool, condition_ends: set[int] | frozenset[int] = frozenset()) -> bool:
    """Whether a '/' at ``i`` would open a regular expression literal, as JavaScript's grammar decides: after an
    operator, '(' or a keyword such as return, yes; after a name, a number, ')', ']', x++ or a literal, no (a division);
    after the ')' of ``if (...)`` (one of ``condition_ends``), yes.

    ``start``: where this stretch of code began (after a string, comment or literal); ``before``: the answer for
    what preceded the stretch, used when the stretch holds nothing but space.
    """
    j = i - 1
    while j >= start and text[j].isspace():
        j -= 1
    if j < start:
        return before
    c = text[j]
    if c in "+-" and j > start and text[j - 1] == c:
        return False  # x++ / 2
    if c in _REGEX_MAY_FOLLOW:
        return True
    if c == ")":
        return j in condition_ends
    k = j
    while k >= start and j - k <= _LONGEST_KEYWORD and (text[k].isalnum() or text[k] in "_$"):
        k -= 1
    if k >= start and (text[k].isalnum() or text[k] in "_$"):
        return False  # a name longer than any keyword
    while k >= start and text[k].isspace():
        k -= 1
    return text[k + 1:j + 1].strip() in _REGEX_AFTER_WORDS and not (k >= start and text[k] == ".")  # a.return / 2: a member


def _regex_end(text: str, i: int, end: int) -> int | None:
    """Past the regular expression literal opening at ``i`` (and its flags), None when none closes on its line.

    A '/' in a [class] does not close it.
    """
    j, in_class = i + 1, False
    while j < end and text[j] != "\n":
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "/" and not in_class:
            flags = IDENTIFIER_PART.match(text, j + 1, end)
            j += 1
            while flags is not None:
                j = flags.end()
                flags = IDENTIFIER_PART.match(text, j, end)
            return j
        j += 1
    return None


def _opens_condition(text: str, start: int, i: int) -> bool:
    """Whether the '(' at ``i`` follows if, while, for or with (not a member such as ``a.if``)."""
    word = _WORD_BEFORE.search(text, max(start, i - 12), i)
    return word is not None and word.group(1) in _CONDITION_WORDS and not text.startswith(".", word.start() - 1) and (
        word.start() == 0 or not IDENTIFIER_PART.match(text, word.start() - 1))


def _jsx_may_start(text: str, start: int, i: int, before: bool, end: int) -> bool:
    """Whether the '<' at ``i`` opens a JSX element: where a value may start (as a regular expression may, and after
    ``=>``; not in ``a << b``), followed by a name or '>' that is no TypeScript type parameter."""
    j = i - 1
    while j >= start and text[j].isspace():
        j -= 1
    if j >= start and (text[j] == "<" or text[j] == ">" and text[j - 1] != "="):
        return False
    if not _regex_may_follow(text, start, i, before):
        return False
    if text.startswith(">", i + 1):
        return True
    name = _JSX_NAME.match(text, i + 1, end)
    return name is not None and not _TYPE_PARAMETER.match(text, name.end(), end)


def code_ranges(text: str, start: int, end: int, jsx: bool = True) -> list[tuple[int, int]]:
    """Stretches of ``text[start:end]`` that are code, in order (so a push written inside a comment, a string or JSX
    text is skipped, and a quote or ``//`` inside a regular expression or JSX text opens nothing).

    ``jsx``: whether '<' where a value starts opens a JSX element (not in TypeScript's .ts, where ``<Sde>{...}`` is a
    type assertion). A JSX element that never closes was no element (Flow's ``<T>(x: T) => x``): the script is read
    again without JSX, as it was before JSX was known.
    """
    ranges: list[tuple[int, int]] = []
    stack: list[list[int]] = [[_CODE, 0]]  # [kind, open braces] (for code: a '}' with none open ends a ${...} or {...})
    parens: list[bool] = []  # for each open '(': whether it holds the condition of if, while, for or with
    condition_ends: set[int] = set()
    i, code_from = start, start
    plain_until = start  # no '/' before this opens a regular expression (one that did not close on its line was met)
    before = True  # whether a '/' may open a regular expression after what precedes ``code_from``: at the start, yes
    in_jsx = 0  # how many JSX frames are on the stack

    def resume(at: int, value: bool) -> None:  # back in code after a string, template, regex or element (a value)
        nonlocal code_from, before
        code_from, before = at, not value

    while i < end:
        frame = stack[-1]
        kind = frame[0]
        if kind == _TEMPLATE:
            found = _TEMPLATE_STOP.search(text, i, end)
            if found is None:
                break
            i = found.start()
            if text[i] == "\\":
                i += 2
            elif text[i] == "`":
                stack.pop()
                i += 1
                resume(i, True)
            else:  # ${: code again until its '}'
                stack.append([_CODE, 0])
                i += 2
                resume(i, False)
            continue
        if kind == _TAG:
            found = _TAG_STOP.search(text, i, end)
            if found is None:
                break
            i, ch = found.start(), found.group()
            if ch in "\"'":  # an attribute's value: no escapes, lines and all
                close = text.find(ch, i + 1, end)
                i = end if close < 0 else close + 1
            elif ch == "{":  # {...props} or attr={expression}
                stack.append([_CODE, 0])
                i += 1
                resume(i, False)
            elif ch == ">":
                frame[0] = _CHILDREN
                i += 1
            else:  # />: the element ends here
                stack.pop()
                in_jsx -= 1
                i += 2
                if stack[-1][0] == _CODE:
                    resume(i, True)
            continue
        if kind == _CHILDREN:
            found = _CHILDREN_STOP.search(text, i, end)
            if found is None:
                break
            i = found.start()
            if text[i] == "{":
                stack.append([_CODE, 0])
                i += 1
                resume(i, False)
                continue
            j = i + 1
            while j < end and text[j].isspace():
                j += 1
            if text.startswith("/", j):  # </name>: this element ends
                close = text.find(">", j, end)
                if close < 0:
                    break
                stack.pop()
                in_jsx -= 1
                i = close + 1
                if stack[-1][0] == _CODE:
                    resume(i, True)
            elif text.startswith(">", j):  # <>: a fragment
                stack.append([_CHILDREN, 0])
                in_jsx += 1
                i = j + 1
            elif (name := _JSX_NAME.match(text, j, end)) is not None:
                stack.append([_TAG, 0])
                in_jsx += 1
                i = _past_name(text, name.end(), end)
            else:
                i += 1
            continue
        found = _CODE_STOP.search(text, i, end)
        if found is None:
            break
        i, ch = found.start(), found.group()
        if ch in "\"'" or text.startswith("//", i) or text.startswith("/*", i) or text.startswith("<!--", i):
            ranges.append((code_from, i))
            if ch in "\"'":
                j = i + 1
                while j < end and text[j] != ch and text[j] != "\n":
                    j += 2 if text[j] == "\\" else 1
                i = j + 1
                resume(i, True)  # a string is a value: a '/' after it divides
            else:
                was = _regex_may_follow(text, code_from, i, before, condition_ends)  # a comment changes nothing
                if ch != "/" or text[i + 1] == "/":  # a line comment (<!-- too, in scripts: the HTML-like comment)
                    newline = text.find("\n", i, end)
                    i = end if newline < 0 else newline + 1
                else:
                    close = text.find("*/", i + 2, end)
                    i = end if close < 0 else close + 2
                resume(i, not was)
        elif ch == "`":
            ranges.append((code_from, i))
            stack.append([_TEMPLATE, 0])
            i += 1
        elif ch == "/":
            if i >= plain_until and _regex_may_follow(text, code_from, i, before, condition_ends):
                past = _regex_end(text, i, end)
                if past is None:  # not a regular expression after all: read on as code, and look no more on this line
                    newline = text.find("\n", i, end)
                    plain_until = end if newline < 0 else newline
                    i += 1
                    continue
                ranges.append((code_from, i))
                i = past
                resume(i, True)  # a regular expression is a value too
            else:
                i += 1
        elif ch == "{":
            frame[1] += 1
            i += 1
        elif ch == "}":
            if frame[1]:
                frame[1] -= 1
            elif len(stack) > 1:  # the end of a ${...} or of a JSX {...}: back to the template or the element
                ranges.append((code_from, i))
                stack.pop()
            i += 1
        elif ch == "(":
            parens.append(_opens_condition(text, code_from, i))
            i += 1
        elif ch == ")":
            if parens and parens.pop():
                condition_ends.add(i)
            i += 1
        elif jsx and _jsx_may_start(text, code_from, i, before, end):  # '<'
            ranges.append((code_from, i))
            name = _JSX_NAME.match(text, i + 1, end)
            stack.append([_TAG if name else _CHILDREN, 0])  # <name ...> or the fragment <>
            i = _past_name(text, name.end(), end) if name else i + 2
            in_jsx += 1
        else:
            i += 1
    if in_jsx:
        return code_ranges(text, start, end, jsx=False)
    if stack[-1][0] == _CODE:
        ranges.append((code_from, end))
    return ranges
