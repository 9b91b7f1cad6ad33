"""message-time, message-seq, message-id: the messageRecords of a conversation."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..base import Hit, RecordContext, Rule
from ..values import as_int, format_duration, show_int

_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?([+-])(\d{2}):?(\d{2})\Z")


def parse_time_text(text: str) -> int | None:
    """Epoch milliseconds of the API's "2016-08-29 15:14:19.564+0000" text, or None."""
    match = _TIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = map(int, match.group(1, 2, 3, 4, 5, 6))
    millis = int((match.group(7) or "0").ljust(3, "0"))
    offset = (int(match.group(9)) * 60 + int(match.group(10))) * (1 if match.group(8) == "+" else -1)
    # a day of the calendar and a time of day; second 60 is a leap second, as UTC has them. date() refuses what is no
    # day (2016-02-30), which timegm would roll over to March 1st, and the message quote a span from there
    try:
        days = date(year, month, day).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        return None
    if hour >= 24 or minute >= 60 or second > 60:
        return None
    seconds = ((days * 24 + hour) * 60 + minute) * 60 + second  # calendar.timegm's arithmetic, without its tuple and calls
    return (seconds - offset * 60) * 1000 + millis


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _messages(ctx: RecordContext) -> list[tuple[int, dict[str, Any]]]:
    """(index, message) of the record's messages; a rule writes a message's pointer (_at) only for a finding."""
    messages = ctx.record.get("messageRecords")
    if not isinstance(messages, list):
        return []
    return [(i, m) for i, m in enumerate(messages) if isinstance(m, dict)]


def _at(ctx: RecordContext, index: int, member: str) -> str:
    return f"{ctx.pointer}/messageRecords/{index}/{member}"


def message_time(ctx: RecordContext, p: dict[str, Any]) -> list[Hit]:
    hits = []
    for index, message in _messages(ctx):
        text, millis = message.get("time"), as_int(message.get("timeL"))
        if not isinstance(text, str) or millis is None:
            continue
        parsed = parse_time_text(text)
        if parsed is None and _TIME.match(text):
            hits.append(Hit(_at(ctx, index, "time"), f"time {text!r} is no calendar date and time of day, so it cannot say timeL {show_int(millis)}", text))
        elif parsed is not None and parsed != millis:
            direction = "after" if parsed > millis else "before"
            hits.append(Hit(_at(ctx, index, "time"), f"time {text!r} is {format_duration(parsed - millis)} {direction} timeL {show_int(millis)}", text))
    return hits


def message_seq(ctx: RecordContext, p: dict[str, Any]) -> list[Hit]:
    """Per dialog: a survey dialog after the main one may number its messages anew. The main dialog is the
    conversation's id, or none named ("undefined", missing), as in the published example."""
    hits: list[Hit] = []
    previous: dict[str | None, int] = {}
    conversation = _conversation_id(ctx)
    for index, message in _messages(ctx):
        seq = as_int(message.get("seq"))
        if seq is None:
            continue
        dialog = _other_dialog(message.get("dialogId"), conversation)
        before = previous.get(dialog)
        if before is not None and seq <= before:
            hits.append(Hit(_at(ctx, index, "seq"), f"seq {show_int(seq)} does not increase (the previous message has seq {show_int(before)})", seq))
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
    for index, message in _messages(ctx):
        mid = message.get("messageId")
        dialog = _other_dialog(message.get("dialogId"), conversation)
        # a survey dialog's message is numbered in it: ms::dialog:<its dialogId>::msg:<n>
        if isinstance(mid, str) and conversation not in mid and not (dialog and mid.startswith(f"ms::dialog:{dialog}::")):
            hits.append(Hit(_at(ctx, index, "messageId"), f"messageId {mid!r} does not embed the conversation id {conversation!r}", mid))
    return hits


RULES = [
    Rule("message-time", category="record", severity="warning", check_record=message_time),
    Rule("message-seq", category="record", severity="warning", check_record=message_seq),
    Rule("message-id", category="record", severity="warning", check_record=message_id),
]
