"""Built-in semantic rules on whole conversation records."""

from __future__ import annotations

import calendar
import re
from typing import Any

from ..findings import join_pointer
from .base import RecordContext, record_rule
from .values import as_int, format_duration

_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?([+-])(\d{2}):?(\d{2})\Z")


def parse_time_text(text: str) -> int | None:
    """Epoch milliseconds of the API's "2016-08-29 15:14:19.564+0000" text, or None."""
    match = _TIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    millis = int((match.group(7) or "0").ljust(3, "0"))
    offset = (int(match.group(9)) * 60 + int(match.group(10))) * (1 if match.group(8) == "+" else -1)
    try:
        seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    except (ValueError, OverflowError):
        return None
    return (seconds - offset * 60) * 1000 + millis


def _messages(ctx: RecordContext) -> list[tuple[str, dict]]:
    messages = ctx.record.get("messageRecords")
    if not isinstance(messages, list):
        return []
    return [(f"{ctx.pointer}/messageRecords/{i}", m) for i, m in enumerate(messages) if isinstance(m, dict)]


@record_rule("duplicate-event")
def duplicate_event(ctx: RecordContext, p: dict):
    hits = []
    for section in ctx.sections:
        groups: dict[Any, list[tuple[int, dict]]] = {}
        for i, event in enumerate(ctx.events(section)):
            if not isinstance(event, dict):
                continue
            key = (event.get("sdeType"), event.get("serverTimeStamp"))
            try:
                earlier_events = groups.get(key, ())
            except TypeError:  # an unhashable (object or array) timestamp or type
                key = (str(key[0]), str(key[1]))
                earlier_events = groups.get(key, ())
            for j, earlier in earlier_events:
                if earlier == event:
                    hits.append((f"{ctx.pointer}/{section}/events/{i}", f"this event repeats {section}/events/{j} exactly", None))
                    break
            else:
                groups.setdefault(key, []).append((i, event))
    return hits


@record_rule("message-time")
def message_time(ctx: RecordContext, p: dict):
    hits = []
    for pointer, message in _messages(ctx):
        text, millis = message.get("time"), as_int(message.get("timeL"))
        if not isinstance(text, str) or millis is None:
            continue
        parsed = parse_time_text(text)
        if parsed is not None and parsed != millis:
            hits.append((f"{pointer}/time", f"time {text!r} is {format_duration(parsed - millis)} {'after' if parsed > millis else 'before'} timeL {millis}", text))
    return hits


@record_rule("message-seq")
def message_seq(ctx: RecordContext, p: dict):
    hits, previous = [], None
    for pointer, message in _messages(ctx):
        seq = as_int(message.get("seq"))
        if seq is None:
            continue
        if previous is not None and seq <= previous:
            hits.append((f"{pointer}/seq", f"seq {seq} does not increase (the previous message has seq {previous})", seq))
        previous = seq
    return hits


@record_rule("message-id")
def message_id(ctx: RecordContext, p: dict):
    info = ctx.record.get("info")
    conversation = info.get("conversationId") if isinstance(info, dict) else None
    if not isinstance(conversation, str) or not conversation:
        return None
    hits = []
    for pointer, message in _messages(ctx):
        mid = message.get("messageId")
        if isinstance(mid, str) and conversation not in mid:
            hits.append((f"{pointer}/messageId", f"messageId {mid!r} does not embed the conversation id {conversation!r}", mid))
    return hits


@record_rule("conversation-end")
def conversation_end(ctx: RecordContext, p: dict):
    info = ctx.record.get("info")
    if not isinstance(info, dict):
        return None
    status, start, end = info.get("status"), as_int(info.get("startTimeL")), as_int(info.get("endTimeL"))
    pointer = join_pointer(ctx.pointer, "info", "endTimeL")
    if end is None or not isinstance(status, str):
        return None
    if status.upper() == "OPEN" and end != -1:
        return [(pointer, f"the conversation is OPEN but endTimeL is {end}; an open conversation has endTimeL -1", end)]
    if status.upper() != "OPEN":
        if end == -1:
            return [(pointer, f"the conversation is {status} but endTimeL is -1 (no end)", end)]
        if start is not None and end < start:
            return [(pointer, f"endTimeL {end} is {format_duration(start - end)} before startTimeL {start}", end)]
    return None


@record_rule("auth-section")
def v1_unauthenticated(ctx: RecordContext, p: dict):
    if ctx.version == "v1" and "unAuthSdes" in ctx.record:
        return [(join_pointer(ctx.pointer, "unAuthSdes"), "API v1 returns authenticated engagement attributes only, but this record has unAuthSdes (its events were not checked as v1)", None, True)]
    return None
