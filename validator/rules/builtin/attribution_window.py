"""attribution-window: an engagement attribute dated outside the window in which it is attributed to its conversation."""

from __future__ import annotations

import math
from typing import Any

from ...findings import join_pointer
from ..base import Hit, RecordContext, Rule
from ..params import Number
from ..values import as_int, as_timestamp, format_duration, format_ms

_HOUR_MS = 3_600_000


def attribution_window(ctx: RecordContext, p: dict[str, Any]) -> list[Hit] | None:
    info = ctx.record.get("info")
    if not isinstance(info, dict):
        return None
    start, end = as_int(info.get("startTimeL")), as_int(info.get("endTimeL"))
    if end is not None and end < 0:
        end = None  # -1: the conversation is open, no upper bound yet
    if start is None and end is None:
        return None
    window = int(p["hours"] * _HOUR_MS)
    low = start - window if start is not None else -math.inf
    high = end + window if end is not None else math.inf
    hits = []
    for section in ctx.sections:
        for i, event in enumerate(ctx.events(section)):
            raw = event.get("serverTimeStamp") if type(event) is dict else None
            stamp: int | None
            if type(raw) is int:
                stamp = raw
            elif type(raw) is str and len(raw) < 19 and raw.isdigit() and raw.isascii():
                stamp = int(raw)  # the common case, without as_int's other branches
            else:
                stamp = as_timestamp(raw)
            if stamp is None or low <= stamp <= high:
                continue  # None: missing or not a timestamp, the schema's finding
            pointer = join_pointer(ctx.pointer, section, "events", str(i), "serverTimeStamp")
            # the excess said apart: format_duration rounds 12h 0.001s to "12h", which reads as inside a 12-hour window
            if start is not None and stamp < start - window:
                when = f"{format_duration(start - stamp)} before the conversation started ({format_ms(start)}), {format_duration(start - window - stamp)}"
            elif end is not None and stamp > end + window:
                when = f"{format_duration(stamp - end)} after the conversation ended ({format_ms(end)}), {format_duration(stamp - end - window)}"
            else:
                continue
            why = f"more than the {p['hours']:g} hours attributed: it is not attributed to this conversation"
            hits.append(Hit(pointer, f"dated {format_ms(stamp)}, {when} {why}", raw))
    return hits


RULE = Rule("attribution-window", category="record", severity="warning", params={"hours": Number(12)}, check_record=attribution_window)
