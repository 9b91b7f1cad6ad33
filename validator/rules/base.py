"""What a rule sees and how rules are registered.

An event rule is a function ``(ctx, params) -> list of (pointer, message, value) or None``;
it declares the attribute types it looks at, so the engine calls it only for those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..model import CONTAINER_KEYS, DOUBLE_NESTED

Hit = tuple  # (pointer, message, value) or (pointer, message, value, at_key)
EventRule = Callable[["EventContext", dict], "list[Hit] | None"]
RecordRule = Callable[["RecordContext", dict], "list[Hit] | None"]

EVENT_RULES: dict[str, tuple[EventRule, frozenset[str]]] = {}
RECORD_RULES: dict[str, RecordRule] = {}


def event_rule(name: str, types: Iterable[str] | None = None) -> Callable[[EventRule], EventRule]:
    def register(fn: EventRule) -> EventRule:
        EVENT_RULES[name] = (fn, frozenset(types) if types is not None else CONTAINER_KEYS)
        return fn

    return register


def record_rule(name: str) -> Callable[[RecordRule], RecordRule]:
    def register(fn: RecordRule) -> RecordRule:
        RECORD_RULES[name] = fn
        return fn

    return register


class EventContext:
    """One event, with its parts looked up once for all rules."""

    __slots__ = ("version", "section", "pointer", "event", "key", "container", "container_pointer", "attrs", "attrs_pointer", "longest_string")

    def __init__(self, version: str, section: str | None, pointer: str, event: dict, key: str, longest_string: int | None = None) -> None:
        self.longest_string = longest_string  # no string in the event is longer (its document's or record's text length), if known
        self.version = version
        self.section = section
        self.pointer = pointer
        self.event = event
        self.key = key
        container = event.get(key)
        self.container = container if isinstance(container, dict) else None
        self.container_pointer = f"{pointer}/{key}"
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
    record: dict
    sections: tuple[str, ...]

    def events(self, section: str) -> list[Any]:
        block = self.record.get(section)
        events = block.get("events") if isinstance(block, dict) else None
        return events if isinstance(events, list) else []
