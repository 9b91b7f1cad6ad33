"""The files a run writes (its report, its baseline) against the files it reads: which it may replace.

A report or baseline named where an input is (``-o fixtures/*.json``: the shell gives -o the first
capture) would be lost, so each target is judged by what it holds before anything is written.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from . import detect
from .atomic import names_a_descriptor
from .baseline import is_baseline
from .closed_pipe import NOTE, tell
from .inputs import Input
from .load import parse_input, read_input
from .load.reader import read_file
from .result import FileResult


class Refused(ValueError):
    """A target the run may not write: the command line is wrong (exit 2)."""


# How the files sdelint writes begin, format by format (a capture must not be taken for one: it would be replaced)
_REPORT_HEADS = (
    b'{\n  "findings": ',  # json
    b'[\n  {\n    "type": "issue",\n    "description": ',  # gitlab
    b'{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",',  # sarif (and the tool's name, below)
    b'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sdelint"',  # junit
    b"<!DOCTYPE html>",  # html (and its title, below)
)
_JSON_LINES_REPORT = re.compile(rb'\{"file": "(?:[^"\\\n]|\\.)*", "line": \d+, "column": \d+, "pointer": ')
# The last line of a text or github report: its summary, else (with -q) a finding or an annotation
_TEXT_REPORT_END = re.compile(
    rb"(?:Checked|sdelint: checked) \d+ files?\b[^\n]*: \d+ errors?, \d+ warnings?, \d+ info\."
    rb"|[^\n]+:\d+:\d+: (?:error|warning|info) [a-z0-9-]+ [^\n]* \((?:/[^\n]*|root)\)"  # a finding, with its pointer
    rb"|Baseline: \d+ known findings? hidden; [^\n]*|  fixed: [^\n]*"  # with --baseline (and -v)
    rb"|[^\n]+: [^\n]*, \d+ events?; (?:default configuration|configuration [^\n]*)"  # -v's line of a file without findings
    rb"|::(?:error|warning|notice) file=[^\n]*::[^\n]*"
    rb"| *\d+  [a-z0-9-]+"  # -q --statistics: the per-rule table only
)
_COLOUR = re.compile(rb"\x1b\[[0-9;]*m")


def may_hold_a_baseline(path: Path) -> bool:
    """Whether --write-baseline may replace ``path``: none there yet, or what sdelint writes (a baseline, even one a merge
    left broken, a report, an empty file). ``--write-baseline fixtures/*.json`` took the first capture as its target."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return True  # none, or a device: the write says what goes wrong
    except OSError:
        return True
    return written_by_sdelint(path) is not None


# How a baseline sdelint wrote begins (its first key): a merge's conflict markers, if any, come below it
_BASELINE_HEAD = re.compile(rb'(?:\xef\xbb\xbf)?\s*\{\s*"sdelint_baseline"\s*:')


def written_by_sdelint(path: Path) -> str | None:
    """What ``path`` holds of sdelint's: "baseline" (one a merge left broken too), "report" (a report of any format, or an
    empty file), else None."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(4096)
            stream.seek(max(0, stream.seek(0, os.SEEK_END) - 4096))
            tail = stream.read(4096)
    except OSError:
        return None
    if not head.strip() and len(head) < 4096:
        return "report"  # nothing to lose (an empty file, or `echo > file`'s newline)
    if _BASELINE_HEAD.match(head):  # as sdelint writes one, whole or left broken by a merge (not a capture that mentions the key)
        return "baseline"
    if b'"sdelint_baseline"' in head or b'"value_hash"' in head:  # a baseline's entries hold value_hash (its keys may be sorted)
        return "baseline" if is_baseline(path) else None
    head, tail = head.replace(b"\r\n", b"\n"), tail.replace(b"\r\n", b"\n")  # a report saved with CRLF (Windows, autocrlf)
    if _JSON_LINES_REPORT.match(head):  # (an empty gitlab report, [], is not told from a capture holding no events)
        return "report"
    if head.startswith(_REPORT_HEADS):
        html, sarif = head.startswith(b"<!DOCTYPE html>"), head.startswith(_REPORT_HEADS[2])
        if (not html or b"<title>sdelint report:" in head) and (not sarif or b'"name": "sdelint"' in head):
            return "report"
        return None
    lines = _COLOUR.sub(b"", tail).rstrip(b"\n").rsplit(b"\n", 1)
    return "report" if _TEXT_REPORT_END.fullmatch(lines[-1]) else None


# Member names only engagement-attribute payloads use: a file naming none of them is no capture, and is not parsed
_PAYLOAD_NAMES = re.compile(r"conversationHistoryRecords|interactionHistoryRecords|sdeType|unAuthSdes|engagementAttributes|lp_sdes|lpTag")


def holds_a_payload(path: Path) -> bool:
    """Whether ``path`` holds what sdelint checks (a capture): read only for a target that holds nothing sdelint wrote.
    Refused when it cannot be read (permissions, past the size limit): a file that cannot be told apart is not replaced.

    A text naming no member only payloads have is no capture, unparsed (another tool's 30 MB report costs a read, not
    a parse). One that names them is a capture when it does not parse (a capture with a syntax error is what a linter
    is run on) or when detection recognises a document holding something: detection takes an empty array for an event
    list and any JavaScript or HTML for a web source, and ``[]`` is sdelint's own GitLab report of a clean run.
    """
    try:
        decoded = read_input(read_file(path), str(path))
    except FileNotFoundError:  # gone since it was looked at: nothing to lose
        return False
    except OSError as error:  # unreadable, or past the size sdelint reads: what it holds cannot be told
        why = error.strerror or str(error)
        raise Refused(f"-o/--output {path} cannot be read ({why}), so sdelint cannot tell that it holds no capture: name another file") from None
    text = decoded.text if decoded.text is not None else "\n".join(line for _, line, _ in decoded.lines)
    if not _PAYLOAD_NAMES.search(text):
        return False
    if decoded.fatal:
        return True  # names a payload's members in a text that cannot be read as its format: a broken capture
    documents = parse_input(decoded)
    return any(
        not doc.parsed or (doc.data and detect.profile_evidence(doc.data, source_kind=doc.source_kind)[1] is not None)
        for doc in documents
    )


def _regular(path: str | Path) -> tuple[int, int] | None:
    """A regular file's identity (device, inode); None for anything else (/dev/stdout, a tty, nothing there)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def without_earlier_reports(inputs: list[Input], results: list[FileResult], named: tuple[str, ...]) -> list[FileResult]:
    """The results (in the order of ``inputs``) without those of reports and baselines of earlier runs that a folder
    walk met: `sdelint check .` in CI, after a step that wrote gl-code-quality-report.json, failed the gate on that
    report's unrecognized-document error. Only a file that is no payload to detection is looked at; one named on
    the command line is checked as asked."""
    named_files = {identity for path in named if path != "-" and (identity := _regular(path)) is not None}
    kept = []
    for item, result in zip(inputs, results, strict=True):
        if (
            item.path is not None and result.findings and all(finding.rule == "unrecognized-document" for finding in result.findings)
            and (held := written_by_sdelint(item.path)) is not None and _regular(item.path) not in named_files
        ):
            tell(NOTE, f"{item.name} holds an sdelint {held}: not checked (name it to check it)")
            continue
        kept.append(result)
    return kept


def without_own_files(
    inputs: list[Input], named: tuple[str, ...], written: dict[str, Path | None], read: Path | None,
) -> tuple[list[Input], bool]:
    """The inputs without the report and baselines of this run (``sdelint check . -o report.json``, run twice), and
    whether the baselines left out (the --baseline read, a --write-baseline target holding one) are all the command
    line named.

    A target that is an input is refused (exit 2): named on the command line, or met in a walk when it does not
    hold what sdelint writes (a capture would be replaced by the report). The --baseline read is left out, named
    too: the pre-commit hook names every staged file, the committed baseline among them; and so is a --write-baseline
    target named that holds a baseline (a rewrite through the hook), while one holding anything else is refused.
    """
    options = {**written, "--baseline": read}
    read_identity = _regular(read) if read is not None else None
    output = written.get("-o/--output")
    if output is not None and read_identity is not None and _regular(output) == read_identity:
        raise Refused(f"-o/--output {output} is the baseline read (--baseline): the report would replace it")
    # what an existing -o file holds of sdelint's ("baseline", "report" or None), read once
    output_held = written_by_sdelint(output) if output is not None and _regular(output) is not None else "none there"
    if output_held == "baseline":
        raise Refused(f"-o/--output {output} holds a baseline: the report would replace it")
    targets = {identity: option for option, target in options.items() if target is not None and (identity := _regular(target)) is not None}
    if not targets:
        return inputs, False
    named_files = {identity for path in named if path != "-" and (identity := _regular(path)) is not None}
    kept = []
    named_baseline = False
    left_out: set[tuple[int, int]] = set()
    for item in inputs:
        identity = _regular(item.path) if item.path is not None else None
        option = targets.get(identity) if identity is not None else None
        if option is None:
            kept.append(item)
            continue
        target = options[option]
        if option == "--baseline":
            if identity in named_files:
                tell(NOTE, f"{item.name} is the baseline read (--baseline): not checked as an input")
                named_baseline = True
                left_out.add(identity)
            continue
        # the hook names every staged file: a baseline rewrite through it names the committed baseline too
        if option == "--write-baseline" and identity in named_files and target is not None and written_by_sdelint(target) == "baseline":
            tell(NOTE, f"{item.name} is the baseline written (--write-baseline): not checked as an input")
            named_baseline = True
            left_out.add(identity)
            continue
        # a walk may meet what an earlier run wrote; a report never replaces a baseline, a baseline may replace a report
        replaceable = ("report",) if option == "-o/--output" else ("report", "baseline")
        if identity in named_files or (target is not None and written_by_sdelint(target) not in replaceable):
            raise Refused(f"{option} {target} is one of the inputs: it would be replaced")
    # `-o fixtures/*.json`: the shell gives -o the first capture, and the report would replace it
    if output is not None and output_held is None and not names_a_descriptor(output) and holds_a_payload(output):  # not -o /dev/stdout >> c.json
        raise Refused(
            f"-o/--output {output} holds an engagement-attributes payload (a capture?): the report would replace it;"
            " name another file (a glob after -o gives it the first file the glob matches)"
        )
    # with nothing else to check, a run is fine only if the baseline is all it was given (an empty folder beside it is not)
    return kept, named_baseline and all(_regular(path) in left_out for path in named)
