"""timestamp-order, timestamp-range, timestamp-mismatch: the epoch-milliseconds timestamps of an event."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from ...findings import join_pointer
from ...model import SDE_TYPES, TIMESTAMP_KEYS
from ..base import EventContext, Hit, Rule
from ..params import IsoDate, Number
from ..values import MILLISECONDS_BY_SIZE, as_int, as_timestamp, format_duration, format_ms, is_integer_text, shorten, show_int, utc_date

# customerInfo's table describes both of its timestamps as "Event creation time stamp.": no order to check there
ORDERED_TYPES = tuple(sde_type for sde_type in SDE_TYPES if sde_type != "CUSTOMER_INFO")


def timestamp_order(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    c = ctx.container
    if c is None:
        return None
    raw_created, raw_processed = c.get("originalTimeStamp"), c.get("serverTimeStamp")
    if type(raw_created) is str and type(raw_processed) is str and len(raw_created) == len(raw_processed) and raw_created <= raw_processed:
        return None  # equal-length digit strings order like their numbers: created no later than processed
    # a JSON integer (every typed v2 capture's) without a call: this runs for every event
    created = raw_created if type(raw_created) is int else as_timestamp(raw_created)
    processed = raw_processed if type(raw_processed) is int else as_timestamp(raw_processed)
    tolerance = p["tolerance-ms"]
    if created is None or processed is None or created - processed <= tolerance:
        return None
    if created not in MILLISECONDS_BY_SIZE or processed not in MILLISECONDS_BY_SIZE:
        return None  # one is no epoch-milliseconds time (never set: 0, -1 as endTimeL; seconds; microseconds): timestamp-range says so
    late = created - processed
    excess = ""
    # format_duration leaves out the milliseconds of a span past a second: 60,001 ms reads "1m", as if within a 1m
    # tolerance, and a tolerance of 1,500 ms "1s": both are written exactly then, with the excess
    exact = tolerance > 0 and (late if late < 1000 else late - late % 1000) <= tolerance
    if exact:
        excess = f", {format_duration(math.ceil(late - tolerance))} more than the tolerance of {format_duration(math.floor(tolerance), exact=True)}"
    return [Hit(
        ctx.container_pointer + "/originalTimeStamp",
        f"created (originalTimeStamp {format_ms(created)}) {format_duration(late, exact=exact)} after it was processed"
        f" (serverTimeStamp {format_ms(processed)}){excess}",
        created,
    )]


@cache
def _window(earliest: str, latest: str) -> tuple[int, int]:
    def ms(day: str) -> int:
        return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)

    return ms(earliest), ms(latest)


_LONG_MAX = 2**63 - 1


def _range_hit(pointer: str, value: Any, low: int, high: int) -> Hit | None:
    if type(value) is str and value.startswith("+"):
        return None  # the timestamp schema takes digits with a minus only: its bad-value is the one finding of "+12"
    ms = as_int(value)
    if ms is None:
        if not is_integer_text(value):
            return None
        why = f"{shorten(value, 20)} has too many digits for any time"  # more digits than int() converts
    elif low <= ms <= high:
        return None
    elif ms == 0:
        why = "0: the time was never set"
    elif ms < 0:
        why = f"{show_int(ms)} is negative: a time before 1970"
    elif low <= ms * 1000 <= high:
        why = f"{ms} looks like seconds, not milliseconds ({format_ms(ms * 1000)} if seconds)"
    elif low <= ms // 1000 <= high:  # the unit named only when the window says so: 253402300799999 is 9999-12-31, no microseconds
        why = f"{ms} looks like microseconds, not milliseconds ({format_ms(ms // 1000)} if microseconds)"
    elif low <= ms // 1_000_000 <= high:
        why = f"{ms} looks like nanoseconds, not milliseconds ({format_ms(ms // 1_000_000)} if nanoseconds)"
    elif ms == _LONG_MAX:
        why = f"{ms} is the largest long (Java's Long.MAX_VALUE): a placeholder, not a time"
    elif utc_date(ms) is None:
        why = f"{show_int(ms)} is past the year 9999"
    else:
        why = f"{ms} is {format_ms(ms)}"
    return Hit(pointer, f"implausible epoch-milliseconds timestamp: {why}; expected between {format_ms(low)[:10]} and {format_ms(high)[:10]}", value)


def _range_hits(obj: dict[str, Any], pointer: str, keys: tuple[str, ...], low: int, high: int, hits: list[Hit]) -> None:
    for key in keys:
        value = obj.get(key)
        if value is None:
            continue
        kind = type(value)
        if kind is int:
            if low <= value <= high:
                continue
        elif kind is str and len(value) == 13 and value.isdigit() and value.isascii() and low <= int(value) <= high:
            continue  # the common cases, decided without building a pointer or the general parse
        hit = _range_hit(f"{pointer}/{key}", value, low, high)
        if hit:
            hits.append(hit)


def _with_window(params: dict[str, Any]) -> dict[str, Any]:
    """The window in epoch milliseconds, worked out once per dispatch table instead of once per event."""
    return {**params, "_window": _window(str(params["earliest"]), str(params["latest"]))}


_OUTER_KEYS = ("serverTimeStamp",)


def timestamp_range(ctx: EventContext, p: dict[str, Any]) -> list[Hit]:
    low, high = p["_window"]
    hits: list[Hit] = []
    event, container = ctx.event, ctx.container
    # JSON integers inside the window (every timestamp of a typed v2 capture) decided here, without a call per object
    outer = event.get("serverTimeStamp")
    if outer is not None and not (type(outer) is int and low <= outer <= high):
        _range_hits(event, ctx.pointer, _OUTER_KEYS, low, high, hits)
    if container is not None:
        processed, created = container.get("serverTimeStamp"), container.get("originalTimeStamp")
        processed_fine = processed is None or type(processed) is int and low <= processed <= high
        if not (processed_fine and (created is None or type(created) is int and low <= created <= high)):
            _range_hits(container, ctx.container_pointer, TIMESTAMP_KEYS, low, high, hits)
        if ctx.key == "purchase" and type(container.get("cart")) is dict:
            _range_hits(container["cart"], f"{ctx.container_pointer}/cart", TIMESTAMP_KEYS, low, high, hits)
    return hits


def timestamp_mismatch(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    if ctx.container is None:
        return None
    raw_outer, raw_inner = ctx.event.get("serverTimeStamp"), ctx.container.get("serverTimeStamp")
    if raw_outer == raw_inner:
        return None
    outer = raw_outer if type(raw_outer) is int else as_timestamp(raw_outer)
    inner = raw_inner if type(raw_inner) is int else as_timestamp(raw_inner)
    if outer is None or inner is None or outer == inner:
        return None
    if outer not in MILLISECONDS_BY_SIZE or inner not in MILLISECONDS_BY_SIZE:
        return None  # one is no epoch-milliseconds time (0, 12, seconds, microseconds): timestamp-range says so, as for timestamp-order
    return [Hit(
        join_pointer(ctx.pointer, "serverTimeStamp"),
        f"event serverTimeStamp {show_int(outer)} differs from its {ctx.key}.serverTimeStamp {show_int(inner)} by {format_duration(outer - inner)}",
        outer,
    )]


def _window_problem(given: Mapping[str, Any]) -> str | None:
    """Both days as dates (each valid alone: IsoDate): as text, 20200101 came after 2020-06-01."""
    if {"earliest", "latest"} <= set(given):
        earliest, latest = (date.fromisoformat(str(given[key])) for key in ("earliest", "latest"))
        if earliest >= latest:
            return f"earliest ({earliest}) must come before latest ({latest})"
    return None


RULES = [
    Rule("timestamp-order", category="event", severity="warning", sde_types=ORDERED_TYPES, params={"tolerance-ms": Number(60000)}, check_event=timestamp_order),
    Rule(
        "timestamp-range", category="event", severity="warning", params={"earliest": IsoDate("2000-01-01"), "latest": IsoDate("2100-01-01")},
        check_event=timestamp_range, params_check=_window_problem, prepare=_with_window,
    ),
    Rule("timestamp-mismatch", category="event", severity="warning", check_event=timestamp_mismatch),
]
