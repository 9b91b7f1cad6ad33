"""From problems to findings: each problem gets its severity under the policy and, if shown, its line and column.

Split in steps so that a process holding part of a document (see validate.halves) can place its own
problems and hand over finished rows: the parent then only builds the findings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from operator import attrgetter, itemgetter
from typing import Any

from .findings import SEVERITY_RANK, Finding, Problem, SharedExtra, bounded_value, split_pointer
from .load import Document, locate
from .load.positions import line_cols, problem_offsets
from .policy import Policy

# A placed finding without its file, as it crosses a pipe: (line, column, pointer, rule, severity, message, value).
# Tuples pickle in C; a slotted dataclass pickles through Python calls for each object.
FindingRow = tuple[int, int, str, str, str, str, Any]
Locator = Callable[[list[str]], Mapping[str, tuple[int | None, int]]]

FINDING_ORDER = attrgetter("line", "column", "pointer", "rule")  # the report order of one input's findings
ROW_ORDER = itemgetter(0, 1, 2, 3)  # the same order, of rows


def graded(problems: Iterable[Problem], policy: Policy) -> tuple[list[tuple[Problem, str]], Counter[str]]:
    """The problems the report shows, each with its severity; the others only counted by severity ("off" not at all)."""
    kept = []
    hidden: Counter[str] = Counter()
    lowest = SEVERITY_RANK[policy.min_severity]
    severity_of = policy.severities()
    for problem in problems:
        severity = problem.severity or severity_of(problem.rule, problem.pointer)
        if severity == "off":
            continue
        if SEVERITY_RANK[severity] < lowest:
            hidden[severity] += 1
        else:
            kept.append((problem, severity))
    return kept, hidden


def finding_rows(kept: list[tuple[Problem, str]], text: str | None, locator: Locator | None, line_base: int = 0) -> list[FindingRow]:
    """Rows of the graded problems, placed in ``text`` (lines counted from its start); 0, 0 without a text.

    Only shown problems are located: a text is walked for them alone.
    """
    positions = [(0, 0)] * len(kept)
    if text is not None and locator is not None and kept:
        positions = line_cols(text, problem_offsets([problem for problem, _ in kept], locator))
        if line_base:
            positions = [(line + line_base, column) for line, column in positions]
    return [
        # bounded_value called only for a container: a call per row was a tenth of placing 200,000 findings
        (line, column, problem.pointer, problem.rule, severity, problem.message,
         bounded_value(value) if type(value := problem.value) is dict or type(value) is list else value)
        for (problem, severity), (line, column) in zip(kept, positions, strict=True)
    ]


def shared_extra(api_version: str | None) -> SharedExtra:
    """The ``extra`` every finding of an input shares (read-only)."""
    return SharedExtra(api_version=api_version) if api_version else SharedExtra()


def findings_of(name: str, rows: Iterable[FindingRow], extra: SharedExtra, in_order: bool = False) -> list[Finding]:
    """The findings of one input, in report order (line, column, pointer, rule), sharing ``extra``.

    ``in_order``: the rows are in that order already, as a stable sort by ROW_ORDER leaves them.
    """
    findings = [Finding(name, line, column, pointer, rule, severity, message, extra, value) for line, column, pointer, rule, severity, message, value in rows]
    if not in_order:
        findings.sort(key=FINDING_ORDER)
    return findings


def place(doc: Document, problems: list[Problem], policy: Policy, api_version: str | None) -> tuple[list[Finding], dict[str, int]]:
    """The findings of a document's problems, and the counts of those below the minimum severity (never placed)."""
    kept, hidden = graded(problems, policy)
    text = doc.text
    locator = doc.locator or (lambda pointers: locate(text, pointers, doc.data, duplicates=doc.duplicate_keys)) if text is not None else None
    findings = findings_of(doc.name, finding_rows(kept, text, locator, doc.line_base), shared_extra(api_version))
    if text is None and doc.data is not None and len(findings) > 1:  # a parsed object: no line to order by
        findings.sort(key=document_order(doc.data))
    return findings, dict(hidden)


def document_order(data: Any) -> Callable[[Finding], tuple[Any, ...]]:
    """The order of findings in ``data`` as a text of it lists them: by the place of each member in its object and of
    each item in its array (``/events/2`` before ``/events/10``, which pointers' text puts first), then as at one place
    in a text (pointer, rule). A pointer's tail that ``data`` does not hold (a missing member) is placed at its parent,
    as a text places it."""
    members: dict[int, dict[Any, int]] = {}  # id of an object -> its keys' places; ``data`` outlives the sort

    def places(pointer: str) -> tuple[int, ...]:
        node, steps = data, []
        for token in split_pointer(pointer):
            if type(node) is dict:
                index = members.get(id(node))
                if index is None:
                    index = members[id(node)] = {key: place for place, key in enumerate(node)}
                step = index.get(token)
                if step is None:
                    break
                node = node[token]
            elif type(node) is list and token.isascii() and token.isdigit() and int(token) < len(node):
                step = int(token)
                node = node[step]
            else:
                break
            steps.append(step)
        return tuple(steps)

    return lambda finding: (places(finding.pointer), finding.pointer, finding.rule)
