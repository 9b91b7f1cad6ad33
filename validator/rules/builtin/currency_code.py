"""currency-code: a currency that is not an ISO 4217 code."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from ...model import ENGAGEMENT_HISTORY, PROFILES
from ..base import EventContext, Hit, Rule
from ..datafiles import data_lines
from ..values import quoted, show_json


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    return frozenset(data_lines("iso4217.txt"))


def _currency_hit(pointer: str, value: Any) -> Hit:
    text = str(value)
    if len(text) == 3 and text.isdigit() and text.isascii():  # 840: ISO 4217 has numeric codes too (three digits), but the field takes the letters
        why = "is not an ISO 4217 alphabetic currency code: currency takes the three letters (USD), not ISO 4217's numeric code"
    else:
        hint = f" (did you mean {value.strip().upper()!r}?)" if isinstance(value, str) and value.strip().upper() in currency_codes() else ""
        why = f"is not an ISO 4217 currency code{hint}"
    shown = quoted(value) if isinstance(value, str) else show_json(value)
    return Hit(f"{pointer}/currency", f"{shown} {why}", value)


def _wrong(value: Any, codes: frozenset[str], numbers: bool) -> bool:
    """Whether a currency is set and no code. Only text is judged, and numbers where the schema takes them for text
    (Engagement History: socialId 4444); another type is the schema's wrong-type (v1-alphanumeric in API v1), and
    1e400 (read as infinity) the parse's syntax-error: "Infinity is not an ISO 4217 currency code" would repeat it."""
    kind = type(value)
    if kind is str:
        return value != "" and value not in codes
    return numbers and (kind is int or (kind is float and math.isfinite(value)))


def currency_code(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    attrs = ctx.attrs
    if attrs is None:
        return None
    codes = currency_codes()
    numbers = ctx.version == ENGAGEMENT_HISTORY
    hits = []
    value = attrs.get("currency")
    if value is not None and _wrong(value, codes, numbers):
        hits.append(_currency_hit(ctx.attrs_pointer, value))
    cart = attrs.get("cart") if ctx.key == "purchase" else None
    if type(cart) is dict:
        value = cart.get("currency")
        if value is not None and _wrong(value, codes, numbers):
            hits.append(_currency_hit(f"{ctx.attrs_pointer}/cart", value))
    return hits


RULE = Rule(
    "currency-code", category="event", severity="warning",
    containers=("customerInfo", "cartStatus", "purchase", "viewedProduct", "lead"), check_event=currency_code,
    profiles=PROFILES,
)
