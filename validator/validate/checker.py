"""The schema stage: a document's shells and each event by its sdeType, through the fast path.

Only what the compiled validator rejects is handed to the detailed path, so a
clean document never pays for jsonschema. ``check.DocumentChecker`` walks the
document and calls this stage and the rules side by side.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..findings import Problem, join_pointer
from ..model import EH_RESPONSE, ENGAGEMENT_HISTORY, EVENTS, PROFILE_STORES, RECORD, RESPONSE, RESPONSE_LIST, SDE_TYPES, SECTIONS
from ..walk import event_key
from .compiled import CompiledValidators, ValidationFailed, shared_validators
from .detailed import detailed_problems, json_type
from .schemas import schema_uri

# The shell of each kind: its schema, with the parts checked one by one stubbed out.
_SHELLS = {
    RESPONSE: ("response", "record"),
    RESPONSE_LIST: ("response-list", "record"),
    RECORD: ("record", "event"),
    EVENTS: ("events", "event"),
}
# Engagement History's own response and record shapes around the common events
_EH_SHELLS = {**_SHELLS, EH_RESPONSE: ("eh-response", "eh-record"), RECORD: ("eh-record", "event")}


_NO_STUBS: frozenset[str] = frozenset()
# pointer of an event -> whether sde-type-key shows its sdeType/container mismatch there
MislabelsReported = Callable[[str], bool]
# The detailed path's answers kept for small invalid instances: bounded in size and in count.
_REMEMBERED_TEXT = 512
_REMEMBERED_MEMBERS = 8
_REMEMBERED_ENTRIES = 4096


class SchemaChecker:
    def __init__(self, compiled: CompiledValidators | None = None) -> None:
        self.compiled = compiled or shared_validators()
        # sdeType -> compiled validator, per version: one dict lookup per event on the hot path
        self._by_sde_type: dict[str, dict[str, Callable[[Any], Any]]] = {version: {} for version in (*SECTIONS, *PROFILE_STORES)}
        self._remembered: dict[tuple[str, str, frozenset[str], str], list[tuple[str, str, str, bool, Any]]] = {}

    def _check(self, version: str, name: str, instance: Any, pointer: str, stubs: frozenset[str], out: list[Problem]) -> bool:
        try:
            self.compiled.get(version, name, stubs)(instance)
            return True
        except ValidationFailed:
            out.extend(self._detailed(version, name, instance, pointer, stubs))
            return False

    def _detailed(self, version: str, name: str, instance: Any, pointer: str, stubs: frozenset[str] = _NO_STUBS) -> list[Problem]:
        """The detailed path's problems, remembered for small instances met again (20,000 empty events are one).

        The key is the instance's JSON text, which tells 1 from 1.0 and true and keeps the key order the
        messages follow; what does not serialise, or is large, is not remembered.
        """
        if stubs or type(instance) is not dict or len(instance) > _REMEMBERED_MEMBERS:
            return detailed_problems(version, name, instance, pointer, stubs)  # shells and big objects are never small: no key
        try:
            text = json.dumps(instance, ensure_ascii=False, allow_nan=True)
        except (TypeError, ValueError, RecursionError):
            text = None
        if text is None or len(text) > _REMEMBERED_TEXT:
            return detailed_problems(version, name, instance, pointer, stubs)
        key = (version, name, stubs, text)
        known = self._remembered.get(key)
        if known is None:
            if len(self._remembered) >= _REMEMBERED_ENTRIES:
                self._remembered.clear()
            found = detailed_problems(version, name, instance, "", stubs)
            known = self._remembered[key] = [(p.pointer, p.rule, p.message, p.at_key, p.value) for p in found]
        return [Problem(pointer + suffix, rule, message, at_key=at_key, value=value) for suffix, rule, message, at_key, value in known]

    def check_shell(self, version: str, kind: str, instance: Any, pointer: str, out: list[Problem]) -> None:
        """The document (or record) around its records (or events), which are checked one by one."""
        name, stubbed = (_EH_SHELLS if version == ENGAGEMENT_HISTORY else _SHELLS)[kind]
        self._check(version, name, instance, pointer, frozenset({schema_uri(version, stubbed)}), out)

    def check_event(self, version: str, event: Any, pointer: str, out: list[Problem], mislabels_reported: MislabelsReported | None = None) -> bool:
        """Validate one event against its type's schema; True when it is valid.

        ``mislabels_reported(pointer)``: sde-type-key shows it, so an event whose sdeType names a container it lacks,
        holding one other, is checked as what it holds (``_check_mislabelled``); otherwise by its sdeType, whose schema
        says it. Asked only of such an event.
        """
        if type(event) is dict:
            sde_type = event.get("sdeType")
            validator = self._by_sde_type[version].get(sde_type) if type(sde_type) is str else None
            if validator is not None:
                try:
                    validator(event)
                    return True
                except ValidationFailed:
                    named = SDE_TYPES[sde_type]  # type: ignore[index]  # a str: it found a validator
                    held = event_key(event)
                    if held is not None and held != named and mislabels_reported is not None and mislabels_reported(pointer):
                        return self._check_mislabelled(version, held, event, pointer, out)
                    out.extend(self._detailed(version, named, event, pointer))
                    return False
        return self._check_event_slowly(version, event, pointer, out, mislabels_reported)

    def _check_mislabelled(self, version: str, held: str, event: dict[str, Any], pointer: str, out: list[Problem]) -> bool:
        """An event whose sdeType names a container it lacks, holding one other: checked as the one it holds.

        sde-type-key reports the mismatch once; checked by its sdeType, the event also had a missing
        container (an error) and an unknown one (a warning) for the same mistake, and its content went unchecked.
        """
        found: list[Problem] = []
        self._check(version, held, event, pointer, _NO_STUBS, found)
        sde_type_at = join_pointer(pointer, "sdeType")
        out.extend(problem for problem in found if problem.pointer != sde_type_at)
        return False

    def _check_event_slowly(
        self, version: str, event: Any, pointer: str, out: list[Problem], mislabels_reported: MislabelsReported | None = None,
    ) -> bool:
        """An event that is not an object, has an unknown or no sdeType, or whose type is not compiled yet."""
        if not isinstance(event, dict):
            out.append(Problem(pointer, "wrong-type", f"expected an event object, found {json_type(event)}", value=event))
            return False
        sde_type = event.get("sdeType")
        # its type's schema; with no sdeType, the one container it holds (whose schema also reports the missing sdeType)
        name = event_key(event) if "sdeType" not in event or (isinstance(sde_type, str) and sde_type in SDE_TYPES) else None
        if name is None:
            out.extend(self._detailed(version, "event", event, pointer))
            return False
        if isinstance(sde_type, str) and sde_type in SDE_TYPES and SDE_TYPES[sde_type] != name:
            if mislabels_reported is not None and mislabels_reported(pointer):
                return self._check_mislabelled(version, name, event, pointer, out)
            name = SDE_TYPES[sde_type]
        if isinstance(sde_type, str) and SDE_TYPES.get(sde_type) == name:
            self._by_sde_type[version][sde_type] = self.compiled.get(version, name, _NO_STUBS)
        return self._check(version, name, event, pointer, _NO_STUBS, out)

    def check_web_object(self, store: str, member: str | None, sde: Any, pointer: str, out: list[Problem]) -> bool:
        """Validate one web-side object against its lpTag type's schema (lp_sdes: with the authenticated flow's limits)."""
        return self._check(store, "lp-sde" if member == "lp_sdes" else "sde", sde, pointer, _NO_STUBS, out)
