"""What a rule is, what it sees and what it reports.

A rule is one unit: its name, category, default severity, typed parameters, what it applies to
(stage, API versions, attribute types) and, for event and record rules, its check. Input and schema
rules have no check: the loader and the schema stage emit their findings, the registry still
describes them. A check takes a context and the rule's parameters and returns its hits (None or an
empty list when there are none); returning a list rather than yielding keeps the per-event cost of
the hot rules at one call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..model import CONTAINER_KEYS, DOUBLE_NESTED, MESSAGING, PROFILES, SDE_TYPES, VERSIONS
from .params import Param

STAGES = ("input", "schema", "event", "record")


class Hit:
    """One thing a check found: where (a JSON Pointer), what, and the offending value."""

    __slots__ = ("at_key", "message", "pointer", "value")

    def __init__(self, pointer: str, message: str, value: Any = None, at_key: bool = False) -> None:
        self.pointer = pointer
        self.message = message
        self.value = value
        self.at_key = at_key  # locate the member's key rather than its value

    def __repr__(self) -> str:
        return f"Hit({self.pointer!r}, {self.message!r}, {self.value!r}{', at_key=True' if self.at_key else ''})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hit):
            return NotImplemented
        return (self.pointer, self.message, self.value, self.at_key) == (other.pointer, other.message, other.value, other.at_key)

    __hash__ = None  # type: ignore[assignment]  # mutable value: not hashable


Hits = Iterable[Hit] | None
EventCheck = Callable[["EventContext", dict[str, Any]], Hits]
RecordCheck = Callable[["RecordContext", dict[str, Any]], Hits]


class Rule:
    """A rule and its metadata; ``check_event``/``check_record`` are plain functions (no bound-method cost)."""

    __slots__ = (
        "api_versions", "category", "check_event", "check_record", "containers", "explicit_version_only",
        "name", "params", "params_check", "prepare", "profiles", "sde_types", "severity", "stage",
    )

    def __init__(
        self,
        name: str,
        *,
        category: str,
        severity: str,
        stage: str | None = None,
        params: Mapping[str, Param] | None = None,
        api_versions: tuple[str, ...] = VERSIONS,
        sde_types: tuple[str, ...] | None = None,
        containers: Iterable[str] | None = None,
        check_event: EventCheck | None = None,
        check_record: RecordCheck | None = None,
        params_check: Callable[[Mapping[str, Any]], str | None] | None = None,
        explicit_version_only: bool = False,
        prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        profiles: tuple[str, ...] = (MESSAGING,),
    ) -> None:
        self.name = name
        self.category = category
        self.severity = severity
        self.stage = stage or category  # where its findings come from: input, schema, event or record
        self.params: dict[str, Param] = dict(params or {})
        self.api_versions = api_versions
        self.sde_types = sde_types  # None: every type (as the catalogue says it)
        # the containers the event check reads; narrower than sde_types where the check itself knows it can find nothing
        self.containers = frozenset(containers) if containers is not None else CONTAINER_KEYS
        self.check_event = check_event
        self.check_record = check_record
        self.params_check = params_check  # what is wrong with parameters set together (each is valid alone), or None
        # on only when the configuration or command line names the API version: a guessed version is no contract to hold a payload to
        self.explicit_version_only = explicit_version_only
        # the parameters as the check reads them (sets built from lists), computed once per dispatch table, not per event
        self.prepare = prepare
        # the profiles whose payloads the check makes sense for: Messaging Interactions only unless it says more
        self.profiles = profiles
        if not set(profiles) <= set(PROFILES):
            raise ValueError(f"rule {name!r}: profiles {profiles!r} are not among {', '.join(PROFILES)}")
        if self.stage not in STAGES:
            raise ValueError(f"rule {name!r}: stage {self.stage!r} is not one of {', '.join(STAGES)}")
        has_checks = {"event": check_event is not None, "record": check_event is None and check_record is not None}
        if not has_checks.get(self.stage, check_event is None and check_record is None):
            raise ValueError(
                f"rule {name!r} ({self.stage}): input and schema rules have no check, a record rule a record check,"
                " an event rule an event check (and may add a record check)"
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def defaults(self) -> dict[str, Any]:
        return {key: list(param.default) if isinstance(param.default, list) else param.default for key, param in self.params.items()}

    def event_keys(self) -> frozenset[str]:
        """The container keys whose events this rule checks."""
        if self.check_event is None:
            return frozenset()
        if self.sde_types is None:
            return self.containers
        return self.containers & {SDE_TYPES[t] for t in self.sde_types}


class EventContext:
    """One event, with its parts looked up once for all rules."""

    __slots__ = ("attrs", "attrs_pointer", "container", "container_pointer", "event", "key", "longest_string", "pointer", "section", "version")

    def __init__(self, version: str, section: str | None, pointer: str, event: dict[str, Any], key: str, longest_string: int | None = None) -> None:
        self.longest_string = longest_string  # no string in the event is longer (its document's or record's text length), if known
        self.version = version
        self.section = section
        self.pointer = pointer
        self.event = event
        self.key = key
        container = event.get(key)
        self.container: dict[str, Any] | None = container if isinstance(container, dict) else None
        self.container_pointer = f"{pointer}/{key}"
        self.attrs: dict[str, Any] | None
        if key in DOUBLE_NESTED and self.container is not None:
            inner = self.container.get(key)
            self.attrs = inner if isinstance(inner, dict) else None
            self.attrs_pointer = f"{pointer}/{key}/{key}"
        else:
            self.attrs = self.container
            self.attrs_pointer = self.container_pointer


@dataclass
class RecordContext:
    version: str
    pointer: str
    record: dict[str, Any]
    sections: tuple[str, ...]

    def events(self, section: str) -> list[Any]:
        block = self.record.get(section)
        events = block.get("events") if isinstance(block, dict) else None
        return events if isinstance(events, list) else []
