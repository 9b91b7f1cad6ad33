"""cart-arithmetic: a cart's item count or total that does not add up."""

from __future__ import annotations

import math
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal
from typing import Any

from ...model import PROFILES
from ..base import EventContext, Hit, Rule
from ..params import Number
from ..values import TYPED_VERSIONS, as_decimal, as_number, is_typed_int, shorten

# Amounts are added as the decimals they are written as: in floats, a correct 12345678901234.57 x 7 misses its
# total by more than a cent. The precision is past any real amount's digits, so nothing is rounded that could decide;
# nothing traps: an absurd exponent gives Infinity or NaN, which decides nothing (is_finite).
_EXACT = Context(prec=1000, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[])


def _shown(number: Decimal) -> str:
    """A number for a message as written (1234567, not 1.23457e+06), past 20 characters shortened; with an exponent
    past 20 digits either way as Decimal writes it (1E+99999999): written out, it would take gigabytes. When Decimal
    writes a long mantissa, it is cut to 15 digits and the exponent kept ("2.000000000000000000…" was a sum of
    2E+5000), with "about" when that rounds."""
    if not number.is_finite():
        return shorten(str(number), 20)
    if abs(number.adjusted()) > 20:
        text = str(number)
        if "E" not in text or len(text) <= 20:
            return shorten(text, 20)  # digits (10**309 as its first digits and length), or a short E form
        mantissa, _, exponent = format(number, ".14E").partition("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        rounded = _EXACT.compare(Decimal(f"{mantissa}E{exponent}"), number) != 0
        return f"{'about ' if rounded else ''}{mantissa}E{exponent}"
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return shorten(text, 20)


def _adds_up(cart: dict[str, Any], tolerance: float) -> bool:
    """True when floats show the cart adds up beyond doubt; False sends it to the exact check (``_cart_hits``).

    The exact check costs three times as much, and almost every cart adds up: a float sum is trusted only when its
    rounding error, bounded from the magnitudes, could not have turned a mismatch into a match.
    """
    products = cart.get("products")
    if not isinstance(products, list) or not products:
        return True
    if len(products) > _MOST_FLOAT_PRODUCTS:  # the rounding error grows with the count: the margin below holds up to it
        return False
    units = amounts = scale = 0.0
    all_quantities = all_amounts = True
    units_exact = True  # every quantity and partial sum an integer a float holds exactly
    for item in products:
        if not isinstance(item, dict):
            return True
        product = item.get("product")
        raw_quantity, raw_price = item.get("quantity"), product.get("price") if isinstance(product, dict) else None
        if _finer_than_a_float(raw_quantity) or _finer_than_a_float(raw_price):
            return False
        quantity = as_number(raw_quantity)
        price = as_number(raw_price)
        if quantity is None:
            all_quantities = all_amounts = False
            continue
        units += quantity
        units_exact = units_exact and quantity.is_integer() and abs(quantity) < _EXACT_FLOAT_INTEGERS and abs(units) < _EXACT_FLOAT_INTEGERS
        if price is None:
            all_amounts = False
        else:
            amounts += quantity * price
            scale += abs(quantity * price)
    if _finer_than_a_float(cart.get("numItems")) or _finer_than_a_float(cart.get("total")):
        return False
    num_items = as_number(cart.get("numItems"))
    if num_items is not None and all_quantities and not (units_exact and (num_items == units or num_items == len(products))):
        return False
    total = as_number(cart.get("total"))
    if total is None or not all_amounts:
        return True
    # far past the error of a thousand float operations; never 0, so a tolerance of 0 is always the exact check's
    margin = (scale + abs(total)) * 1e-12 + 1e-300
    return math.isfinite(margin) and abs(total - amounts) + margin <= tolerance


_EXACT_FLOAT_INTEGERS = 2.0**53  # below it, sums of integral floats are exact
_MOST_FLOAT_PRODUCTS = 1000


def _finer_than_a_float(value: Any) -> bool:
    """A numeric string a float may not hold: more digits than it keeps ("1.00000000000000001"), or an exponent
    ("1e-400" reads as 0.0). Floats cannot judge it."""
    return type(value) is str and (len(value) > 15 or "e" in value or "E" in value)


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
        difference = _EXACT.subtract(total, added)  # abs and compare in _EXACT too: the default context traps overflow
        if difference.is_finite() and _EXACT.compare(_EXACT.abs(difference), tolerance) > 0:
            message = f"total is {_shown(total)} but price times quantity adds up to {_shown(added)}"
            hits.append(Hit(f"{pointer}/total", message, cart.get("total")))
    return hits


def _sum(numbers: list[Decimal]) -> Decimal:
    added = Decimal(0)
    for number in numbers:
        added = _EXACT.add(added, number)
    return added


def _without_bad_ints(cart: dict[str, Any]) -> dict[str, Any]:
    """The cart with a numItems or quantity that is no int (1.5, "2147483648") taken as absent: where the tables' int
    is typed, such a value is the schema's bad-value, and a sum it enters would report the same defect again."""
    def bad(value: Any) -> bool:
        return value is not None and as_number(value) is not None and not is_typed_int(value)

    products = cart.get("products")
    lines = products if isinstance(products, list) else []
    if not bad(cart.get("numItems")) and not any(isinstance(item, dict) and bad(item.get("quantity")) for item in lines):
        return cart  # the common case: nothing to take out, no copy
    view = {**cart, "numItems": None} if bad(cart.get("numItems")) else dict(cart)
    if lines:
        view["products"] = [{**item, "quantity": None} if isinstance(item, dict) and bad(item.get("quantity")) else item for item in lines]
    return view


def cart_arithmetic(ctx: EventContext, p: dict[str, Any]) -> list[Hit] | None:
    attrs = ctx.attrs
    if attrs is None:
        return None
    cart: Any = attrs
    pointer = ctx.attrs_pointer
    if ctx.key != "cartStatus":
        cart, pointer = attrs.get("cart"), f"{ctx.attrs_pointer}/cart"
        if not isinstance(cart, dict):
            return None
        # a purchase's own total ("Total amount of purchase") is not compared with its cart's ("Total cart value"):
        # shipping, tax and discounts may stand between them, and no table says they are equal
    if ctx.version in TYPED_VERSIONS:
        cart = _without_bad_ints(cart)
    tolerance = float(p["tolerance"])
    if _adds_up(cart, tolerance):
        return None
    return _cart_hits(cart, pointer, Decimal(repr(tolerance)))


RULE = Rule(
    "cart-arithmetic", category="event", severity="warning", sde_types=("CART_STATUS", "PURCHASE"),
    params={"tolerance": Number(0.01)}, check_event=cart_arithmetic,
    profiles=PROFILES,
)
