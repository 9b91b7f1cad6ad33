"""Glob patterns: gitignore semantics for file paths (pathspec), our own for JSON Pointers.

File patterns (``--include``, ``--exclude``, ``overrides[].files``) mean what they mean in a
``.gitignore`` file, as ruff's and pre-commit's users expect: a pattern without a slash matches a
name at any depth, a name matches a directory and everything in it, ``[ab]`` is a character
class, ``**`` crosses directories. Braces (``*.{json,yaml}``), which gitignore lacks and ruff has,
are expanded first. Include patterns select files, as ruff's ``include`` does (``file_matches``):
``*.json`` takes a file by its own name, never a folder ``fixtures.json/`` and all it holds; a
pattern ending in ``/`` (``recorded/``), or whose last name has no wildcard (``recorded``), takes
what is under a directory. JSON Pointer patterns
keep this module's simpler rules: ``*`` within one reference token, ``**`` across tokens, the
whole pointer matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from .findings import without_lone_surrogates

if TYPE_CHECKING:
    import pathspec


def _glob_body(pattern: str) -> str:
    """A pointer pattern as regular-expression text: ``**/`` any tokens, ``**`` anything, ``*`` within a token."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


_BRACES = re.compile(r"\{([^{}]*,[^{}]*)\}")
# Each brace group multiplies the patterns: {a,b} eighteen times is 262,144 of them (half a minute, 490 MB)
MOST_EXPANDED = 256


def expand_braces(pattern: str) -> list[str]:
    """``*.{json,yaml}`` -> ``*.json``, ``*.yaml`` (nested and repeated groups too).

    ValueError past MOST_EXPANDED patterns.
    """
    done: list[str] = []
    pending = [pattern]
    while pending:
        current = pending.pop()
        match = _BRACES.search(current)
        if match is None:
            done.append(current)
            continue
        head, tail = current[: match.start()], current[match.end():]
        pending.extend(head + option + tail for option in reversed(match.group(1).split(",")))
        if len(done) + len(pending) > MOST_EXPANDED:
            raise ValueError(f"its braces expand to more than {MOST_EXPANDED} patterns")
    return done


def bad_file_patterns(patterns: Iterable[str]) -> str | None:
    """The first pattern of ``patterns`` that cannot be a file pattern, with why (--include/--exclude, lint_paths); or None."""
    for pattern in patterns:
        if problem := file_pattern_problem(pattern):
            return f"{pattern!r}: {problem}"
    return None


# A file pattern longer than this is refused: RE2 cannot compile one of 100,000 characters (an internal error)
LONGEST_FILE_PATTERN = 4096


def _windows_separator(pattern: str) -> str | None:
    """The first backslash-and-letter (or digit) of ``pattern``, which escapes nothing gitignore needs escaped: a
    Windows path's separator (``fixtures\\legacy\\**`` is ``fixtureslegacy**``, and matched nothing, in silence)."""
    i = pattern.find("\\")
    while i >= 0:
        following = pattern[i + 1:i + 2]
        if following.isalnum():
            return pattern[i:i + 2]
        i = pattern.find("\\", i + 2)  # past an escaped character, an escaped backslash included
    return None


def _with_slashes(pattern: str) -> str:
    """``pattern`` with the backslashes that stand for folder separators as ``/`` (``.\\a\\*.json`` -> ``./a/*.json``)."""
    return re.sub(r"\\(?=\w|\*|\?)", "/", pattern)


def file_pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a file pattern (empty, too long, too many brace expansions, or not a gitignore pattern), or None."""
    if not pattern.strip():  # gitignore reads it as no pattern: `--include "$UNSET"` would select nothing, silently
        return "an empty pattern matches no file" if not pattern else "a pattern of blanks only matches no file"
    if pattern.startswith("#"):  # a gitignore comment, also no pattern: `--include '#draft.json'` selected nothing
        return r"a pattern that starts with # is a gitignore comment and matches no file (\# matches a name that starts with #)"
    if len(pattern) > LONGEST_FILE_PATTERN:
        return f"longer than {LONGEST_FILE_PATTERN:,} characters"
    if escaped := _windows_separator(pattern):
        return (f"a backslash escapes the next character in a gitignore pattern ({escaped} is just {escaped[1]}):"
                f" separate folders with '/' ({_with_slashes(pattern)})")
    try:
        _spec((pattern,))
        _file_regexes((pattern,))
    except ValueError as exc:  # ours, or pathspec's GitIgnorePatternError ("a\\", "!")
        return str(exc)
    return None


@cache
def _spec(patterns: tuple[str, ...]) -> pathspec.PathSpec:
    import pathspec  # only when a directory is searched or overrides name files: a pre-commit run on named files never needs it

    try:
        # git's own reading (GitIgnoreSpec): `sub/*` matches the folder sub/x, so everything in it, as git ignores it
        return pathspec.GitIgnoreSpec.from_lines(_lines(patterns))
    except re.error as exc:  # a class Python's re refuses ("[z-a]"): a ValueError every caller reports as a bad pattern
        raise ValueError(f"not a valid pattern: {exc.msg}") from None


def _lines(patterns: tuple[str, ...]) -> list[str]:
    """The gitignore lines of ``patterns``: braces expanded, ``./`` anchored.

    RE2, which pathspec matches with, takes UTF-8 only: a name that is not UTF-8 (surrogateescape) holds lone
    surrogates, matched as U+FFFD (by ? or *, never by a letter).
    """
    return [_anchored(_posix_classes(p)) for pattern in patterns for p in expand_braces(without_lone_surrogates(pattern))]


# POSIX character classes, which git's patterns take inside brackets ([[:alpha:]]*.json) and pathspec passes to
# Python's re as a literal set (a sweep found [[:alpha:]]*.json taking 2 of 5 such files, in silence): as ranges
# (none begins with ! or ^, which would negate the class they are put in, and none spans /, which no class matches)
_POSIX_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z", "xdigit": "0-9A-Fa-f",
    "space": " \t\n\r\f\v", "blank": " \t", "punct": ":-@!-.\\[-`{-~", "cntrl": "\x00-\x1f\x7f",
    "graph": "0-~!-.", "print": " -.0-~",
}


def _posix_classes(pattern: str) -> str:
    """``pattern`` with each ``[:name:]`` inside a bracket expression written as its ranges; ValueError for a name
    git does not know."""
    if "[:" not in pattern:
        return pattern
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class and pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2:end] if end > 0 else ""
            if name not in _POSIX_CLASSES:
                raise ValueError(f"[:{name}:] is not a POSIX character class ({', '.join(sorted(_POSIX_CLASSES))})")
            out.append(_POSIX_CLASSES[name])
            i = end + 2
            continue
        if not in_class and char == "[":
            in_class = True
            out.append(char)
            i += 1
            if pattern[i:i + 1] in ("!", "^"):
                out.append(pattern[i])
                i += 1
            if pattern[i:i + 1] == "]":  # a ] first in a class is the character
                out.append("]")
                i += 1
            continue
        if in_class and char == "]":
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


# pathspec marks the slash after a directory with this group (`*.json` -> ``^(?:.+/)?[^/]*\.json(?:(?P<ps_d>/)|$)``):
# in its place a class that matches nothing: the pattern then matches a whole path only, never through a directory
_DIRECTORY_MARK = "(?P<ps_d>/)"
_NOTHING = r"[^\x00-\x{10FFFF}]"
_WILDCARD = re.compile(r"(?<!\\)[*?\[]")  # not escaped


@cache
def _file_regexes(patterns: tuple[str, ...]) -> list[tuple[bool, Any]]:
    """(include, RE2 matcher) per run of consecutive gitignore lines of ``patterns`` that agree on include, the last
    run first; blank lines and comments have none. ValueError for a line pathspec or RE2 refuses.

    A line ending in ``/``, or whose last name has no wildcard (``fixtures``, ``recorded/2024``, ``**/fixtures``), keeps
    its directory match (the files under such a directory); a line whose last name has one (``*.json``) matches a
    file's whole path only.
    A run is one alternation: a search of 100,000 files calls RE2 once per file, not once per line.
    """
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern as Pattern  # its regexes mark a match through a directory

    runs: list[tuple[bool, list[str]]] = []
    for line in _lines(patterns):
        pattern = Pattern(line)
        if pattern.include is None or pattern.regex is None:
            continue
        # recorded/, or a last name without a wildcard as written (fixtures, **/fixtures, a\[1\])
        names_folders = line.rstrip(" ").endswith("/") or not _WILDCARD.search(line.rsplit("/", 1)[-1])
        regex = pattern.regex.pattern.replace(_DIRECTORY_MARK, "/" if names_folders else _NOTHING)
        linear_pattern(regex)  # each line on its own first: the error names what RE2 refuses in it
        if runs and runs[-1][0] == pattern.include:
            runs[-1][1].append(regex)
        else:
            runs.append((bool(pattern.include), [regex]))
    compiled = []
    for include, regexes in reversed(runs):
        try:
            compiled.append((include, linear_pattern("|".join(f"(?:{regex})" for regex in regexes))))
        except ValueError:  # past RE2's memory for one program: a matcher per line
            compiled.extend((include, linear_pattern(regex)) for regex in regexes)
    return compiled


_SLASHES = re.compile(r"//+")


def _anchored(pattern: str) -> str:
    """``./c.json`` as ``/c.json``: what ruff's users mean by it, where gitignore would match nothing; ``a//b`` as
    ``a/b``, as the system reads such a path (no path holds ``//``: ``.//a/*`` and ``fixtures//old`` matched nothing)."""
    pattern = _SLASHES.sub("/", pattern)
    if not pattern.startswith("./"):
        return pattern
    while pattern.startswith("./"):
        pattern = pattern[2:].lstrip("/")
    return "/" + pattern


def pointer_matches(pointer: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """A JSON Pointer against pointer patterns: a pattern covers the pointers it matches and everything under them
    (``/a/cartStatus`` covers ``/a/cartStatus/total``), as the README's "only under these JSON Pointers" says."""
    pointer = without_lone_surrogates(pointer)  # RE2 takes UTF-8 only
    return any(_pointer_regex(p).fullmatch(pointer) for p in patterns)


@cache
def _pointer_regex(pattern: str) -> Any:
    """Matched by RE2, in time linear in the pointer: '/****...*/q' backtracked for minutes in Python's re (a sweep)."""
    return linear_pattern(_glob_body(without_lone_surrogates(pattern)) + "(?:/.*)?")


def linear_pattern(pattern: str) -> Any:
    """A matcher for ``pattern`` that runs in time linear in the text (RE2), for patterns users write (custom rules,
    pointer globs); ValueError, with RE2's reason, for what RE2 does not support (raised, not logged to stderr).

    RE2 is imported by the first such pattern: a run without one (most pre-commit runs) never loads it.
    """
    import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(reason) from None


def path_matches(relative: str, patterns: Iterable[str]) -> bool:
    """A slash-separated path relative to where the patterns apply (a directory searched, the configuration's folder)."""
    return _spec(tuple(patterns)).match_file(without_lone_surrogates(relative))


def selected_file(relative: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    """A file (relative to the directory or prefix searched) that ``include`` selects and ``exclude`` keeps.

    An include pattern selects a file by its path (``*.json``: by its name), never through a directory: a folder
    ``fixtures.json/`` does not make its README an input. An exclude pattern drops a directory and all in it.
    """
    return file_matches(relative, include) and not path_matches(relative, exclude)


def folder_matches(relative: str, patterns: tuple[str, ...]) -> bool:
    """Whether exclude ``patterns`` drop every file the folder at ``relative`` could hold, so it need not be listed.

    Not every line that matches a folder drops what is in it (``b/*`` is ``^b/[^/]+/?$`` to pathspec: ``b/a`` and
    ``b/a/``, not ``b/a/c.json``): a line's regex must match ``relative/`` without asserting the end of the text,
    which it then matches in every path that begins so. Never when a line takes files back (``!``).
    """
    regexes = _folder_regexes(tuple(patterns)) if patterns else []
    folder = without_lone_surrogates(relative) + "/"
    return any(regex.search(folder) is not None for regex in regexes)


@cache
def _folder_regexes(patterns: tuple[str, ...]) -> list[Any]:
    """The regexes path_matches uses for ``patterns``, each with its end assertions made to match nothing; none when
    a line takes files back. A line RE2 then refuses only leaves its folders listed."""
    lines = _spec(patterns).patterns
    if any(line.include is False for line in lines):
        return []
    regexes = []
    for line in lines:
        if line.include and line.regex is not None:
            try:
                regexes.append(linear_pattern(_without_end(line.regex.pattern)))
            except ValueError:
                continue
    return regexes


def _without_end(regex: str) -> str:
    """``regex`` with ``$``, ``\\z``, ``\\Z`` (and ``\\b``, ``\\B``, which look at the next character) outside character
    classes made to match nothing: what the result matches in a text, ``regex`` matches in every text that starts so."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            pair = regex[i:i + 2]
            out.append(_NOTHING if not in_class and pair[1:] in ("z", "Z", "b", "B") else pair)
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            start = i + 1 + (regex[i + 1:i + 2] == "^")
            if regex[start:start + 1] == "]":  # a ] first in a class is the character
                start += 1
            out.append(regex[i:start])
            i = start
            continue
        elif char == "$":
            char = _NOTHING
        out.append(char)
        i += 1
    return "".join(out)


def file_matches(relative: str, patterns: Iterable[str]) -> bool:
    """Whether include ``patterns`` select the file at ``relative`` (slash-separated, relative to the directory searched).

    As in gitignore, the last line that matches decides (``!b.json`` takes back what ``*.json`` took); unlike gitignore, a
    line matches the file's own path (a name at any depth), not a directory above it, unless the line ends in ``/`` or
    its last name has no wildcard (see ``_file_regexes``).
    """
    relative = without_lone_surrogates(relative)
    for include, regex in _file_regexes(tuple(patterns)):
        if regex.search(relative) is not None:
            return include
    return False
