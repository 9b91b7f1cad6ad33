"""What an input holds, and which API version it was recorded with.

Kinds, tried in this order on a JSON object: ``response`` (has
``conversationHistoryRecords``), ``event`` (has ``sdeType`` or an attribute
container key), ``events`` (has ``events``), ``record`` (has ``sdes``,
``unAuthSdes``, ``info`` or ``messageRecords``). A JSON array is a list of
responses, of records or of events, by its first object.

Version ``auto``: v2 when any record has ``unAuthSdes``, any event carries
``isAuthenticated``, or any attribute value is a JSON number or boolean (v1
prints every value as a string; timestamps are "long" in both versions and
decide nothing); otherwise v1, the API's default.

Profile ``auto`` (``profile_evidence``): Engagement History for an ``interactionHistoryRecords``
response, for records whose ``info`` names an ``engagementId`` (and no ``conversationId``), and
for records or events whose events use its container keys (``viewProduct``,
``formFillingError``) or carry no ``sdeType`` at all; web for objects with an lpTag ``type``
(one, or a list), for any object holding ``engagementAttributes`` or ``lp_sdes`` (except inside a response or
record, which says what it is by its own members), and for JavaScript and HTML sources;
messaging otherwise. A named profile only takes its own kinds.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .findings import join_pointer
from .model import (
    CONTAINER_KEYS,
    DATE_KEYS,
    EH_CONTAINER_KEYS,
    EH_RESPONSE,
    ENGAGEMENT_HISTORY,
    EVENT,
    EVENT_LIST,
    EVENTS,
    MESSAGING,
    RECORD,
    RECORD_KINDS,
    RECORDS,
    RESPONSE,
    RESPONSE_LIST,
    TIMESTAMP_KEYS,
    WEB,
    WEB_BODY,
    WEB_SDE,
    WEB_SDE_LIST,
    WEB_SOURCE,
    WEB_TYPES,
)
from .walk import events_of, records_of

__all__ = [
    "EVENT", "EVENTS", "EVENT_LIST", "RECORD", "RECORDS", "RESPONSE", "RESPONSE_LIST",
    "detect_kind", "detect_version", "profile_evidence", "v2_evidence", "version_evidence", "version_of_evidence",
]

RECORD_KEYS = ("sdes", "unAuthSdes", "info", "messageRecords")


def _object_kind(obj: dict[str, Any]) -> str | None:
    if "conversationHistoryRecords" in obj:
        return RESPONSE
    if _is_event(obj):
        return EVENT
    if "events" in obj and _may_hold_events(obj["events"]):
        return EVENTS
    if any(key in obj for key in RECORD_KEYS):
        return RECORD
    return None


def _is_event(obj: dict[str, Any]) -> bool:
    """An event by its own members: sdeType, a container, or an event's timestamps ({"serverTimeStamp": ...,
    "cartstatus": {...}} is an event with a misspelt container, which the pre-commit hook must not pass)."""
    return (
        "sdeType" in obj or not CONTAINER_KEYS.isdisjoint(obj) or not EH_CONTAINER_KEYS.keys().isdisjoint(obj)
        or not _EVENT_MEMBERS.isdisjoint(obj)
    )


def _may_hold_events(events: Any) -> bool:
    """Whether an ``events`` member is an events block's: not a list of objects with members none of which is an event
    (an analytics fixture's ``{"events": [{"name": "click"}]}`` was checked as attributes and refused a commit)."""
    if not isinstance(events, list):
        return True  # null or a wrong type in an events block: the schema says what is wrong
    members = [item for item in events if isinstance(item, dict) and item]  # {} is an empty event: its fields are missing
    return not members or any(_is_event(item) for item in members)


# isAuthenticated is no evidence: auth logs are full of it
_EVENT_MEMBERS = frozenset({"serverTimeStamp", "originalTimeStamp"})


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


# Members whose numbers both versions send: timestamps (long in every table) and customerInfo's dates.
_TYPED_IN_BOTH = frozenset((*TIMESTAMP_KEYS, *DATE_KEYS))


def _has_typed_scalar(value: Any) -> bool:
    """Whether an attribute value below ``value`` is a number or boolean that only v2 sends (see ``_TYPED_IN_BOTH``)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(child for key, child in item.items() if key not in _TYPED_IN_BOTH)
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
            stack.extend(reversed([(join_pointer(where, key), child) for key, child in item.items() if key not in _TYPED_IN_BOTH]))
        elif isinstance(item, list):
            stack.extend(reversed([(join_pointer(where, i), child) for i, child in enumerate(item)]))
        elif isinstance(item, bool):
            return where, "boolean"
        elif isinstance(item, (int, float)):
            return where, "number"
    return None


def v2_evidence(data: Any, kind: str) -> tuple[int, str, str] | None:
    """(rank, pointer, what) of the first sign of v2, or None: rank 0 is unAuthSdes, 1 isAuthenticated, 2 a typed
    value (``what`` is its JSON type). A lower rank anywhere wins over a higher one earlier: halves.py compares two
    halves' evidence by it, so a split response says what the whole one says."""
    if kind in RECORD_KINDS:
        for pointer, record in records_of(data, kind):
            if isinstance(record, dict) and "unAuthSdes" in record:
                return 0, join_pointer(pointer, "unAuthSdes"), ""
    events = [(p, e) for p, _, e in events_of(data, kind, ("sdes", "unAuthSdes")) if isinstance(e, dict)]
    for pointer, event in events:
        if "isAuthenticated" in event:
            return 1, join_pointer(pointer, "isAuthenticated"), ""
        for key, container in event.items():  # the flag the example's customerInfo and personalInfo carry too
            if key in CONTAINER_KEYS and isinstance(container, dict) and "isAuthenticated" in container:
                return 1, join_pointer(pointer, key, "isAuthenticated"), ""
    for pointer, event in events:
        for key, container in event.items():
            if key in CONTAINER_KEYS and _has_typed_scalar(container):  # pointers are built only for the one that decides
                typed = _typed_scalar_at(container, join_pointer(pointer, key))
                if typed is not None:
                    return 2, typed[0], typed[1]
    return None


def version_of_evidence(evidence: tuple[int, str, str] | None) -> tuple[str, str]:
    """The version ``v2_evidence`` shows, and why."""
    if evidence is None:
        return "v1", "no unAuthSdes, isAuthenticated or typed value: v1, the API's default"
    rank, pointer, what = evidence
    return "v2", f"has {('unAuthSdes', 'isAuthenticated')[rank]} at {pointer}" if rank < 2 else f"typed {what} at {pointer}"


def version_evidence(data: Any, kind: str) -> tuple[str, str]:
    """The API version an input was recorded with, and why: what in it decided, or that nothing did."""
    return version_of_evidence(v2_evidence(data, kind))


def detect_version(data: Any, kind: str) -> str:
    return version_evidence(data, kind)[0]


def _web_type_at(data: Any, given: bool = False) -> tuple[str, str] | None:
    """(pointer, type) when ``data`` is a web-side object or a list of them (by its first object).

    Guessed (not ``given``), the object must also hold a member of its type's own."""
    first, pointer = data, "/type"
    if isinstance(data, list):
        first = next((item for item in data if isinstance(item, dict)), None)
        pointer = f"/{data.index(first)}/type" if first is not None else pointer
    web_type = first.get("type") if isinstance(first, dict) else None
    if isinstance(web_type, str) and web_type in WEB_TYPES and (given or not _web_type_members(web_type).isdisjoint(first)):
        return pointer, web_type
    return None


@cache
def _web_type_members(web_type: str) -> frozenset[str]:
    """The members that make an object with this ``type`` an lpTag object: its own (``info``, ``total``, ...), not the
    ones a delivery adds to any. ``{"type": "error", "message": "not found"}`` is some API's error, not a visitorError push."""
    from .validate.schemas import get_schema

    delivery = get_schema(WEB, "sde").get("definitions", {}).get("deliveryMembers", {}).get("properties", {})
    return frozenset(get_schema(WEB, web_type).get("properties", {})) - {"type", *delivery}


def _web_kind(data: Any, members_possible: bool = True, given: bool = False) -> tuple[str, str] | None:
    """(kind, why) for web-side payloads in JSON; ``members_possible`` False: the text names no web member.
    ``given``: the web profile was asked for."""
    from .profile_views import first_web_member

    typed = _web_type_at(data, given)
    if typed is not None:
        return (WEB_SDE_LIST if isinstance(data, list) else WEB_SDE), f"lpTag type {typed[1]!r} at {typed[0]}"
    member = first_web_member(data) if members_possible else None
    if member is not None:
        return WEB_BODY, f"has {member[1]} at {member[0]}"
    return None


# Members only Messaging Interactions and Engagement History responses and records have
_OWN_MEMBERS = frozenset({"conversationHistoryRecords", "interactionHistoryRecords", "sdes", "unAuthSdes", "messageRecords"})


def _messaging_by_own_members(data: Any) -> bool:
    """Whether ``data`` (or a list's first object) is a response or record by its own top-level members."""
    first = next((item for item in data if isinstance(item, dict)), None) if isinstance(data, list) else data
    return isinstance(first, dict) and not _OWN_MEMBERS.isdisjoint(first)


def _eh_events_reason(data: Any, kind: str, version_given: bool) -> str | None:
    """Why a record, events block or event is Engagement History's: a record's info naming an engagement (a Messaging
    Interactions record names a conversation), its container keys, or events without sdeType.

    None for records holding ``unAuthSdes``: only Messaging Interactions (v2) returns that block, which an Engagement
    History check would not read at all (its events and their defects were dropped unseen)."""
    records = [(p, r) for p, r in records_of(data, kind) if isinstance(r, dict)] if kind in (RECORD, RECORDS) else []
    if any("unAuthSdes" in record for _, record in records):
        return None
    for pointer, record in records:
        info = record.get("info")
        if isinstance(info, dict) and "engagementId" in info and "conversationId" not in info:  # an EH-Methods record
            return f"an engagementId in the record's info at {join_pointer(join_pointer(pointer, 'info'), 'engagementId')}"
    events = [(p, e) for p, _, e in events_of(data, kind, ("sdes",)) if isinstance(e, dict)]
    for pointer, event in events:
        for key in event:
            if key in EH_CONTAINER_KEYS:
                return f"has {key} at {join_pointer(pointer, key)}"
    with_container = [(p, e) for p, e in events if not CONTAINER_KEYS.isdisjoint(e)]
    if with_container and not version_given and all("sdeType" not in e for _, e in events):
        return f"events without sdeType (the first at {with_container[0][0] or '(root)'})"
    return None


def profile_evidence(
    data: Any, requested: str = "auto", source_kind: str | None = None, version_given: bool = False, web_members_possible: bool = True
) -> tuple[str, str | None, str]:
    """(profile, kind or None when not recognised, why): what an input holds under the profile asked for.

    ``source_kind`` is the kind a loader already knows (a JavaScript or HTML source is web-side).
    ``version_given``: an API version was named, so the input is taken for Messaging Interactions
    unless it says otherwise by its own shape: events without sdeType are then that API's defect.
    ``web_members_possible`` False: the input's text names no engagementAttributes or lp_sdes member
    (``profile_views.text_may_name_web_members``), so the document is not walked for one.
    """
    if source_kind == WEB_SOURCE:
        if requested in ("auto", WEB):
            return WEB, WEB_SOURCE, "given" if requested == WEB else "lpTag.sdes pushes in a JavaScript or HTML source"
        return requested, None, f"a JavaScript or HTML source holds web-side payloads, not {requested} ones"
    if requested in ("auto", WEB):
        # a response or record names itself: engagementAttributes in a campaign or lp_sdes in a message's metadata do not make it web-side
        web = _web_kind(data, web_members_possible and (requested == WEB or not _messaging_by_own_members(data)), requested == WEB)
        if web is not None:
            return WEB, web[0], "given" if requested == WEB else web[1]
        if requested == WEB:
            return WEB, None, "given"
    if isinstance(data, dict) and "interactionHistoryRecords" in data:
        if requested in ("auto", ENGAGEMENT_HISTORY):
            return ENGAGEMENT_HISTORY, EH_RESPONSE, "given" if requested != "auto" else "has interactionHistoryRecords"
        return requested, None, "an Engagement History response (interactionHistoryRecords)"
    if requested == ENGAGEMENT_HISTORY and isinstance(data, dict) and "conversationHistoryRecords" in data:
        return requested, None, "a Messaging Interactions response (conversationHistoryRecords)"
    kind = detect_kind(data)
    if requested != "auto":
        return requested, kind, "given"
    if kind is None:
        return MESSAGING, None, "not recognised"
    why = _eh_events_reason(data, kind, version_given) if kind in (RECORD, RECORDS, EVENTS, EVENT, EVENT_LIST) else None
    if why is not None:
        return ENGAGEMENT_HISTORY, kind, why
    return MESSAGING, kind, "Messaging Interactions shapes (conversationHistoryRecords, sdes, events with sdeType)"
