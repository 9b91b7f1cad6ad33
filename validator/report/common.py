"""Helpers more than one reporter uses: CI paths, fingerprints, safe JSON writing, count phrases.

Reporters import these from here, never from each other, so each format's
module holds that format only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path, PurePath
from typing import IO, Any

from ..findings import Finding
from ..result import Summary

# Lone surrogates (a JSON key may hold "\ud800") cannot be written as UTF-8.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def report_path(file: str) -> str:
    """The path CI tools expect: relative to the working directory when inside it, with forward slashes.

    CI systems (code scanning, GitLab, Actions annotations) match paths against
    the repository checkout, so ``./a.json``, ``a.json`` and ``$PWD/a.json`` must
    come out the same. Names that are not paths (``<stdin>``) are kept.
    """
    path = PurePath(file)
    if path.is_absolute():
        try:
            path = Path(os.path.abspath(file)).relative_to(Path.cwd())
        except ValueError:
            return path.as_posix()
    return path.as_posix()  # also drops "./" prefixes; on Windows turns "\" into "/"


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
        identity = finding.with_(file=report_path(finding.file)).fingerprint()
        n = seen[identity]
        seen[identity] += 1
        key = identity if n == 0 else f"{identity}\0{n}"
        out.append(hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest())
    return out


def dump_json(document: Any, stream: IO[str], *, indent: int | None = 2, ensure_ascii: bool = True) -> None:
    """json.dump that never fails on lone surrogates (a JSON key may hold ``\\ud800``): they stay escaped."""
    text = json.dumps(document, indent=indent, ensure_ascii=ensure_ascii)
    if not ensure_ascii:
        text = LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    stream.write(text)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def severity_counts(summary: Summary) -> str:
    """``2 errors, 1 warning, 0 info``: the counts every human-facing summary line ends with."""
    return f"{plural(summary.errors, 'error')}, {plural(summary.warnings, 'warning')}, {summary.infos} info"
