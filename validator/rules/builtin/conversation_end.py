"""conversation-end: endTimeL against the conversation's status and start."""

from __future__ import annotations

from typing import Any

from ...findings import join_pointer
from ..base import Hit, RecordContext, Rule
from ..values import as_int, format_duration, show_int

# The statuses that say a conversation ended. The specification prints no list of statuses, only its example's "OPEN"
# (with endTimeL -1); CLOSE is the API's closed status. Any other status says nothing about an end: no guess.
_CLOSED = frozenset(("CLOSE", "CLOSED"))


def conversation_end(ctx: RecordContext, p: dict[str, Any]) -> list[Hit] | None:
    info = ctx.record.get("info")
    if not isinstance(info, dict):
        return None
    status, start, end = info.get("status"), as_int(info.get("startTimeL")), as_int(info.get("endTimeL"))
    pointer = join_pointer(ctx.pointer, "info", "endTimeL")
    if end is None or not isinstance(status, str):
        return None
    if status.upper() == "OPEN":
        if end != -1:
            return [Hit(pointer, f"the conversation is OPEN but endTimeL is {show_int(end)}; an open conversation has endTimeL -1", end)]
        return None
    if end == -1:
        if status.upper() in _CLOSED:
            return [Hit(pointer, f"the conversation is {status} but endTimeL is -1 (no end)", end)]
        return None  # a status no documentation lists: whether it has ended cannot be told
    if start is not None and end < start:  # an end before the start is wrong whatever the status
        return [Hit(pointer, f"endTimeL {show_int(end)} is {format_duration(start - end)} before startTimeL {show_int(start)}", end)]
    return None


RULE = Rule("conversation-end", category="record", severity="warning", check_record=conversation_end)
