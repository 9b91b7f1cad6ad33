"""cart-arithmetic: a cart's item count or total that does not add up."""

from __future__ import annotations

from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal
from typing import Any

from ...model import PROFILES
from ..base import EventContext, Hit, Rule
from ..params import Number
from ..values import as_decimal, shorten

# Amounts are added as the decimals they are written as: in floats, a correct 12345678901234.57 x 7 misses its
# total by more than a cent. The precision is past any real amount's digits, so nothing is rounded that could decide;
# nothing traps: an absurd exponent gives Infinity or NaN, which decides nothing (is_finite).
_EXACT = Context(prec=1000, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[])


def _shown(number: Decimal) -> str:
    """A number for a message as written (1234567, not 1.23457e+06), past 20 characters shortened."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return shorten(text, 20)


def _cart_hits(cart: dict[str, Any], pointer: str, tolerance: Decimal) -> list[Hit]:
    products = cart.get("products")
    if not isinstance(products, list) or not products:
        return []
    quantities: list[Decimal] = []
    amounts: list[Decimal] = []  # price times quantity, while every product has both
    all_quantities = all_amounts = True
    for item in products:
        if not isinstance(item, dict):
            return []
        product = item.get("product")
        quantity = as_decimal(item.get("quantity"))
        price = as_decimal(product.get("price")) if isinstance(product, dict) else None
        if quantity is None:
            all_quantities = all_amounts = False
            continue
        quantities.append(quantity)
        if price is None:
            all_amounts = False
        else:
            amounts.append(_EXACT.multiply(quantity, price))
    hits = []
    num_items = as_decimal(cart.get("numItems"))
    # "Number of items in cart": the units, or (as some carts count) the product lines; only a count that is neither is wrong
    if num_items is not None and all_quantities:
        units = _sum(quantities)
        if units.is_finite() and num_items != units and num_items != len(products):
            lines = f"{len(products)} product line{'s' if len(products) != 1 else ''}"
            message = f"numItems is {_shown(num_items)} but the products' quantities add up to {_shown(units)}, in {lines}"
            hits.append(Hit(f"{pointer}/numItems", message, cart.get("numItems")))
    total = as_decimal(cart.get("total"))
    if total is not None and all_amounts:
        added = _sum(amounts)
        difference = _EXACT.subtract(total, added)
        if difference.is_finite() and abs(difference) > tolerance:
            message = f"total is {_shown(total)} but price times quantity adds up to {_shown(added)}"
            hits.append(Hit(f"{pointer}/total", message, cart.get("total")))
    return hits


def _sum(numbers: list[Decimal]) -> Decimal:
    added = Decimal(0)
    for number in numbers:
        added = _EXACT.add(added, number)
    return added


def cart_arithmetic(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    attrs = ctx.attrs
    if attrs is None:
        return None
    tolerance = Decimal(repr(float(p["tolerance"])))
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
