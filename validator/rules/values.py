"""Reading typed values the way the API sends them: numbers, numeric strings, null."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from ..findings import escape_token, join_pointer, too_long_to_print, value_text
from ..model import WEB
from ..validate.formats import DOUBLE_MAX, NUMBER, within_double

_INT = re.compile(r"[+-]?[0-9]+\Z")
_NUMBER = NUMBER


# int() refuses longer digit strings (CPython's guard against quadratic conversion); no real value comes near it
MAX_INT_DIGITS = 4300


def as_number(value: Any) -> float | None:
    """A JSON number or a numeric string as a float; None for anything else, and for what no double holds ("1e400",
    which Java's Double.parseDouble reads as infinity, the number 1e400, NaN): API v2's schema reports those where
    a double is typed, and a rule that reads one would report the same defect again, or a number nobody reads."""
    if type(value) is str:  # the common case first: a numeric-string check runs on every typed field
        if not _NUMBER.match(value):
            return None
        number = float(value)
        return number if number - number == 0 else None  # inf - inf and nan - nan are nan
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, int):
        return float(value) if -DOUBLE_MAX <= value <= DOUBLE_MAX else None
    if isinstance(value, str):
        return as_number(str(value))  # a str subclass
    return None


def as_decimal(value: Any) -> Decimal | None:
    """A JSON number or a numeric string as the decimal it is written as; None for anything else, and (as as_number)
    for what no double holds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None  # repr: the shortest text that reads back as the float
    if isinstance(value, int):
        return Decimal(value) if -DOUBLE_MAX <= value <= DOUBLE_MAX else None  # as as_number: no double holds it
    if isinstance(value, str) and _NUMBER.match(value) and within_double(value):
        try:
            return Decimal(value)
        except InvalidOperation:  # an exponent past Decimal's (1e9999999999999999999)
            return None
    return None


def as_int(value: Any) -> int | None:
    """A JSON integer, an integral float or a string of digits as an int; None for anything else, or too many digits to convert."""
    if type(value) is str and value.isdigit() and value.isascii():  # the common case: "1528628536879"
        return int(value) if len(value) <= MAX_INT_DIGITS else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT.match(value) and len(value) <= MAX_INT_DIGITS:
        return int(value)
    return None


def as_timestamp(value: Any) -> int | None:
    """A timestamp as the schema takes one (an integer, or digits with a minus at most) as an int, else None: "+12"
    is the schema's bad-value, and a rule that read it as 12 ms would report the same place again."""
    if type(value) is str and value.startswith("+"):
        return None
    return as_int(value)


def is_number_text(text: str) -> bool:
    """Whether a string is a number as as_number reads one (converting it only when it may be past a double's range)."""
    return _NUMBER.match(text) is not None and within_double(text)


def is_integer_text(value: Any) -> bool:
    """A string of (optionally signed) ASCII digits, however long: as_int's None does not tell it from text."""
    return isinstance(value, str) and _INT.match(value) is not None


def unset(value: Any) -> bool:
    """null or the empty string: an attribute sent without a value, which a format rule leaves alone."""
    return value is None or value == ""


def shorten(text: str, limit: int = 40) -> str:
    """A value quoted in a message, cut to ``limit`` characters so a hostile value cannot flood the report."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def quoted(text: str, limit: int = 40) -> str:
    """A string value quoted in a message, as Python's repr writes it, cut to ``limit`` characters with its length after
    the closing quote: shorten(repr(text)) cut off the quote and counted the repr's characters (60002 for 60,000)."""
    return repr(text) if len(text) <= limit else f"{text[:limit] + '…'!r} ({len(text)} characters)"


def show_json(value: Any) -> str:
    """A scalar as JSON writes it (true, null, "x"), shortened; Python's repr for what JSON cannot write (YAML dates).

    A container is named, not written: it may be as large or as deep as the document.
    """
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "an array"
    return shorten(value_text(value))


def show_int(number: int) -> str:
    """An integer for a message; huge ones (a 4,000-digit timestamp) by their first digits and their length."""
    if -10**40 < number < 10**40:
        return str(number)
    if not too_long_to_print(number):
        return shorten(str(number), 20)
    return f"an integer of about {int(abs(number).bit_length() * math.log10(2))} digits"


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MS_PER_DAY = 86_400_000


# Epoch milliseconds by size, whatever timestamp-range's window: 1973-03-03 to the year 5138. A time in seconds (ten
# digits: 1970 read as milliseconds), 0 or a negative is below; one in microseconds above. timestamp-range reports
# those; a rule that compares times (timestamp-order, age-consistency) leaves them alone rather than judge decades off.
MILLISECONDS_BY_SIZE = range(10**11, 10**14)


def utc_date(ms: int) -> date | None:
    """The UTC day of epoch milliseconds; None outside the years 1 to 9999."""
    try:
        return date.fromordinal(_EPOCH_ORDINAL + ms // _MS_PER_DAY)
    except (OverflowError, ValueError):
        return None


@lru_cache(maxsize=1024)
def _day_text(day: int) -> str:
    return date.fromordinal(_EPOCH_ORDINAL + day).isoformat()


def format_ms(ms: int) -> str:
    """Epoch milliseconds as UTC text, exactly (integer arithmetic: no float rounding of large values).

    Messages quote two timestamps per finding; the date part is looked up per day.
    """
    day, rest = divmod(ms, _MS_PER_DAY)
    try:
        day_text = _day_text(day)
    except (OverflowError, ValueError):
        return f"{show_int(ms)} ms"
    # the fields looked up, not formatted: two of these per timestamp-order finding, 50,000 findings in a big capture
    return f"{day_text} {_TWO_DIGITS[rest // 3_600_000]}:{_TWO_DIGITS[rest // 60_000 % 60]}:{_TWO_DIGITS[rest // 1000 % 60]}.{_THREE_DIGITS[rest % 1000]} UTC"


_TWO_DIGITS = [f"{n:02d}" for n in range(100)]
_THREE_DIGITS = [f"{n:03d}" for n in range(1000)]


def format_duration(ms: int, exact: bool = False) -> str:
    """A span as days, hours, minutes and seconds (units that are 0 left out); under a second, as milliseconds.
    ``exact``: with the milliseconds past a second too (1s 500ms), where rounding them off would read as another span."""
    seconds, millis = divmod(abs(ms), 1000)
    if seconds and exact and millis:
        return f"{format_duration(seconds * 1000)} {millis}ms"
    if seconds < 60:  # the common case in messages: no list to build
        return f"{seconds}s" if seconds else f"{millis}ms"
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days >= 10**6:  # a value thousands of digits long: its size is the news, not its hours
        return f"{show_int(days)} days"
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if seconds:
        parts.append(f"{seconds}s")
    return " ".join(parts)


def iter_strings(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """(pointer, string) for every string below ``value``."""
    stack = [(pointer, value)]
    while stack:
        here, item = stack.pop()
        if isinstance(item, str):
            yield here, item
        elif isinstance(item, dict):
            stack.extend((join_pointer(here, k), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((f"{here}/{i}", v) for i, v in enumerate(item))


def iter_path(value: Any, pointer: str, path: tuple[str | int, ...]) -> list[tuple[str, Any]]:
    """(pointer, value) for each match of a path of keys, ``*`` (every array item) and indexes (ints: one item)."""
    items = [(pointer, value)]
    for token in path:
        found: list[tuple[str, Any]] = []
        if token == "*":
            for here, item in items:
                if type(item) is list:
                    found.extend((f"{here}/{i}", element) for i, element in enumerate(item))
        elif type(token) is int:
            for here, item in items:
                if type(item) is list and token < len(item):
                    found.append((f"{here}/{token}", item[token]))
        else:
            step = "/" + escape_token(token)
            for here, item in items:
                if type(item) is dict and token in item:
                    found.append((here + step, item[token]))
        if not found:
            return found
        items = found
    return items


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON values: Python's == takes true for 1 and false for 0, which JSON keeps apart.

    1 and 1.0 are one number (JSON has no integer type); "1" and 1 are not.
    """
    pairs = [(a, b)]  # a stack, not recursion: an event may nest as deep as its document
    while pairs:
        x, y = pairs.pop()
        kind = type(x)
        if kind is dict:
            if type(y) is not dict or x.keys() != y.keys():
                return False
            pairs.extend((value, y[key]) for key, value in x.items())
        elif kind is list:
            if type(y) is not list or len(x) != len(y):
                return False
            pairs.extend(zip(x, y, strict=True))
        elif kind is bool or type(y) is bool:
            if x is not y:
                return False
        elif x != y:
            return False
    return True


def holds_integer(text: str, bits: int) -> bool:
    """Whether ``text`` is an integer (leading zeros and a sign allowed, as the schema's pattern) of a signed ``bits``-bit type."""
    if len(text) <= 9 and text.isdigit() and text.isascii():
        return True  # the common case: below 10**9, within an int's range and a long's
    if _INT.match(text) is None:
        return False
    digits = text.lstrip("+-").lstrip("0")
    return len(digits) <= 19 and -(2**bits) <= int(text) < 2**bits  # past 19 digits, past any long (and int() stays cheap)


# Where the tables' int and double are typed (API v2, and the web side, which takes v2's value types); in v1 and
# Engagement History they are alphanumeric, any text a value
TYPED_VERSIONS = frozenset(("v2", WEB))


def is_typed_int(value: Any) -> bool:
    """Whether the typed schemas take a value as an int: a JSON integer (or integral number), or its digits as text, in 32 bits.

    Anything else in an int field there ("Search", 1.5, 2147483648) is the schema's bad-value: a rule that reads the
    field as a number leaves it alone, so that one defect is one finding.
    """
    if type(value) is str:
        return holds_integer(value, 31)
    number = as_int(value) if type(value) in (int, float) else None
    return number is not None and -(2**31) <= number < 2**31
