"""One pass over a document: shells through the fast path, each event by its sdeType.

Only what the compiled validator rejects is handed to the detailed path, so a
clean document never pays for jsonschema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import detect
from ..findings import Problem
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


class SchemaChecker:
    def __init__(self, compiled: CompiledValidators | None = None) -> None:
        self.compiled = compiled or shared_validators()

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
        return self._check(version, name, event, pointer, frozenset(), out)

    def check_document(self, data: Any, kind: str, version: str, engine: "RuleEngine | None" = None) -> tuple[list[Problem], int]:
        """Problems of the whole document, and the number of events checked."""
        out: list[Problem] = []
        sections = SECTIONS[version]
        if kind == detect.RESPONSE:
            self._shell(version, kind, data, "", out)
        elif kind == detect.EVENTS:
            self._shell(version, kind, data, "", out)
        for pointer, record in detect.iter_records(data, kind):
            self._shell(version, detect.RECORD, record, pointer, out)
            if engine is not None:
                engine.check_record(version, pointer, record, sections, out)
        events = 0
        for pointer, section, event in detect.iter_events(data, kind, sections):
            events += 1
            self.check_event(version, event, pointer, out)
            if engine is not None:
                engine.check_event(version, section, pointer, event, out)
        return out, events
