"""age-consistency: customerAgeInYears that contradicts the date of birth at the event's time."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..base import EventContext, Hit, Rule
from ..params import Number
from ..values import as_int, as_number, utc_date


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


def age_consistency(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    age = ctx.attrs.get("customerAge") if ctx.attrs is not None else None
    if type(age) is not dict:
        return None  # absent, null or text ("alphanumeric"): nothing to compare
    given = as_number(age.get("customerAgeInYears"))
    born = _birth(age)
    if given is None or born is None:
        return None
    stamp = as_int(ctx.event.get("serverTimeStamp"))
    if stamp is None and ctx.container is not None:
        stamp = as_int(ctx.container.get("serverTimeStamp"))
    on = utc_date(stamp) if stamp is not None else None
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
    return [Hit(f"{ctx.attrs_pointer}/customerAge/customerAgeInYears", f"customerAgeInYears {given:g} contradicts {why}", age.get("customerAgeInYears"))]


RULE = Rule(
    "age-consistency", category="event", severity="warning", sde_types=("PERSONAL_INFO",),
    params={"tolerance-years": Number(1)}, check_event=age_consistency,
)
