"""age-consistency: customerAgeInYears that contradicts the date of birth at the event's time."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..base import EventContext, Hit, Rule
from ..params import Number
from ..values import MILLISECONDS_BY_SIZE, as_int, as_number, shorten, utc_date


def _birth(age: dict[str, Any]) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of birth, month and day when given; None without a year or for a date that cannot be (calendar-date's finding)."""
    year, month, day = (as_int(age.get(k)) for k in ("customerYearOfBirth", "customerMonthOfBirth", "customerDateOfBirth"))
    if year is None:
        return None
    try:
        date(year, month or 1, (day or 1) if month else 1)
    except (ValueError, OverflowError):
        return None
    return year, month, (day if month else None)


def _age_range(born: tuple[int, int | None, int | None], on: date) -> tuple[int, int]:
    """The youngest and oldest whole age at ``on``: one value when the birthday is known, two with the year alone."""
    year, month, day = born
    oldest = on.year - year
    if month is None:
        return oldest - 1, oldest
    had_birthday = (on.month, on.day) >= (month, day or 1)
    exact = oldest if had_birthday else oldest - 1
    return exact, exact


def _event_day(ctx: EventContext) -> date | None:
    """The UTC day of the event's serverTimeStamp (or, when that is missing or not in milliseconds, its container's)."""
    for holder in (ctx.event, ctx.container):
        stamp = as_int(holder.get("serverTimeStamp")) if holder is not None else None
        if stamp is not None and stamp in MILLISECONDS_BY_SIZE:  # else the event's day is unknown: no age is compared
            return utc_date(stamp)
    return None


def age_consistency(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    age = ctx.attrs.get("customerAge") if ctx.attrs is not None else None
    if type(age) is not dict:
        return None  # absent, null or text ("alphanumeric"): nothing to compare
    given = as_number(age.get("customerAgeInYears"))
    born = _birth(age)
    if given is None or born is None:
        return None
    on = _event_day(ctx)
    if on is None:
        return None
    youngest, oldest = _age_range(born, on)
    tolerance = p["tolerance-years"]
    if youngest - tolerance <= given <= oldest + tolerance:
        return None
    year, month, day = born
    birth = f"{year:04d}" + (f"-{month:02d}" if month is not None else "") + (f"-{day:02d}" if day is not None else "")
    if oldest < 0:
        why = f"the date of birth {birth}, which is after the event's day ({on.isoformat()})"
    else:
        expected = str(max(youngest, 0)) if max(youngest, 0) == oldest else f"{youngest} or {oldest}"
        why = f"the date of birth {birth}: {expected} years on the event's day ({on.isoformat()}), tolerance {tolerance:g}"
    raw = age.get("customerAgeInYears")
    # as written when :g would write an exponent: a 300-digit age is no "1e+300" (one past a double's range is no
    # number at all: as_number leaves it to the schema, a v1 age to nobody)
    shown = f"{given:g}" if abs(given) < 1e6 else shorten(str(raw), 20)
    return [Hit(f"{ctx.attrs_pointer}/customerAge/customerAgeInYears", f"customerAgeInYears {shown} contradicts {why}", raw)]


RULE = Rule(
    "age-consistency", category="event", severity="warning", sde_types=("PERSONAL_INFO",),
    params={"tolerance-years": Number(1)}, check_event=age_consistency,
)
