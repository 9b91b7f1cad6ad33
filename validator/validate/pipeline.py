"""One pass over a document: shells through the fast path, each event by its sdeType.

Only what the compiled validator rejects is handed to the detailed path, so a
clean document never pays for jsonschema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from .. import detect
from ..findings import Problem
from ..parallel import can_fork
from .compiled import CompiledValidators, ValidationFailed, shared_validators
from .detailed import detailed_problems, json_type
from ..model import CONTAINER_KEYS, SDE_TYPES, SECTIONS
from .schemas import schema_uri

if TYPE_CHECKING:
    from ..rules.engine import RuleEngine


# The shell of each kind: its schema, with the parts checked one by one stubbed out.
_SHELLS = {
    detect.RESPONSE: ("response", "record"),
    detect.RECORD: ("record", "event"),
    detect.EVENTS: ("events", "event"),
}


_NO_STUBS: frozenset[str] = frozenset()


class SchemaChecker:
    def __init__(self, compiled: CompiledValidators | None = None) -> None:
        self.compiled = compiled or shared_validators()
        # sdeType -> compiled validator, per version: one dict lookup per event on the hot path
        self._by_sde_type: dict[str, dict[str, Callable[[Any], Any]]] = {version: {} for version in SECTIONS}

    def _check(self, version: str, name: str, instance: Any, pointer: str, stubs: frozenset[str], out: list[Problem]) -> bool:
        try:
            self.compiled.get(version, name, stubs)(instance)
            return True
        except ValidationFailed:
            out.extend(detailed_problems(version, name, instance, pointer, stubs))
            return False

    def _shell(self, version: str, kind: str, instance: Any, pointer: str, out: list[Problem]) -> None:
        name, stubbed = _SHELLS[kind]
        self._check(version, name, instance, pointer, frozenset({schema_uri(version, stubbed)}), out)

    def check_event(self, version: str, event: Any, pointer: str, out: list[Problem]) -> bool:
        """Validate one event against its type's schema; True when it is valid."""
        if type(event) is dict:
            sde_type = event.get("sdeType")
            validator = self._by_sde_type[version].get(sde_type) if type(sde_type) is str else None
            if validator is not None:
                try:
                    validator(event)
                    return True
                except ValidationFailed:
                    out.extend(detailed_problems(version, SDE_TYPES[sde_type], event, pointer))
                    return False
        return self._check_event_slowly(version, event, pointer, out)

    def _check_event_slowly(self, version: str, event: Any, pointer: str, out: list[Problem]) -> bool:
        """An event that is not an object, has an unknown or no sdeType, or whose type is not compiled yet."""
        if not isinstance(event, dict):
            out.append(Problem(pointer, "wrong-type", f"expected an event object, found {json_type(event)}", value=event))
            return False
        sde_type = event.get("sdeType")
        name = SDE_TYPES.get(sde_type) if isinstance(sde_type, str) else None
        if name is None and "sdeType" not in event:
            # no sdeType: check the container it does have, which also reports the missing sdeType
            present = [key for key in event if key in CONTAINER_KEYS]
            name = present[0] if len(present) == 1 else None
        if name is None:
            out.extend(detailed_problems(version, "event", event, pointer))
            return False
        if isinstance(sde_type, str) and SDE_TYPES.get(sde_type) == name:
            self._by_sde_type[version][sde_type] = self.compiled.get(version, name, _NO_STUBS)
        return self._check(version, name, event, pointer, _NO_STUBS, out)

    def _check_record(self, version: str, pointer: str, record: Any, engine: "RuleEngine | None", out: list[Problem], longest_string: int | None = None) -> int:
        sections = SECTIONS[version]
        self._shell(version, detect.RECORD, record, pointer, out)
        if engine is not None:
            engine.check_record(version, pointer, record, sections, out)
        events = 0
        for event_pointer, section, event in detect.iter_record_events(pointer, record, sections):
            events += 1
            self.check_event(version, event, event_pointer, out)
            if engine is not None:
                engine.check_event(version, section, event_pointer, event, out, longest_string)
        return events

    def check_document(
        self, data: Any, kind: str, version: str, engine: "RuleEngine | None" = None, workers: int = 1, longest_string: int | None = None
    ) -> tuple[list[Problem], int]:
        """Problems of the whole document, and the number of events checked.

        With ``workers`` > 1, a document of many records is split over forked processes.
        ``longest_string`` bounds the length of any string in it (its text's length), when known:
        rules that look for long strings need not look below it.
        """
        out: list[Problem] = []
        if kind in (detect.RESPONSE, detect.EVENTS):
            self._shell(version, kind, data, "", out)
        if kind not in (detect.RESPONSE, detect.RECORDS, detect.RECORD):
            events = 0
            for pointer, section, event in detect.iter_events(data, kind, SECTIONS[version]):
                events += 1
                self.check_event(version, event, pointer, out)
                if engine is not None:
                    engine.check_event(version, section, pointer, event, out, longest_string)
            return out, events
        records = list(detect.iter_records(data, kind))
        if workers > 1 and len(records) >= PARALLEL_MIN_RECORDS and can_fork():
            found, events = _check_records_in_parallel(self, version, records, engine, workers, longest_string)
            out.extend(found)
            return out, events
        return out, self.check_records(version, records, engine, out, longest_string)

    def check_records(
        self, version: str, records: list[tuple[str, Any]], engine: "RuleEngine | None", out: list[Problem], longest_string: int | None = None
    ) -> int:
        """Check (pointer, record) pairs; the number of events checked."""
        return sum(self._check_record(version, pointer, record, engine, out, longest_string) for pointer, record in records)


# Below this many records a fork costs more than it saves.
PARALLEL_MIN_RECORDS = 200


@dataclass
class RecordRange:
    """Records ``start`` to ``stop`` of one parsed document, for a fork that inherits them (never pickled)."""

    checker: SchemaChecker
    version: str
    records: list[tuple[str, Any]]
    engine: RuleEngine | None
    longest_string: int | None
    start: int
    stop: int

    @property
    def label(self) -> str:
        return f"records {self.start} to {self.stop - 1}"


def check_record_range(task: RecordRange) -> tuple[list[Problem], int]:
    out: list[Problem] = []
    return out, task.checker.check_records(task.version, task.records[task.start:task.stop], task.engine, out, task.longest_string)


def _check_records_in_parallel(
    checker: SchemaChecker, version: str, records: list, engine: "RuleEngine | None", workers: int, longest_string: int | None
) -> tuple[list[Problem], int]:
    """Forked workers inherit the parsed document (copy-on-write) and return only their problems.

    This process checks the first share itself while workers - 1 forks check the others:
    every fork pays for the pages it touches, so one fewer fork is cheaper than an idle parent.
    """
    from ..parallel.local import ForkPerTask

    if engine is not None:
        engine.prepare(version)  # rule tables built once, before the fork
    share = -(-len(records) // workers)
    ranges = [RecordRange(checker, version, records, engine, longest_string, start, min(start + share, len(records))) for start in range(0, len(records), share)]
    with ForkPerTask(len(ranges) - 1) as forks:
        others = [forks.submit(check_record_range, task) for task in ranges[1:]]
        parts = [check_record_range(ranges[0]), *(future.result() for future in others)]
    return [problem for found, _ in parts for problem in found], sum(events for _, events in parts)
