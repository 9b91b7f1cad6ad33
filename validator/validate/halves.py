"""One big response checked by two processes, each parsing and checking half of its records.

Parsing is as costly as checking, so forking after a whole-document parse
leaves half the work serial. Here a forked worker parses the records from a
guessed boundary to the end while this process parses the head and the records
before it. This process proves the guess by reaching the boundary exactly; a
wrong guess, a syntax error or anything unexpected abandons the split and the
caller parses the whole text the ordinary way, so findings never depend on it.
"""

from __future__ import annotations

import marshal
from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import detect
from ..collector import retire
from ..findings import Finding, Problem, SharedExtra, join_pointer
from ..load.positions import UNKNOWN, locate, skip_ws
from ..load.response_text import RECORDS_KEY, NotSplittable, Scanner, guess_split, read_head, read_items, read_tail
from ..load.source import Flags, make_decoder, structural_problems
from ..model import RECORDS, RESPONSE
from ..parallel import WorkerDied, can_fork
from ..parallel.local import Conversation, Peer
from ..placing import FINDING_ORDER, ROW_ORDER, FindingRow, finding_rows, findings_of, graded, shared_extra
from ..policy import Policy

if TYPE_CHECKING:
    from ..check import DocumentChecker

_RECORDS_POINTER = "/" + RECORDS_KEY


@dataclass
class HalvesResult:
    data: dict[str, Any]  # the head, the tail and this process's half of the records
    problems: list[Problem]  # what the text itself showed (repeated keys, non-finite numbers): not placed yet
    findings: list[Finding]  # the findings of both halves, each half's in report order
    extra: SharedExtra  # the one they share
    in_order: bool  # the findings as a whole are in report order (no finding of this process's comes after the worker's first)
    hidden: Counter[str]  # the problems below the minimum severity, by severity
    version: str
    events: int
    version_reason: str | None  # with "auto": what decided the version
    checked: list[Problem]  # this process's problems of the records, and both halves' rows: freed with the document (see retire)
    rows: tuple[list[FindingRow], list[FindingRow]]


@dataclass
class SecondHalf:
    """The worker's task, inherited by the fork: the records from ``start`` to the end of the array."""

    text: str
    start: int
    checker: DocumentChecker
    policy: Policy
    label: str = "the second half of the records"


@dataclass
class SecondHalfParsed:
    """Worker to parent, once parsed: where the records array ends and what the parse saw."""

    end: int
    v2_evidence: tuple[int, str, str] | None  # with "auto": detect.v2_evidence of the worker's records, pointers from "/0"
    duplicates: bool
    non_finite: bool
    overflow: bool


@dataclass
class CheckAs:
    """Parent to worker: the document's version, and the index of the worker's first record."""

    version: str
    base: int


def _scanner(flags: Flags) -> Scanner:
    scan: Scanner = make_decoder(flags).scan_once  # type: ignore[attr-defined]  # the stdlib's, not in typeshed
    return scan


def _pointed(records: list, base: int) -> list[tuple[str, Any]]:
    return [(join_pointer(_RECORDS_POINTER, base + i), record) for i, record in enumerate(records)]


def _placed_rows(
    text: str,
    problems: list[Problem],
    first_record: int,
    records: list[Any],
    spans: list[int],
    base: int,
    policy: Policy,
    root: Any = UNKNOWN,
    duplicates: bool = False,
) -> tuple[list[FindingRow], Counter[str]]:
    """Grade and place this process's problems here, where the records' starts are known and the other process is busy too.

    ``first_record`` is where record ``base`` starts; ``spans`` are the lengths of the ``records``' texts.
    ``duplicates``: this process's parse met a repeated key (see ``locate``). Lines count from the text's start.
    """
    kept, hidden = graded(problems, policy)
    anchors = {}
    if kept:  # nothing to locate, no anchors
        at = first_record
        for index, (record, span) in enumerate(zip(records, spans, strict=True), base):
            anchors[join_pointer(_RECORDS_POINTER, index)] = (at, at + span, record)
            at = skip_ws(text, skip_ws(text, at + span) + 1)  # past the comma to the next record
    rows = finding_rows(kept, text, partial(locate, text, root=root, anchors=anchors, duplicates=duplicates))
    rows.sort(key=ROW_ORDER)  # here, in parallel: the parent then only checks where the two halves meet
    return rows, hidden


def _packed(rows: list[FindingRow]) -> bytes | list[FindingRow]:
    """The worker's rows for the pipe: marshal writes 100,000 of them in half the time pickle takes (it keeps no memo
    of their unique strings), and the parent waits for them; as they are when a value is not one marshal writes."""
    try:
        return marshal.dumps(rows)
    except ValueError:  # a type marshal does not know (a subclass of str, say, from a custom rule)
        return rows


def _unpacked(rows: bytes | list[FindingRow]) -> list[FindingRow]:
    if isinstance(rows, bytes):
        unpacked: list[FindingRow] = marshal.loads(rows)
        return unpacked
    return rows


def _second_half(task: SecondHalf, parent: Peer) -> tuple[bytes | list[FindingRow], Counter[str], int]:
    """Worker: parse the records from ``task.start``, report, learn the version and index, check."""
    flags = Flags()
    records: list = []
    spans: list[int] = []
    end = read_items(task.text, task.start, _scanner(flags), records, spans=spans)
    evidence = detect.v2_evidence(records, RECORDS) if task.policy.api_version == "auto" else None
    parent.send(SecondHalfParsed(end, evidence, flags.duplicates, flags.non_finite, flags.overflow))
    order: CheckAs = parent.recv()
    out: list[Problem] = []
    events = task.checker.check_records(order.version, _pointed(records, order.base), out, max(spans, default=0))
    rows, hidden = _placed_rows(task.text, out, task.start, records, spans, order.base, task.policy, duplicates=flags.duplicates)
    out.clear()  # the rows alone hold their pointers and messages now: marshal keeps no reference entry for them (a third of its time)
    retire(records)  # a worker forked by the CLI ends with os._exit: freeing it here would only delay the answer
    return _packed(rows), hidden, events


def _version_of(data: dict[str, Any], theirs: tuple[int, str, str] | None, base: int) -> tuple[str, str]:
    """The version and reason the whole response would get: the worker's evidence, its pointers moved to its records'
    places, wins over this half's only by a lower rank (unAuthSdes before isAuthenticated before a typed value)."""
    ours = detect.v2_evidence(data, RESPONSE)
    if theirs is not None and (ours is None or theirs[0] < ours[0]):
        rank, pointer, what = theirs
        _, index, *rest = pointer.split("/", 2)
        ours = rank, "/".join((join_pointer(_RECORDS_POINTER, base + int(index)), *rest)), what
    return detect.version_of_evidence(ours)


def check_in_halves(text: str, checker: DocumentChecker, policy: Policy, name: str) -> HalvesResult | None:
    """Findings of a response text checked in two processes, or None when it cannot be split; ``name`` labels them.

    None also when the worker dies or finds the text not splittable: the caller then does
    the work the ordinary way (that is the retry). Any other exception in the worker is raised here.
    """
    if not can_fork():
        return None
    flags = Flags()
    scan = _scanner(flags)
    try:
        head = read_head(text, scan)
    except NotSplittable:
        return None
    split = head and guess_split(text, head.records_at)
    if not (head and split):
        return None
    records: list = []
    spans: list[int] = []  # the length of each record's text: no string in a record is longer
    try:
        worker = Conversation(_second_half, SecondHalf(text, split, checker, policy))
    except OSError:  # no process to be had (limits, memory): the ordinary way
        return None
    try:
        with worker:
            read_items(text, head.records_at, scan, records, stop=split, spans=spans)
            parsed: SecondHalfParsed = worker.recv()
            tail: list[tuple[str, Any]] = []
            read_tail(text, parsed.end, scan, tail)
            pairs = [*head.members, (RECORDS_KEY, records), *tail]
            data = dict(pairs)
            flags.duplicates = flags.duplicates or parsed.duplicates or len(data) != len(pairs)
            flags.non_finite = flags.non_finite or parsed.non_finite
            flags.overflow = flags.overflow or parsed.overflow
            version, reason = policy.api_version, None
            if version == "auto":
                version, reason = _version_of(data, parsed.v2_evidence, len(records))
            worker.send(CheckAs(version, len(records)))
            found, events = checker.check_document(data, RESPONSE, version, longest_string=max(spans, default=0))
            rows, hidden = _placed_rows(text, found, head.records_at, records, spans, 0, policy, data, flags.duplicates)
            extra = shared_extra(version)
            findings = findings_of(name, rows, extra, in_order=True)  # while the worker packs its rows and sends them
            packed, their_hidden, their_events = worker.result()
            their_rows = _unpacked(packed)
            theirs = findings_of(name, their_rows, extra, in_order=True)
    except (NotSplittable, WorkerDied, OSError, TypeError, ValueError):
        return None
    in_order = not findings or not theirs or FINDING_ORDER(findings[-1]) <= FINDING_ORDER(theirs[0])  # else a member after the records
    problems = structural_problems(text, flags)
    return HalvesResult(data, problems, findings + theirs, extra, in_order, hidden + their_hidden, version, events + their_events, reason, found,
                        (rows, their_rows))
