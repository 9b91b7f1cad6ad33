"""currency-code: a currency that is not an ISO 4217 code."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ...model import PROFILES
from ..base import EventContext, Hit, Rule
from ..datafiles import data_lines
from ..values import unset


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    return frozenset(data_lines("iso4217.txt"))


def _currency_hit(pointer: str, value: Any) -> Hit:
    hint = f" (did you mean {value.strip().upper()!r}?)" if isinstance(value, str) and value.strip().upper() in currency_codes() else ""
    return Hit(f"{pointer}/currency", f"{value!r} is not an ISO 4217 currency code{hint}", value)


def currency_code(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    attrs = ctx.attrs
    if attrs is None:
        return None
    codes = currency_codes()
    hits = []
    value = attrs.get("currency")
    if not unset(value) and not (type(value) is str and value in codes):
        hits.append(_currency_hit(ctx.attrs_pointer, value))
    cart = attrs.get("cart") if ctx.key == "purchase" else None
    if type(cart) is dict:
        value = cart.get("currency")
        if not unset(value) and not (type(value) is str and value in codes):
            hits.append(_currency_hit(f"{ctx.attrs_pointer}/cart", value))
    return hits


RULE = Rule(
    "currency-code", category="event", severity="warning",
    containers=("customerInfo", "cartStatus", "purchase", "viewedProduct", "lead"), check_event=currency_code,
    profiles=PROFILES,
)
