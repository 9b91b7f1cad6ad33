"""duplicate-event: the same event twice in one section of a record."""

from __future__ import annotations

from typing import Any

from ..base import Hit, RecordContext, Rule


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON values: Python's == takes true for 1 and false for 0, which JSON keeps apart.

    1 and 1.0 are one number (JSON has no integer type); "1" and 1 are not.
    """
    pairs = [(a, b)]  # a stack, not recursion: an event may nest as deep as its document
    while pairs:
        x, y = pairs.pop()
        kind = type(x)
        if kind is dict:
            if type(y) is not dict or x.keys() != y.keys():
                return False
            pairs.extend((value, y[key]) for key, value in x.items())
        elif kind is list:
            if type(y) is not list or len(x) != len(y):
                return False
            pairs.extend(zip(x, y, strict=True))
        elif kind is bool or type(y) is bool:
            if x is not y:
                return False
        elif x != y:
            return False
    return True


def duplicate_event(ctx: RecordContext, p: dict[str, Any]) -> list[Hit]:
    hits = []
    for section in ctx.sections:
        groups: dict[Any, list[tuple[int, dict[str, Any]]]] = {}
        for i, event in enumerate(ctx.events(section)):
            if not isinstance(event, dict):
                continue
            key: tuple[Any, Any] = (event.get("sdeType"), event.get("serverTimeStamp"))
            try:
                earlier_events = groups.get(key, [])
            except TypeError:  # an unhashable (object or array) timestamp or type
                key = (str(key[0]), str(key[1]))
                earlier_events = groups.get(key, [])
            for j, earlier in earlier_events:
                if earlier == event and same_json(earlier, event):  # == first: in C, and never false for a repeat
                    hits.append(Hit(f"{ctx.pointer}/{section}/events/{i}", f"this event repeats {section}/events/{j} exactly"))
                    break
            else:
                groups.setdefault(key, []).append((i, event))
    return hits


RULE = Rule("duplicate-event", category="record", severity="warning", check_record=duplicate_event)
