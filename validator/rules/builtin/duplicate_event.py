"""duplicate-event: the same event twice in one section of a record."""

from __future__ import annotations

from typing import Any

from ..base import Hit, RecordContext, Rule
from ..values import same_json


def duplicate_event(ctx: RecordContext, p: dict[str, Any]) -> list[Hit]:
    hits = []
    for section in ctx.sections:
        groups: dict[Any, list[tuple[int, dict[str, Any]]]] = {}
        for i, event in enumerate(ctx.events(section)):
            if not isinstance(event, dict):
                continue
            key: tuple[Any, Any] = (event.get("sdeType"), event.get("serverTimeStamp"))
            try:
                earlier_events = groups.get(key)
            except TypeError:  # an unhashable (object or array) timestamp or type
                key = (str(key[0]), str(key[1]))
                earlier_events = groups.get(key)
            if earlier_events is None:  # the common case: the first of its type and time (no list made to find that out)
                groups[key] = [(i, event)]
                continue
            for j, earlier in earlier_events:
                if earlier == event and same_json(earlier, event):  # == first: in C, and never false for a repeat
                    hits.append(Hit(f"{ctx.pointer}/{section}/events/{i}", f"this event repeats {section}/events/{j} exactly"))
                    break
            else:
                earlier_events.append((i, event))
    return hits


RULE = Rule("duplicate-event", category="record", severity="warning", check_record=duplicate_event)
