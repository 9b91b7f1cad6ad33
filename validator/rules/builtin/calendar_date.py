"""calendar-date: a year/month/day object that is not a real date."""

from __future__ import annotations

from datetime import date
from typing import Any

from ...findings import join_pointer
from ...model import DATE_KEYS, ENGAGEMENT_HISTORY, PROFILES, WEB, WEB_NAMES
from ..base import EventContext, Hit, Rule
from ..values import TYPED_VERSIONS, as_int, is_typed_int, show_int

# Where the schema holds a date part to an int (v2's date, which the web side and Engagement History use too): a part
# past 32 bits there is its bad-value ("out of its range"), and "is not a calendar date" would say it again. v1 takes
# any integer or text.
_INT_PARTS = TYPED_VERSIONS | {ENGAGEMENT_HISTORY}


def _part(number: int, width: int) -> str:
    return f"{number:0{width}d}" if -10**40 < number < 10**40 else show_int(number)


_PART_RANGES = ((1, 9999), (1, 12), (1, 31))  # year, month, day: what datetime.date takes


def _part_number(value: Any, ints: bool) -> int | None:
    if type(value) is int and -(2**31) <= value < 2**31:  # what every version takes: a JSON integer of 32 bits
        return value
    return None if ints and value is not None and not is_typed_int(value) else as_int(value)


def _date_hit(base: str, field_name: str, value: Any, parts: tuple[str, str, str], ints: bool) -> Hit | None:
    if not isinstance(value, dict):
        return None
    year, month, day = numbers = [_part_number(value.get(k), ints) for k in parts]
    if year is None or month is None or day is None:  # an incomplete date: each part it has must still be possible
        for name, number, (low, high) in zip(parts, numbers, _PART_RANGES, strict=True):
            if number is not None and not low <= number <= high:
                return Hit(join_pointer(base, field_name), f"{name} {_part(number, 1)} is out of range ({low} to {high}): no calendar date has it", value)
        if month is not None and day is not None:  # no year: the pair must exist in some year (a leap year has them all)
            try:
                date(2000, month, day)
            except ValueError:
                return Hit(join_pointer(base, field_name), f"{_part(month, 2)}-{_part(day, 2)} is in no year's calendar", value)
        return None
    try:
        date(year, month, day)
    except (ValueError, OverflowError) as exc:  # OverflowError: a part past the C long range (a year of 10**30)
        why = exc if isinstance(exc, ValueError) else "a part is out of range"
        return Hit(join_pointer(base, field_name), f"{_part(year, 4)}-{_part(month, 2)}-{_part(day, 2)} is not a calendar date ({why})", value)
    return None


# (field, its year, month and day members), worked out once rather than per event
_CUSTOMER_INFO_DATES = tuple((k, ("year", "month", "day")) for k in DATE_KEYS)
_AGE = (("customerAge", ("customerYearOfBirth", "customerMonthOfBirth", "customerDateOfBirth")),)
_WEB_AGE = ((WEB_NAMES["customerAge"], ("year", "month", "day")),)  # the web side's personal.age: {age, year, month, day}


def calendar_date(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    attrs = ctx.attrs
    if attrs is None:
        return None
    checks = _CUSTOMER_INFO_DATES if ctx.key == "customerInfo" else _WEB_AGE if ctx.version == WEB else _AGE
    hits = []
    for field_name, parts in checks:
        if field_name in attrs:
            hit = _date_hit(ctx.attrs_pointer, field_name, attrs[field_name], parts, ctx.version in _INT_PARTS)
            if hit:
                hits.append(hit)
    return hits


# only these two types hold dates; the catalogue lists no sde-types, as users read it: "wherever a date is"
RULE = Rule("calendar-date", category="event", severity="error", containers=("customerInfo", "personalInfo"), check_event=calendar_date, profiles=PROFILES)
