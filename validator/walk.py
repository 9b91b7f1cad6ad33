"""One traversal of a parsed document: its records and events, in document order.

Detection (``detect``) names the kind and the version first; the walk then goes
over the document once, record by record and event by event, and the schema
stage and the rules attach to what it yields (``check``). Kinds with records
are walked as a list of (pointer, record) pairs, so that a big document's
records can be split into ranges; loose events (an events block, an event, a
list of events) are walked one by one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .findings import join_pointer
from .model import CONTAINER_KEYS, EH_RESPONSE, EVENT, EVENT_LIST, EVENTS, RECORD, RECORD_KINDS, RECORDS, RESPONSE, RESPONSE_LIST, SDE_TYPES

_RECORDS_KEY = "conversationHistoryRecords"
_EH_RECORDS_KEY = "interactionHistoryRecords"


def records_of(data: Any, kind: str) -> list[tuple[str, Any]]:
    """(pointer, record) for every record of a response, a list of responses or records, or one record."""
    if kind in (RESPONSE, EH_RESPONSE):
        key = _RECORDS_KEY if kind == RESPONSE else _EH_RECORDS_KEY
        records = data.get(key)
        return [(join_pointer("/" + key, i), record) for i, record in enumerate(records)] if isinstance(records, list) else []
    if kind == RESPONSE_LIST:
        pairs: list[tuple[str, Any]] = []
        for i, response in enumerate(data):
            records = response.get(_RECORDS_KEY) if isinstance(response, dict) else None
            if isinstance(records, list):
                pairs.extend((f"/{i}/{_RECORDS_KEY}/{j}", record) for j, record in enumerate(records))
        return pairs
    if kind == RECORDS:
        return [(f"/{i}", record) for i, record in enumerate(data)]
    if kind == RECORD:
        return [("", data)]
    return []


def record_events(pointer: str, record: Any, sections: tuple[str, ...]) -> Iterator[tuple[str, str, Any]]:
    """(pointer, section, event) for the events of one record, section by section."""
    if not isinstance(record, dict):
        return
    for section in sections:
        block = record.get(section)
        if isinstance(block, dict) and isinstance(block.get("events"), list):
            for i, event in enumerate(block["events"]):
                yield f"{pointer}/{section}/events/{i}", section, event


def loose_events(data: Any, kind: str) -> Iterator[tuple[str, None, Any]]:
    """(pointer, None, event) for an events block, one event or a list of events: no section."""
    if kind == EVENTS:
        if isinstance(data.get("events"), list):
            for i, event in enumerate(data["events"]):
                yield f"/events/{i}", None, event
    elif kind == EVENT:
        yield "", None, data
    elif kind == EVENT_LIST:
        for i, event in enumerate(data):
            yield f"/{i}", None, event


def events_of(data: Any, kind: str, sections: tuple[str, ...]) -> Iterator[tuple[str, str | None, Any]]:
    """Every event of the document under the given sections (loose events have none)."""
    if kind in RECORD_KINDS:
        for pointer, record in records_of(data, kind):
            yield from record_events(pointer, record, sections)
    else:
        yield from loose_events(data, kind)


def event_key(event: dict[str, Any]) -> str | None:
    """The attribute container an event is checked as: its sdeType's; else (no sdeType, an unknown one, or one whose
    container it lacks: sde-type-key says so) the one container it holds."""
    sde_type = event.get("sdeType")
    key = SDE_TYPES.get(sde_type) if type(sde_type) is str else None
    if key is None or key not in event:
        present = [k for k in event if k in CONTAINER_KEYS]
        if len(present) == 1:
            return present[0]
    return key


