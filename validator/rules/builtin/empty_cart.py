"""empty-cart: a cart that counts items but lists no products."""

from __future__ import annotations

from typing import Any

from ...model import PROFILES
from ..base import EventContext, Hit, Rule
from ..values import as_number, shorten


def _empty_cart_hit(cart: Any, pointer: str) -> Hit | None:
    if type(cart) is not dict or cart.get("products") != []:
        return None  # products absent or null is "not sent": the web Types table does not make them mandatory
    count = as_number(cart.get("numItems"))
    if count is None or not count > 0:
        return None
    return Hit(f"{pointer}/numItems", f"numItems is {shorten(str(cart.get('numItems')))} but products is empty", cart.get("numItems"))


def empty_cart(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    attrs = ctx.attrs
    if attrs is None:
        return None
    hit = _empty_cart_hit(attrs, ctx.attrs_pointer) if ctx.key == "cartStatus" else _empty_cart_hit(attrs.get("cart"), f"{ctx.attrs_pointer}/cart")
    return [hit] if hit else None


RULE = Rule("empty-cart", category="event", severity="warning", sde_types=("CART_STATUS", "PURCHASE"), check_event=empty_cart, profiles=PROFILES)
