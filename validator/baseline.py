"""Baselines: adopt the gate on a repository that already holds imperfect recordings.

A finding's identity is (file, rule, JSON Pointer, hash of the offending
value), not its line, so reformatting a file keeps the baseline valid. File
names are stored relative to the baseline's folder.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from . import __version__
from .atomic import write_atomically
from .findings import Finding
from .load.reader import read_file
from .report.common import indented_ascii_json_by_orjson
from .result import BaselineOutcome, FileResult
from .rules.builtin.inputs import RULES as INPUT_RULES
from .workdir import absolute_path

FORMAT_VERSION = 1
# An entry is some 350 bytes: 750,000 findings (a 300 MB capture of 266,000 findings writes 93 MB). A baseline is read
# whole, and a device or a runaway file named by --baseline was read to the 1 GiB an input may hold before it failed.
MAX_BASELINE_BYTES = 256 << 20

# Whether a run checked a rule at a place of an input (result's file, rule, pointer): a rule --select/--ignore, a
# configuration or --min-severity left out found nothing there, so its entries are neither fixed nor replaced.
Checks = Callable[[str, str, str], bool]


def _everything(file: str, rule: str, pointer: str) -> bool:
    return True


# The rules that look at an input no document of which was checked (it did not parse, could not be read, is no payload)
_LOADER_RULES = frozenset(rule.name for rule in INPUT_RULES)


def _looked_for(results: list[FileResult], checks: Checks) -> Checks:
    """``checks``, where in an input the rules never saw (a result without a kind: a capture left broken mid-edit, a file
    that could not be read) only the loader's rules were checked: its other entries were not looked for. They counted as
    fixed, and a rewrite dropped them, so once the file was mended its accepted findings came back as new.

    So in an input the rules saw only part of (``partial``: a JSON Lines line left broken): an entry holds no line
    number, so which of its entries were the unseen lines' cannot be told."""
    unchecked = {result.file for result in results if result.kind is None or result.partial}
    if not unchecked:
        return checks

    def looked(file: str, rule: str, pointer: str) -> bool:
        return (file not in unchecked or rule in _LOADER_RULES) and checks(file, rule, pointer)

    return looked


class BaselineError(Exception):
    """An unreadable baseline file (exit code 2)."""


def _key(finding: Finding, root: Path, files: dict[str, str], all_hashes: bool = False) -> tuple[str, ...]:
    """The baseline's identity of a finding; ``files`` remembers each file as the baseline names it (one per result).
    ``all_hashes``: followed by the value hashes an earlier sdelint gave it, if other (``Finding.value_hashes``).

    Taken field by field, not split out of ``fingerprint()``: a pointer may hold the NUL that separates its fields
    (a key "a\\u0000b"), and --write-baseline ended in an internal error on it.
    """
    file = files.get(finding.file)
    if file is None:
        file = files[finding.file] = _relative_file(finding.file, root)
    return file, finding.rule, finding.pointer, *(finding.value_hashes() if all_hashes else (finding.value_hash(),))


def _relative_file(file: str, root: Path) -> str:
    """A result's file as a baseline names it: relative to the baseline's folder (``<stdin>`` as it is).

    Both sides go through ``absolute_path``: ``"$PWD/a.json"`` with ``$PWD`` through a symlink is the same entry as ``a.json``.
    """
    if file.startswith("<"):
        return file
    try:
        return Path(os.path.relpath(absolute_path(file), root)).as_posix()
    except ValueError:
        return Path(file).as_posix()


def _file_gone(file: str, root: Path) -> bool:
    """Whether a baseline entry's file no longer exists (a local path: not ``<stdin>``, not an object-store URL)."""
    # os.path.lexists: False, not an error, for a name too long or holding a NUL (a hostile baseline; Path.exists raised);
    # lexists, not exists: a broken symlink is still there (its read-error finding is accepted like any other), and
    # exists() took it for gone, so a rewrite for other files dropped its entry and the next full run failed on it
    return not file.startswith("<") and ":/" not in file and not os.path.lexists(root / file)


class Written(NamedTuple):
    """What ``write_baseline`` did."""

    entries: int  # written
    kept: int  # of them, kept from the earlier baseline
    unreadable: str | None  # why an earlier baseline could not be read (none of its entries kept)
    created: bool  # there was no file at the path
    changed: bool  # the file holds other bytes than before (a new one included)


def write_baseline(path: Path, results: list[FileResult], checks: Checks = _everything) -> Written:
    """Write this run's findings as the baseline at ``path``; the earlier one is read once, for its entries and to tell
    whether it changed (under pre-commit a hook that writes a file must fail).

    Rewritten for some files only, an earlier baseline keeps its entries for the other files that still exist
    (an audit: a rewrite for one file dropped every other file's accepted findings, which came back as new), and
    those of rules this run did not check (``--select``, ``--ignore``, ``--min-severity``; ``checks``) in the files it did.
    """
    root = Path(absolute_path(str(path))).parent
    checks = _looked_for(results, checks)
    entries = []
    checked: dict[str, str] = {}  # a checked file as the baseline names it -> as the results name it
    files: dict[str, str] = {}
    replaced: Counter[tuple[str, ...]] = Counter()
    for result in results:
        checked.setdefault(_relative_file(result.file, root), result.file)
        for finding in result.findings:
            file, rule, pointer, digest, *legacy = _key(finding, root, files, all_hashes=True)
            checked.setdefault(file, finding.file)
            entries.append({"file": file, "rule": rule, "pointer": pointer, "value_hash": digest, "severity": finding.severity, "message": finding.message})
            for old in legacy:  # it replaces an earlier entry written so too
                replaced[file, rule, pointer, old] += 1
    created = not os.path.exists(path)  # a dangling symlink too: its target is made
    try:
        previous: bytes | None = read_file(path, MAX_BASELINE_BYTES)
    except OSError:
        previous = None
    # a device (/dev/null) reads back nothing whatever is written to it: only a file can change
    regular = created or _is_regular(path)
    earlier, unreadable = _earlier_entries(path, previous)
    # an entry not looked for in a checked file is kept unless a finding of this run replaces it: in a JSON Lines file
    # with a broken line, the other lines' findings were found again, and only the broken line's entries wait for it
    found = Counter((e["file"], e["rule"], e["pointer"], e["value_hash"]) for e in entries) + replaced
    kept = []
    for entry in earlier:
        if entry["file"] not in checked:
            if not _file_gone(entry["file"], root):
                kept.append(entry)
        elif not checks(checked[entry["file"]], entry["rule"], entry["pointer"]):
            key = (entry["file"], entry["rule"], entry["pointer"], entry["value_hash"])
            if found[key] > 0:
                found[key] -= 1
            else:
                kept.append(entry)
    entries += kept
    entries.sort(key=lambda e: (e["file"], e["rule"], e["pointer"], e["value_hash"]))
    # no tool_version (sdelint 0.1 wrote one; it is still read): it changed the file on every upgrade, a diff and a merge
    # conflict in every repository, and under pre-commit a failed hook; the format is what a reader needs to know
    document = {"sdelint_baseline": FORMAT_VERSION, "findings": entries}
    # strings and integers only (an earlier baseline's entries may hold anything: orjson declines what it would spell otherwise)
    text = indented_ascii_json_by_orjson(document) if not kept else None
    text = (text if text is not None else json.dumps(document, indent=2)) + "\n"
    write_atomically(path, text)
    return Written(len(entries), len(kept), unreadable, created, regular and previous != text.encode())


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # as good as none: what is written there is a new file


def _earlier_entries(path: Path, raw: bytes | None) -> tuple[list[dict], str | None]:
    """The well-formed entries of the baseline being replaced (its bytes ``raw``; None when they could not be read: it
    is tried again, for the reason), none when there is none; and why an earlier baseline (as its head reads: one a
    merge left broken, one of another format, one past the size read) could not be read, so that none are kept."""
    try:
        entries = _entries(path, raw)
    except BaselineError as exc:
        from .own_files import written_by_sdelint  # it imports this module: here only when no earlier baseline was read

        return [], str(exc) if written_by_sdelint(path) == "baseline" else None
    return [entry for entry in entries if _well_formed(entry)], None


_KEY_FIELDS = ("file", "rule", "pointer", "value_hash")


def _well_formed(entry: object) -> bool:
    """An entry with the strings that identify a finding."""
    return isinstance(entry, dict) and all(isinstance(entry.get(key), str) for key in _KEY_FIELDS)


def _entries(path: Path, raw: bytes | None = None) -> list:
    """The findings list of the baseline at ``path`` (whose bytes are ``raw`` when already read); BaselineError when it is
    none (any JSON layout, a BOM, CRLF: as read)."""
    try:
        if raw is None:
            raw = read_file(path, MAX_BASELINE_BYTES)
        document = json.loads(raw.decode("utf-8-sig"))  # an editor may have added a BOM
    except OSError as exc:
        raise BaselineError(f"{path}: cannot use baseline: {exc.strerror or exc}") from None
    except (ValueError, RecursionError) as exc:  # not JSON (a JSONDecodeError says where), or not UTF-8
        if raw is not None and (conflict := _conflict_line(raw)):
            raise BaselineError(
                f"{path}: cannot use baseline: a merge left conflict markers in it (line {conflict}): take one side"
                f" (git checkout --theirs -- {path}) and rewrite it with --write-baseline for the files the other side"
                " changed, or from a run over every file"
            ) from None
        raise BaselineError(f"{path}: cannot use baseline: not JSON: {exc}") from None
    entries = document.get("findings") if isinstance(document, dict) else None
    version = document.get("sdelint_baseline") if isinstance(document, dict) else None
    if type(version) is int and version != FORMAT_VERSION and isinstance(entries, list):  # another sdelint's format
        raise BaselineError(
            f"{path}: cannot use baseline: it is of baseline format {version}, which sdelint {__version__} does not read"
            f" (it reads format {FORMAT_VERSION}): another version of sdelint wrote it"
        )
    if type(version) is not int or version != FORMAT_VERSION or not isinstance(entries, list):  # true == 1 in Python, not here
        raise BaselineError(f"{path}: cannot use baseline: not an sdelint baseline (an object with sdelint_baseline: {FORMAT_VERSION} and a findings list)")
    return entries


_CONFLICT_MARKER = re.compile(rb"^(?:<{7}|>{7})(?: |\r?$)", re.MULTILINE)


def _conflict_line(text: bytes) -> int | None:
    """The line of the first merge conflict marker (``<<<<<<< HEAD``, ``>>>>>>> branch``) in a baseline's bytes, if any.

    "not JSON: Expecting property name enclosed in double quotes: line 270" did not say that a merge of two branches
    that each added entries was left unresolved."""
    found = _CONFLICT_MARKER.search(text)
    return text.count(b"\n", 0, found.start()) + 1 if found else None


def is_baseline(path: Path) -> bool:
    """Whether ``path`` is a baseline ``--baseline`` would use (a report must not replace one)."""
    try:
        _entries(path)
    except BaselineError:
        return False
    return True


def apply_baseline(path: Path, results: list[FileResult], checks: Checks = _everything) -> BaselineOutcome:
    """Drop findings the baseline lists (each entry absorbs one finding); return what it listed but no longer occurs.

    An entry of a rule the run did not check at its place (``checks``) is not fixed: it was not looked for.
    """
    entries = _entries(path)
    for index, entry in enumerate(entries):
        if not _well_formed(entry):
            fields = ", ".join(_KEY_FIELDS)
            raise BaselineError(f"{path}: cannot use baseline: findings[{index}] is not an object with the strings {fields}")
    remaining: Counter[tuple[str, ...]] = Counter((e["file"], e["rule"], e["pointer"], e["value_hash"]) for e in entries)
    root = Path(absolute_path(str(path))).parent
    checks = _looked_for(results, checks)
    outcome = BaselineOutcome()
    checked_files: dict[str, str] = {}  # a checked file as the baseline names it -> as the results name it
    files: dict[str, str] = {}
    for result in results:
        if result.failed:  # not checked: its entries are neither matched nor fixed
            continue
        kept = []
        for finding in result.findings:
            file, rule, pointer, digest, *legacy = _key(finding, root, files, all_hashes=True)  # the value hashed once
            key = (file, rule, pointer, digest)
            checked_files.setdefault(file, finding.file)
            if remaining[key] <= 0:  # perhaps an entry written before 100.0 and 100 were one value
                key = next((k for k in ((file, rule, pointer, old) for old in legacy) if remaining[k] > 0), key)
            if remaining[key] > 0:
                remaining[key] -= 1
                outcome.known += 1
            else:
                kept.append(finding)
        result.findings = kept
        if not result.file.startswith("<"):
            checked_files.setdefault(_relative_file(result.file, root), result.file)
    for entry in entries:
        key = (entry["file"], entry["rule"], entry["pointer"], entry["value_hash"])
        # fixed: checked and no longer found, or its file is gone (deleted or renamed: a file re-created there
        # later would otherwise have its findings hidden)
        looked_for = key[0] in checked_files and checks(checked_files[key[0]], key[1], key[2])
        if remaining[key] > 0 and (looked_for or (key[0] not in checked_files and _file_gone(key[0], root))):
            remaining[key] -= 1
            outcome.fixed.append(entry)
    return outcome
