"""Helpers more than one reporter uses: CI paths, fingerprints, safe JSON writing, escaping, positions, colour.

Reporters import these from here, never from each other, so each format's
module holds that format only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path, PurePath
from typing import IO, Any

from ..fastjson import orjson_module
from ..findings import LONE_SURROGATE, Finding, json_default
from ..result import BaselineOutcome, Summary
from ..workdir import absolute_path
from .ascii_out import ESCAPES

# What must not reach a terminal or a line-based log raw: C0 controls (a newline would forge a finding line,
# ESC starts terminal sequences), DEL, C1 controls, the Unicode line and paragraph separators, the bidi
# embeddings, overrides and isolates (they reorder what is shown), and lone surrogates (not printable as UTF-8).
UNSAFE_FOR_DISPLAY = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
ROOT_LABEL = "(root)"


def report_path(file: str) -> str:
    """The path CI tools expect: relative to the working directory when inside it, with forward slashes.

    CI systems (code scanning, GitLab, Actions annotations) match paths against
    the repository checkout, so ``./a.json``, ``a.json`` and ``$PWD/a.json`` must
    come out the same, also when ``$PWD`` reached the checkout through a symlink
    (see ``workdir``). Names that are not paths (``<stdin>``) are kept.
    Asked once or twice per finding (200,000 in a big report): remembered per file, working directory and $PWD.
    """
    pwd = os.environ.get("PWD")
    try:
        cwd = os.getcwd()
    except OSError:  # the working directory was deleted: a relative name ("<stdin>") needs none, as before
        return _report_path.__wrapped__(file, None, pwd)
    return _report_path(file, cwd, pwd)


@lru_cache(maxsize=4096)
def _report_path(file: str, cwd: str | None, pwd: str | None) -> str:
    """report_path's answer for this working directory and $PWD: worked out from them, not from the process's
    (another thread may chdir between the key and the answer, which would then be remembered under the wrong key)."""
    path = PurePath(file)
    if path.is_absolute():
        if cwd is None:
            cwd = os.getcwd()  # gone: raises as before
        try:
            path = Path(absolute_path(file, (cwd, pwd))).relative_to(cwd)
        except ValueError:
            return path.as_posix()
    return path.as_posix()  # also drops "./" prefixes; on Windows turns "\" into "/"


def escape_controls(text: str) -> str:
    """Text safe to show in a terminal or a one-line-per-finding log: unsafe characters as ``\\n``, ``\\x1b``, ``\\u202e``.

    Pointers, record values and file names come from the input, so an input could otherwise
    forge report lines, recolour the terminal or reverse what is displayed.
    """
    if text.isprintable():  # the common case, and faster than a search: every unsafe character is unprintable
        return text
    return UNSAFE_FOR_DISPLAY.sub(_escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _SHORT_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def pointer_label(pointer: str) -> str:
    """How human-readable formats show a JSON Pointer: ``(/a/b)``, and ``(root)`` for the empty pointer.

    ``(/)`` would name a different pointer (RFC 6901: the member with the empty key).
    """
    return f"({escape_controls(pointer)})" if pointer else ROOT_LABEL


def display_position(finding: Finding) -> tuple[int, int]:
    """Line and column as every format shows them: 1-based, and 1:1 for a finding with no position (a broken .gz, a Python object)."""
    return finding.line or 1, finding.column or 1


def finding_text(f: Finding, style: Callable[[str, str], str] | None = None) -> str:
    """The ``--format text`` line of a finding, without its newline: ``path:line:col: severity rule message (pointer)``.

    ``style(text, part)`` may colour the parts ``file``, the severity and ``rule``. Built once and
    searched once: this runs for every finding of a run, and escaping is almost never needed.
    """
    where = f"({f.pointer})" if f.pointer else ROOT_LABEL
    if style is None:
        text = f"{f.file}:{f.line or 1}:{f.column or 1}: {f.severity} {f.rule} {f.message} {where}"
        return escape_controls(text)  # what sdelint adds (numbers, severity, "(root)") never needs escaping
    place = style(f"{escape_controls(f.file)}:{f.line or 1}:{f.column or 1}:", "file")
    return f"{place} {style(f.severity, f.severity)} {style(escape_controls(f.rule), 'rule')} {escape_controls(f.message)} {escape_controls(where)}"


def canonical_json(value: Any) -> str:
    """A JSON encoding of any loaded value that does not depend on key order or key types.

    ``json.dumps(sort_keys=True)`` fails on a YAML mapping with keys of mixed types (``{1: a, b: c}``)
    or non-scalar keys; here a mapping becomes its list of ``[key, value]`` pairs sorted by (type, text).
    """
    return json.dumps(_canonical(value), default=json_default)


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        pairs = [(type(k).__name__, str(k), _canonical(k), _canonical(v)) for k, v in value.items()]
        return {"mapping": [[key, item] for _, _, key, item in sorted(pairs, key=lambda pair: pair[:2])]}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    return value


# Numbers that say where in the input an error is ("at byte offset 12", "of line 4") and change when other text moves.
_POSITION_NUMBER = re.compile(r"\b(offset|line|column|char|position) \d+")


def input_error_identity(message: str) -> str:
    """What tells input errors (a syntax or encoding error at the root, with no offending value) apart in a baseline.

    Their pointer is always ``""`` and their value None; the message names the error, and its
    position numbers are left out so that the identity survives edits elsewhere in the file.
    """
    return _POSITION_NUMBER.sub(r"\1 #", message)


def stable_fingerprints(findings: list[Finding]) -> list[str]:
    """One SHA-256 hex digest per finding, from ``Finding.fingerprint()`` (file, rule, pointer, value hash).

    The line is not part of it, so re-indenting a file keeps every fingerprint.
    Paths go through ``report_path`` first (``./a.json`` and ``a.json`` agree).
    Two findings with the same identity get an occurrence number, so the
    fingerprints within one report are unique (GitLab merges equal ones).
    """
    seen: Counter[str] = Counter()
    out = []
    for finding in findings:
        identity = finding.fingerprint(report_path(finding.file))
        n = seen[identity]
        seen[identity] += 1
        key = identity if n == 0 else f"{identity}\0{n}"
        out.append(hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest())
    return out


def dump_json(document: Any, stream: IO[str], *, indent: int | None = 2, ensure_ascii: bool = True, floats: bool = True) -> None:
    """json.dump that never fails on lone surrogates (a JSON key may hold ``\\ud800``): they stay escaped.

    ``floats=False``: the document holds no float by construction (a SARIF or GitLab report), so orjson may write
    it, ten times faster than json's indenting encoder, in the same bytes (it spells some floats otherwise).
    """
    if not floats and indent == 2 and ensure_ascii:
        quick = indented_ascii_json_by_orjson(document)
        if quick is not None:
            stream.write(quick)
            return
    text = json.dumps(document, indent=indent, ensure_ascii=ensure_ascii)
    if not ensure_ascii:
        text = LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    stream.write(text)


COLOR_CHOICES = ("auto", "always", "never")


def color_wanted(choice: str, stream: IO[str] | None, environ: Mapping[str, str]) -> bool:
    """``--color``: ``always``/``never`` as said; ``auto`` colours a terminal unless ``NO_COLOR`` is set.

    ``NO_COLOR`` (no-color.org: any non-empty value) wins over ``FORCE_COLOR``, which colours a pipe too
    (CI logs that render ANSI). ``stream`` None is a report file (``-o``): not a terminal, and not a log
    either, so ``FORCE_COLOR`` (set for a whole CI job) does not put escape codes in it.
    """
    if choice != "auto":
        return choice == "always"
    if stream is None:
        return False
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return stream is not None and stream.isatty()


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def baseline_line(outcome: BaselineOutcome) -> str:
    """The line the text and github reports end with under --baseline: what it hid, and whether it should shrink."""
    fixed = len(outcome.fixed)
    hint = " (run --write-baseline to shrink it)" if fixed else ""
    return f"Baseline: {plural(outcome.known, 'known finding')} hidden; {fixed} fixed since it was written{hint}.\n"


def severity_counts(summary: Summary) -> str:
    """``2 errors, 1 warning, 0 info``: the counts every human-facing summary line ends with."""
    return f"{plural(summary.errors, 'error')}, {plural(summary.warnings, 'warning')}, {summary.infos} info"


def indented_ascii_json_by_orjson(document: Any) -> str | None:
    """``json.dumps(document, indent=2)`` (ensure_ascii) for a document without floats, written by orjson; None when
    orjson is not installed or refuses a value (a lone surrogate, an integer past 64 bits, a key that is not a string,
    a subclass, a dataclass or a date, which json.dumps writes, or refuses, its own way)."""
    orjson = orjson_module()
    if orjson is None:
        return None
    options = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
    try:
        text = orjson.dumps(document, option=options).decode()
    except TypeError:  # orjson.JSONEncodeError
        return None
    if not text.isascii():  # json.dumps escapes what is not ASCII: \uXXXX, a surrogate pair above U+FFFF
        text = text.encode("ascii", ESCAPES["json"]).decode("ascii")
    return text.replace("\x7f", "\\u007f")  # and DEL, which orjson writes as it is (only a string can hold one)
