"""cart-arithmetic: a cart's item count or total that does not add up."""

from __future__ import annotations

import math
from typing import Any

from ...model import PROFILES
from ..base import EventContext, Hit, Rule
from ..params import Number
from ..values import as_number, shorten


def _shown(number: float, raw: Any) -> str:
    """A number for a message: as read, or as sent when it is past the float range (a 309-digit integer)."""
    return f"{number:g}" if math.isfinite(number) else shorten(str(raw), 20)


def _cart_hits(cart: dict[str, Any], pointer: str, tolerance: float) -> list[Hit]:
    products = cart.get("products")
    if not isinstance(products, list) or not products:
        return []
    quantities: list[float] = []
    amounts: list[float] = []  # price times quantity, while every product has both
    all_quantities = all_amounts = True
    for item in products:
        if not isinstance(item, dict):
            return []
        product = item.get("product")
        quantity = as_number(item.get("quantity"))
        price = as_number(product.get("price")) if isinstance(product, dict) else None
        if quantity is None:
            all_quantities = all_amounts = False
            continue
        quantities.append(quantity)
        if price is None:
            all_amounts = False
        else:
            amounts.append(quantity * price)
    hits = []
    num_items = as_number(cart.get("numItems"))
    # "Number of items in cart": the units, or (as some carts count) the product lines; only a count that is neither is wrong
    if num_items is not None and all_quantities and num_items != sum(quantities) and num_items != len(products):
        shown = _shown(num_items, cart.get("numItems"))
        lines = f"{len(products)} product line{'s' if len(products) != 1 else ''}"
        message = f"numItems is {shown} but the products' quantities add up to {sum(quantities):g}, in {lines}"
        hits.append(Hit(f"{pointer}/numItems", message, cart.get("numItems")))
    total = as_number(cart.get("total"))
    if total is not None and all_amounts and abs(total - sum(amounts)) > tolerance:
        shown = _shown(total, cart.get("total"))
        hits.append(Hit(f"{pointer}/total", f"total is {shown} but price times quantity adds up to {round(sum(amounts), 2):g}", cart.get("total")))
    return hits


def cart_arithmetic(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    attrs = ctx.attrs
    if attrs is None:
        return None
    tolerance = float(p["tolerance"])
    if ctx.key == "cartStatus":
        return _cart_hits(attrs, ctx.attrs_pointer, tolerance)
    cart = attrs.get("cart")
    if not isinstance(cart, dict):
        return None
    # a purchase's own total ("Total amount of purchase") is not compared with its cart's ("Total cart value"):
    # shipping, tax and discounts may stand between them, and no table says they are equal
    return _cart_hits(cart, f"{ctx.attrs_pointer}/cart", tolerance)


RULE = Rule(
    "cart-arithmetic", category="event", severity="warning", sde_types=("CART_STATUS", "PURCHASE"),
    params={"tolerance": Number(0.01)}, check_event=cart_arithmetic,
    profiles=PROFILES,
)
