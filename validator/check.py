"""The schema stage and the rules, attached to one walk over a document.

For each record the walk yields, the record's shell is validated and the record
rules run; for each of its events, the event's schema and the event rules. The
schema stage never calls the rules, nor the rules the schema stage: both are
called from here, in the same pass. Many records may be split into ranges
checked by forked processes (``parallel``); the findings are the same either way.

``version`` names the schema store: an API version (v1, v2) for Messaging Interactions payloads,
or a profile's store (``engagement-history``, ``web``): Engagement History events are checked as
normalised copies, web-side objects through a view (see ``profile_views``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .findings import Problem, join_pointer
from .model import EH_RESPONSE, ENGAGEMENT_HISTORY, EVENTS, RECORD, RECORD_KINDS, RESPONSE, RESPONSE_LIST, SECTIONS, WEB_KINDS
from .parallel import can_fork
from .profile_views import EhEvent, misplaced_members, missing_container, web_context, web_objects
from .rules.base import EventContext, RecordContext
from .rules.engine import RuleEngine
from .validate.checker import MislabelsReported, SchemaChecker
from .walk import event_key, loose_events, record_events, records_of

# Below this many records a fork costs more than it saves.
PARALLEL_MIN_RECORDS = 200
# Kinds with a shell of their own: the document around its records or events.
_SHELLED = (RESPONSE, RESPONSE_LIST, EVENTS, EH_RESPONSE)
# Which record sections each store walks: Engagement History records have sdes only
_SECTIONS = {**SECTIONS, ENGAGEMENT_HISTORY: ("sdes",)}


class DocumentChecker:
    """Checks documents against the schemas and one configuration's rules (None: the schemas only)."""

    __slots__ = ("rules", "schema")

    def __init__(self, schema: SchemaChecker, rules: RuleEngine | None) -> None:
        self.schema = schema
        self.rules = rules

    def _mislabels_reported(self) -> MislabelsReported | None:
        """Whether sde-type-key shows the mismatch of the event at a pointer (see SchemaChecker.check_event): where it is
        off, or below the severities shown (a pointer override may say so), the schema's own findings must say it."""
        if self.rules is None:
            return None
        policy = self.rules.policy
        return lambda pointer: policy.shown("sde-type-key", join_pointer(pointer, "sdeType"))

    def check_document(self, data: Any, kind: str, version: str, workers: int = 1, longest_string: int | None = None) -> tuple[list[Problem], int]:
        """Problems of the whole document, and the number of events checked.

        ``longest_string`` bounds the length of any string in the document (its text's length), when
        known: rules that look for long strings need not look below it.
        """
        out: list[Problem] = []
        if kind in WEB_KINDS:
            return out, self._check_web(version, data, kind, out, longest_string)
        if kind in _SHELLED:
            self.schema.check_shell(version, kind, data, "", out)
        if kind not in RECORD_KINDS:
            return out, self._check_events(version, loose_events(data, kind), out, longest_string)
        records = records_of(data, kind)
        if workers > 1 and len(records) >= PARALLEL_MIN_RECORDS and can_fork():
            found, events = self._check_in_parallel(version, records, workers, longest_string)
            out.extend(found)
            return out, events
        return out, self.check_records(version, records, out, longest_string)

    def check_records(self, version: str, records: list[tuple[str, Any]], out: list[Problem], longest_string: int | None = None) -> int:
        """Check (pointer, record) pairs; the number of events checked."""
        sections = _SECTIONS[version]
        schema, rules = self.schema, self.rules
        # record rules are Messaging Interactions'; with none active no record context is built
        record_rules = rules if rules is not None and version in SECTIONS and rules.record_rules(version) else None
        events = 0
        for pointer, record in records:
            schema.check_shell(version, RECORD, record, pointer, out)
            if record_rules is not None and type(record) is dict:
                record_rules.check_record(RecordContext(version, pointer, record, sections), out)
            events += self._check_events(version, record_events(pointer, record, sections), out, longest_string)
        return events

    def _check_events(self, version: str, events: Iterable[tuple[str, str | None, Any]], out: list[Problem], longest_string: int | None) -> int:
        if version == ENGAGEMENT_HISTORY:
            return self._check_eh_events(events, out, longest_string)
        schema, rules = self.schema, self.rules
        mislabels = self._mislabels_reported()
        count = 0
        for pointer, section, event in events:
            count += 1
            schema.check_event(version, event, pointer, out, mislabels)
            if rules is not None and type(event) is dict:
                key = event_key(event)
                if key is not None and (entries := rules.event_rules(version, key)):
                    rules.check_event(EventContext(version, section, pointer, event, key, longest_string), out, entries)
        return count

    def _check_eh_events(self, events: Iterable[tuple[str, str | None, Any]], out: list[Problem], longest_string: int | None) -> int:
        """Engagement History events: each checked as a copy in the Messaging Interactions shape, found problems pointed back."""
        count = 0
        mislabels = self._mislabels_reported()
        for pointer, section, original in events:
            count += 1
            if type(original) is not dict:
                self.schema.check_event(ENGAGEMENT_HISTORY, original, pointer, out)
                continue
            view = EhEvent(original)
            if not view.has_container():
                out.append(missing_container(pointer))
                continue
            start = len(out)
            self.schema.check_event(ENGAGEMENT_HISTORY, view.event, pointer, out, mislabels)
            key = event_key(view.event)
            if self.rules is not None and key is not None and (entries := self.rules.event_rules(ENGAGEMENT_HISTORY, key)):
                self.rules.check_event(EventContext(ENGAGEMENT_HISTORY, section, pointer, view.event, key, longest_string), out, entries)
            view.restore(out, start, pointer)
        return count

    def _check_web(self, store: str, data: Any, kind: str, out: list[Problem], longest_string: int | None) -> int:
        """Web-side objects: each against its lpTag type's schema, then the rules through a view of it."""
        count = 0
        out.extend(misplaced_members(data, kind))
        for pointer, member, sde in web_objects(data, kind):
            count += 1
            self.schema.check_web_object(store, member, sde, pointer, out)
            if self.rules is None or type(sde) is not dict:
                continue
            ctx = web_context(store, member, pointer, sde)
            entries = self.rules.event_rules(store, ctx.key) if ctx is not None else None
            if ctx is not None and entries:
                ctx.longest_string = longest_string
                self.rules.check_event(ctx, out, entries)
        return count

    def _check_in_parallel(self, version: str, records: list[tuple[str, Any]], workers: int, longest_string: int | None) -> tuple[list[Problem], int]:
        """Forked workers inherit the parsed document (copy-on-write) and return only their problems.

        This process checks the first share itself while workers - 1 forks check the others:
        every fork pays for the pages it touches, so one fewer fork is cheaper than an idle parent.
        """
        from .parallel.local import ForkPerTask

        if self.rules is not None:
            self.rules.prepare(version)  # rule tables built once, before the fork
        share = -(-len(records) // workers)
        ranges = [RecordRange(self, version, records, longest_string, start, min(start + share, len(records))) for start in range(0, len(records), share)]
        with ForkPerTask(len(ranges) - 1) as forks:
            others = [forks.submit(check_record_range, task) for task in ranges[1:]]
            parts = [check_record_range(ranges[0]), *(future.result() for future in others)]
        return [problem for found, _ in parts for problem in found], sum(events for _, events in parts)


@dataclass
class RecordRange:
    """Records ``start`` to ``stop`` of one parsed document, for a fork that inherits them (never pickled)."""

    checker: DocumentChecker
    version: str
    records: list[tuple[str, Any]]
    longest_string: int | None
    start: int
    stop: int

    @property
    def label(self) -> str:
        return f"records {self.start} to {self.stop - 1}"


def check_record_range(task: RecordRange) -> tuple[list[Problem], int]:
    out: list[Problem] = []
    return out, task.checker.check_records(task.version, task.records[task.start:task.stop], out, task.longest_string)
