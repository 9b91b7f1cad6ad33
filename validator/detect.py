"""What an input holds, and which API version it was recorded with.

Kinds, tried in this order on a JSON object: ``response`` (has
``conversationHistoryRecords``), ``event`` (has ``sdeType`` or an attribute
container key), ``events`` (has ``events``), ``record`` (has ``sdes``,
``unAuthSdes``, ``info`` or ``messageRecords``). A JSON array is a list of
responses, of records or of events, by its first object.

Version ``auto``: v2 when any record has ``unAuthSdes``, any event carries
``isAuthenticated``, or any attribute value is a JSON number or boolean (v1
prints every value as a string); otherwise v1, the API's default.
"""

from __future__ import annotations

from typing import Any

from .findings import join_pointer
from .model import CONTAINER_KEYS, EVENT, EVENT_LIST, EVENTS, RECORD, RECORD_KINDS, RECORDS, RESPONSE, RESPONSE_LIST
from .walk import events_of, records_of

__all__ = ["EVENT", "EVENTS", "EVENT_LIST", "RECORD", "RECORDS", "RESPONSE", "RESPONSE_LIST", "detect_kind", "detect_version", "version_evidence"]

RECORD_KEYS = ("sdes", "unAuthSdes", "info", "messageRecords")


def _object_kind(obj: dict[str, Any]) -> str | None:
    if "conversationHistoryRecords" in obj:
        return RESPONSE
    if "sdeType" in obj or not CONTAINER_KEYS.isdisjoint(obj):
        return EVENT
    if "events" in obj:
        return EVENTS
    if any(key in obj for key in RECORD_KEYS):
        return RECORD
    return None


def detect_kind(data: Any) -> str | None:
    if isinstance(data, dict):
        return _object_kind(data)
    if isinstance(data, list):
        first = next((item for item in data if isinstance(item, dict)), None)
        if first is None:
            return EVENT_LIST if not data else None
        kind = _object_kind(first)
        return {RECORD: RECORDS, RESPONSE: RESPONSE_LIST, EVENT: EVENT_LIST}.get(kind) if kind else None
    return None


def _has_typed_scalar(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, (int, float)):  # bool is an int
            return True
    return False


def _typed_scalar_at(value: Any, pointer: str) -> tuple[str, str] | None:
    """(pointer, JSON type) of the first number or boolean in ``value``, depth first in document order."""
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            stack.extend(reversed([(join_pointer(where, key), child) for key, child in item.items()]))
        elif isinstance(item, list):
            stack.extend(reversed([(join_pointer(where, i), child) for i, child in enumerate(item)]))
        elif isinstance(item, bool):
            return where, "boolean"
        elif isinstance(item, (int, float)):
            return where, "number"
    return None


def version_evidence(data: Any, kind: str) -> tuple[str, str]:
    """The API version an input was recorded with, and why: what in it decided, or that nothing did."""
    if kind in RECORD_KINDS:
        for pointer, record in records_of(data, kind):
            if isinstance(record, dict) and "unAuthSdes" in record:
                return "v2", f"has unAuthSdes at {join_pointer(pointer, 'unAuthSdes')}"
    events = [(p, e) for p, _, e in events_of(data, kind, ("sdes", "unAuthSdes")) if isinstance(e, dict)]
    for pointer, event in events:
        if "isAuthenticated" in event:
            return "v2", f"has isAuthenticated at {join_pointer(pointer, 'isAuthenticated')}"
    for pointer, event in events:
        for key, container in event.items():
            if key in CONTAINER_KEYS and _has_typed_scalar(container):  # pointers are built only for the one that decides
                typed = _typed_scalar_at(container, join_pointer(pointer, key))
                if typed is not None:
                    return "v2", f"typed {typed[1]} at {typed[0]}"
    return "v1", "no unAuthSdes, isAuthenticated or typed value: v1, the API's default"


def detect_version(data: Any, kind: str) -> str:
    return version_evidence(data, kind)[0]
