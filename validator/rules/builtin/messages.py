"""message-time, message-seq, message-id: the messageRecords of a conversation."""

from __future__ import annotations

import calendar
import re
from typing import Any

from ..base import Hit, RecordContext, Rule
from ..values import as_int, format_duration, show_int

_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?([+-])(\d{2}):?(\d{2})\Z")


def parse_time_text(text: str) -> int | None:
    """Epoch milliseconds of the API's "2016-08-29 15:14:19.564+0000" text, or None."""
    match = _TIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    millis = int((match.group(7) or "0").ljust(3, "0"))
    offset = (int(match.group(9)) * 60 + int(match.group(10))) * (1 if match.group(8) == "+" else -1)
    if not _is_date_and_time(year, month, day, hour, minute, second):
        return None  # timegm would roll 2016-02-30 over to March 1st, and the message quote a span from there
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    return (seconds - offset * 60) * 1000 + millis


def _is_date_and_time(year: int, month: int, day: int, hour: int, minute: int, second: int) -> bool:
    """A day of the calendar and a time of day; second 60 is a leap second, as UTC has them."""
    return year >= 1 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1] and hour < 24 and minute < 60 and second <= 60


def _messages(ctx: RecordContext) -> list[tuple[str, dict[str, Any]]]:
    messages = ctx.record.get("messageRecords")
    if not isinstance(messages, list):
        return []
    return [(f"{ctx.pointer}/messageRecords/{i}", m) for i, m in enumerate(messages) if isinstance(m, dict)]


def message_time(ctx: RecordContext, p: dict[str, Any]) -> list[Hit]:
    hits = []
    for pointer, message in _messages(ctx):
        text, millis = message.get("time"), as_int(message.get("timeL"))
        if not isinstance(text, str) or millis is None:
            continue
        parsed = parse_time_text(text)
        if parsed is None and _TIME.match(text):
            hits.append(Hit(f"{pointer}/time", f"time {text!r} is no calendar date and time of day, so it cannot say timeL {show_int(millis)}", text))
        elif parsed is not None and parsed != millis:
            direction = "after" if parsed > millis else "before"
            hits.append(Hit(f"{pointer}/time", f"time {text!r} is {format_duration(parsed - millis)} {direction} timeL {show_int(millis)}", text))
    return hits


def message_seq(ctx: RecordContext, p: dict[str, Any]) -> list[Hit]:
    """Per dialog: a survey dialog after the main one may number its messages anew. The main dialog is the
    conversation's id, or none named ("undefined", missing), as in the published example."""
    hits: list[Hit] = []
    previous: dict[str | None, int] = {}
    conversation = _conversation_id(ctx)
    for pointer, message in _messages(ctx):
        seq = as_int(message.get("seq"))
        if seq is None:
            continue
        dialog = _other_dialog(message.get("dialogId"), conversation)
        before = previous.get(dialog)
        if before is not None and seq <= before:
            hits.append(Hit(f"{pointer}/seq", f"seq {show_int(seq)} does not increase (the previous message has seq {show_int(before)})", seq))
        previous[dialog] = seq
    return hits


def _conversation_id(ctx: RecordContext) -> str | None:
    info = ctx.record.get("info")
    conversation = info.get("conversationId") if isinstance(info, dict) else None
    return conversation if isinstance(conversation, str) and conversation else None


def _other_dialog(dialog: Any, conversation: str | None) -> str | None:
    """The dialogId of a dialog other than the main one (a post-conversation survey); None for the main one: the
    conversation's id, or none named ("undefined", as in the published example, missing or empty)."""
    if not isinstance(dialog, str) or dialog in ("", "undefined") or dialog == conversation:
        return None
    return dialog


def message_id(ctx: RecordContext, p: dict[str, Any]) -> list[Hit] | None:
    conversation = _conversation_id(ctx)
    if conversation is None:
        return None
    hits = []
    for pointer, message in _messages(ctx):
        mid = message.get("messageId")
        dialog = _other_dialog(message.get("dialogId"), conversation)
        # a survey dialog's message is numbered in it: ms::dialog:<its dialogId>::msg:<n>
        if isinstance(mid, str) and conversation not in mid and not (dialog and mid.startswith(f"ms::dialog:{dialog}::")):
            hits.append(Hit(f"{pointer}/messageId", f"messageId {mid!r} does not embed the conversation id {conversation!r}", mid))
    return hits


RULES = [
    Rule("message-time", category="record", severity="warning", check_record=message_time),
    Rule("message-seq", category="record", severity="warning", check_record=message_seq),
    Rule("message-id", category="record", severity="warning", check_record=message_id),
]
